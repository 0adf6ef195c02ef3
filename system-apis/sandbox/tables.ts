import type { SystemName } from '../common/deps';

/**
 * The sandbox bookkeeping every system keeps in its own schema: its fault configuration (one row) and the marker
 * of its demo-data seed (one row, so the seed runs on the first start only). Part of each system's first
 * migration; never change it once released, add a migration instead.
 */
export const sandboxTablesSql = (schema: SystemName): string => `
  CREATE TABLE ${schema}.sandbox_faults (
    id                  boolean PRIMARY KEY DEFAULT true CHECK (id),
    mode                text NOT NULL CHECK (mode IN ('none', 'down', 'slow', 'throttle', 'flaky')),
    delay_ms            integer CHECK (delay_ms BETWEEN 0 AND 60000),
    retry_after_seconds integer NOT NULL CHECK (retry_after_seconds BETWEEN 1 AND 3600),
    failure_rate        double precision CHECK (failure_rate BETWEEN 0 AND 1),
    ends_at             timestamptz(3),
    updated_at          timestamptz(3) NOT NULL
  );

  CREATE TABLE ${schema}.sandbox_seed (
    id        boolean PRIMARY KEY DEFAULT true CHECK (id),
    seeded_at timestamptz(3) NOT NULL DEFAULT now()
  );
`;

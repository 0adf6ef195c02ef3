import type { Migration } from '../../../platform/db/migrate';

/**
 * Requests per app and UTC day, as the usage policy counts them (see README). The recorder only ever adds
 * deltas (`requests = requests + excluded.requests`), so any number of gateway instances can share the table.
 * Client ids use the "C" collation, like the app registry's.
 */
export const usageMigrations: readonly Migration[] = [
  {
    id: 'gateway-usage/0001_daily',
    sql: `
      CREATE TABLE concord.gateway_usage_daily (
        client_id text COLLATE "C" NOT NULL,
        day       date NOT NULL,
        requests  bigint NOT NULL DEFAULT 0 CHECK (requests >= 0),
        errors    bigint NOT NULL DEFAULT 0 CHECK (errors >= 0),
        throttled bigint NOT NULL DEFAULT 0 CHECK (throttled >= 0),
        PRIMARY KEY (client_id, day)
      );
    `,
  },
];

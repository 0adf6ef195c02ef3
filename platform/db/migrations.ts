import { instanceMigrations } from './instance-liveness';
import type { Migration } from './migrate';

/** The instance's birth, reset in a data dir made from a template (which was migrated when it was built). */
export const INSTANCE_CREATED_SQL = 'UPDATE concord.instance SET created_at = now()';

/**
 * Platform-level tables. Each part of Concord (gateway, process APIs, system APIs) contributes its own list;
 * `server/start.ts` applies them in order.
 */
export const platformMigrations: readonly Migration[] = [
  {
    id: 'platform/0001_instance',
    sql: `CREATE TABLE concord.instance (
            id boolean PRIMARY KEY DEFAULT true CHECK (id),
            created_at timestamptz NOT NULL DEFAULT now()
          );
          INSERT INTO concord.instance DEFAULT VALUES;`,
  },
  ...instanceMigrations,
];

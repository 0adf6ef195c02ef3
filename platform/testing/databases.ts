import type { Database } from '../db/database';
import { openPglite } from '../db/pglite';
import { openPostgres } from '../db/postgres';
import { createTempDatabase, describeWithService } from './services';
import { makeTempDir } from './temp-dir';

/** Opens a fresh, empty database for a suite; `cleanup` removes it after `db.close()`. */
export type OpenTestDatabase = () => Promise<{ db: Database; cleanup(): Promise<void> }>;

/**
 * Runs one suite twice: on the embedded twin (PGlite in a temp dir) and on the real PostgreSQL (a throwaway
 * database), so both adapters are held to the same behaviour.
 */
export function describeOnBothDatabases(name: string, suite: (open: OpenTestDatabase) => void): void {
  describe(`${name} on PGlite`, () => {
    suite(async () => {
      const dir = await makeTempDir();
      return { db: await openPglite(dir.path), cleanup: dir.remove };
    });
  });
  describeWithService('postgres', `${name} on PostgreSQL`, () => {
    suite(async () => {
      const tmp = await createTempDatabase();
      return { db: await openPostgres(tmp.url), cleanup: tmp.drop };
    });
  });
}

import type { Database } from '../../db/database';
import { migrate } from '../../db/migrate';
import type { OpenTestDatabase } from '../../testing/databases';
import { eventMigrations } from '../migrations';

/**
 * One migrated database for a suite (opening PGlite takes seconds here), emptied before each test. Returns a
 * getter, as the database exists only once beforeAll has run.
 */
export function useEventDatabase(open: OpenTestDatabase): () => Database {
  let db: Database | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ db, cleanup } = await open());
    await migrate(db, eventMigrations);
  });
  beforeEach(async () => {
    await db?.query(
      'TRUNCATE events.outbox, events.subject_sequences, events.dead_letters, events.consumer_processed RESTART IDENTITY',
    );
  });
  afterAll(async () => {
    await db?.close();
    await cleanup?.();
  });
  return () => {
    if (!db) throw new Error('the test database is not open yet');
    return db;
  };
}

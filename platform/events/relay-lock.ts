import type { Database } from '../db/database';

/** The advisory lock that lets one relay at a time publish, among every instance sharing one PostgreSQL. */
const RELAY_LOCK = 7_402_118;

/** PGlite is one process's own database, so a lock per Database object is enough there. */
const embeddedHolders = new WeakMap<Database, true>();

/**
 * Runs `fn` if no other relay is running on this database, else returns undefined at once.
 *
 * On PostgreSQL the lock is transaction-scoped and held by a transaction that stays open for the whole run, on a
 * connection of its own: if the process dies, the server ends that session and the lock is free for the next
 * relay. `fn` does its own work through `db` (other connections), committing each step as it goes, so a crash
 * loses at most the marking of the event in flight. PGlite runs every transaction exclusively, so an open one
 * would block the consumers that an in-process publish waits for; it gets the in-process lock instead, which is
 * enough because one process owns a PGlite data dir.
 */
export async function withRelayLock<T>(db: Database, fn: () => Promise<T>): Promise<T | undefined> {
  if (db.kind === 'pglite') {
    if (embeddedHolders.has(db)) return undefined;
    embeddedHolders.set(db, true);
    try {
      return await fn();
    } finally {
      embeddedHolders.delete(db);
    }
  }
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [RELAY_LOCK]);
    if (!rows[0]?.locked) return undefined;
    return fn();
  });
}

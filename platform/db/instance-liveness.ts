import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger';
import type { Database, DatabaseSession } from './database';
import type { Migration } from './migrate';

/**
 * Which Concord processes are running, so that what a dead one held (an in-flight idempotency claim) is released
 * at once instead of after a lease (docs/adr/0012-liveness-and-idle.md).
 *
 * - PostgreSQL: each process takes a session-level advisory lock `(LOCK_CLASS, lock_key)` on a connection of its
 *   own and keeps it for its life. PostgreSQL drops the lock the moment that connection ends, which a killed
 *   process's does at once (the kernel closes its socket), so "the lock is held" is exactly "the process is alive",
 *   whichever instance asks, with no heartbeat to tune.
 * - PGlite: one process per data dir (data-dir-lock.ts), so every instance but this one is dead.
 */
export interface InstanceLiveness {
  /** This process's instance id, written on what it holds. */
  readonly id: string;
  /** Whether the instance `id` still runs. `null` (held before instances were recorded) is unknown on PostgreSQL: alive. */
  isAlive(id: string | null): Promise<boolean>;
  /** Releases the lock (the instance is dead to others from then on). */
  close(): Promise<void>;
}

/** The first key of every instance's advisory lock ('Conc'), so they never collide with other advisory locks. */
const LOCK_CLASS = 0x436f6e63;

export const instanceMigrations: readonly Migration[] = [
  {
    id: 'platform/0002_running_instances',
    sql: `CREATE SEQUENCE concord.instance_lock_keys AS integer CYCLE;
          -- One row per process started against this database; a row whose advisory lock nobody holds is dead.
          CREATE TABLE concord.running_instances (
            id         text PRIMARY KEY,
            lock_key   integer NOT NULL UNIQUE,
            started_at timestamptz NOT NULL DEFAULT now()
          );`,
  },
];

const HELD = `EXISTS (SELECT 1 FROM pg_locks l
                       WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                         AND l.classid = ${LOCK_CLASS}::oid AND l.objid = i.lock_key::oid)`;

export async function registerInstance(db: Database, opts: { logger?: Logger } = {}): Promise<InstanceLiveness> {
  const id = randomUUID();
  if (db.kind === 'pglite') {
    return { id, isAlive: async (other) => other === id, close: async () => {} };
  }

  const lock = async (session: DatabaseSession, key: number) => {
    await session.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS, key]);
  };
  // The lock is taken before the row exists, so a row is never seen without its lock while its process lives.
  let session = await db.openSession();
  const { rows } = await session.query<{ key: number }>(`SELECT nextval('concord.instance_lock_keys')::integer AS key`);
  const key = rows[0]!.key;
  await lock(session, key);
  // Rows of dead instances go (their claims are released on demand by whoever meets them).
  await session.query(`DELETE FROM concord.running_instances i WHERE NOT ${HELD} OR i.lock_key = $1`, [key]);
  await session.query('INSERT INTO concord.running_instances (id, lock_key) VALUES ($1, $2)', [id, key]);

  let closed = false;
  // Losing the connection drops the lock: take it again on a new one. Meanwhile other instances may see this one
  // as dead and take over its claims; those claims' completions then fail their token check (ADR 0012).
  const keepAlive = (s: DatabaseSession) =>
    s.onLost((err) => {
      opts.logger?.error({ err, instance: id }, 'instance liveness connection lost; taking the lock again');
      void (async () => {
        for (let n = 0; !closed; n++) {
          await sleep(Math.min(5000, 250 * 2 ** n));
          try {
            const next = await db.openSession();
            await lock(next, key);
            await next.query('INSERT INTO concord.running_instances (id, lock_key) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [id, key]);
            if (closed) return void (await next.close());
            session = next;
            keepAlive(next);
            return;
          } catch (e) {
            opts.logger?.warn({ err: e, instance: id }, 'taking the instance lock again failed; retrying');
          }
        }
      })();
    });
  keepAlive(session);

  return {
    id,
    async isAlive(other) {
      if (other === id || other === null) return true;
      const { rows: alive } = await db.query<{ alive: boolean }>(`SELECT ${HELD} AS alive FROM concord.running_instances i WHERE i.id = $1`, [other]);
      return alive[0]?.alive === true;
    },
    async close() {
      closed = true;
      await session.query('DELETE FROM concord.running_instances WHERE id = $1', [id]).catch(() => {});
      await session.close();
    },
  };
}

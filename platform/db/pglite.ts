import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable } from './database';
import { channelIdentifier } from './database';

/**
 * PostgreSQL's defaults size a server (128 MB of shared buffers, 4 MB per sort): in WebAssembly every page ever
 * touched stays in the process, since its memory never shrinks. Concord's embedded data is small (issue 18, point 6).
 */
const SMALL_FOOTPRINT = (process.env.CONCORD_PGLITE_CONF ?? 'shared_buffers=16MB,work_mem=1MB,maintenance_work_mem=8MB,wal_buffers=1MB,temp_buffers=1MB').split(',').filter(Boolean);

/** The embedded default: a real PostgreSQL, compiled to WASM, keeping its files under `dir`. */
export async function openPglite(dir: string): Promise<Database> {
  await mkdir(dir, { recursive: true });
  const pg = await PGlite.create(dir, { startParams: [...PGlite.defaultStartParams, ...SMALL_FOOTPRINT.flatMap((c) => ['-c', c])] });
  // Parameterless SQL goes through exec (simple protocol) so that migrations can hold several statements,
  // as they can with pg.
  const asQueryable = (q: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    query: async <T>(sql: string, params?: readonly unknown[]) => {
      if (!params || params.length === 0) {
        const results = await q.exec(sql);
        return { rows: (results.at(-1)?.rows ?? []) as T[] };
      }
      const r = await q.query<T>(sql, params as unknown[]);
      return { rows: r.rows };
    },
  });
  const db = asQueryable(pg);
  return {
    kind: 'pglite',
    description: `PGlite at ${dir}`,
    ...db,
    asyncCommit: db,
    transaction: (fn) => pg.transaction((tx) => fn(asQueryable(tx))),
    // One connection: the session is the database; closing it stops only its listeners.
    openSession: async () => {
      const unlisten: Array<() => Promise<void>> = [];
      return {
        ...db,
        async listen(channel, listener) {
          unlisten.push(await pg.listen(channelIdentifier(channel), listener));
        },
        onLost: () => {},
        async close() {
          if (!pg.closed) for (const u of unlisten.splice(0)) await u();
        },
      };
    },
    close: () => pg.close(),
  };
}

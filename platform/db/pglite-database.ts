import type { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable } from './database';
import { channelIdentifier } from './database';

/** Concord's Database interface over an open PGlite. */
export function pgliteDatabase(pg: PGlite, description: string): Database {
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
    description,
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

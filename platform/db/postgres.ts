import pg from 'pg';
import type { Database, Queryable } from './database';
import { createStatementNames, isStalePlan } from './statement-names';

/** PostgreSQL for production mode (`DATABASE_URL`). */
export async function openPostgres(url: string, opts: { max?: number } = {}): Promise<Database> {
  const max = opts.max ?? 10;
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5000 });
  // Fail at start-up, not on the first request, when the database is unreachable.
  const client = await pool.connect().catch(async (err: Error) => {
    await pool.end().catch(() => {});
    throw new Error(`cannot connect to PostgreSQL at ${redact(url)}: ${err.message}`);
  });
  client.release();
  // An idle client died (server restart); the pool replaces it. Queries in flight report their own errors.
  const ignoreIdleError = () => {};
  pool.on('error', ignoreIdleError);
  // Per pool, so a name always means the same text on each of its connections.
  const names = createStatementNames();
  const asQueryable = (q: pg.Pool | pg.PoolClient, inTransaction = false): Queryable => ({
    query: async <T>(sql: string, params?: readonly unknown[]) => {
      const values = params as unknown[] | undefined;
      const name = names.nameFor(sql, values !== undefined && values.length > 0);
      try {
        const r = await q.query(name === undefined ? { text: sql, values } : { name, text: sql, values });
        return { rows: r.rows as T[] };
      } catch (err) {
        if (name === undefined || !isStalePlan(err)) throw err;
        names.forget(sql);
        // Outside a transaction nothing was done, so the statement runs again, unnamed; inside one the
        // transaction has failed, and the caller's retry runs unnamed.
        if (inTransaction) throw err;
        const r = await q.query({ text: sql, values });
        return { rows: r.rows as T[] };
      }
    },
  });
  // Opened on first use: most roles never need it.
  let unflushed: { pool: pg.Pool; db: Queryable } | undefined;
  const asyncCommit: Queryable = {
    query: (sql, params) => {
      if (!unflushed) {
        const p = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5000, options: '-c synchronous_commit=off' });
        p.on('error', ignoreIdleError);
        unflushed = { pool: p, db: asQueryable(p) };
      }
      return unflushed.db.query(sql, params);
    },
  };
  return {
    kind: 'postgres',
    description: `PostgreSQL at ${redact(url)}`,
    ...asQueryable(pool),
    asyncCommit,
    async transaction(fn) {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const result = await fn(asQueryable(c, true));
        await c.query('COMMIT');
        return result;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        c.release();
      }
    },
    close: async () => {
      await Promise.all([pool.end(), unflushed?.pool.end()]);
    },
  };
}

/** The URL without its password, for logs and errors. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    // pg also takes the password (and the client key's) as query parameters.
    for (const key of ['password', 'sslpassword']) if (u.searchParams.has(key)) u.searchParams.set(key, '***');
    return u.toString();
  } catch {
    return '<invalid DATABASE_URL>';
  }
}

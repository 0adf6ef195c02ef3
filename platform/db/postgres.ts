import pg from 'pg';
import type { Database, Queryable } from './database';

/** PostgreSQL for production mode (`DATABASE_URL`). */
export async function openPostgres(url: string, opts: { max?: number } = {}): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, connectionTimeoutMillis: 5000 });
  // Fail at start-up, not on the first request, when the database is unreachable.
  const client = await pool.connect().catch(async (err: Error) => {
    await pool.end().catch(() => {});
    throw new Error(`cannot connect to PostgreSQL at ${redact(url)}: ${err.message}`);
  });
  client.release();
  pool.on('error', () => {
    // An idle client died (server restart); the pool replaces it. Queries in flight report their own errors.
  });
  const asQueryable = (q: pg.Pool | pg.PoolClient): Queryable => ({
    query: async <T>(sql: string, params?: readonly unknown[]) => {
      const r = await q.query(sql, params as unknown[] | undefined);
      return { rows: r.rows as T[] };
    },
  });
  return {
    kind: 'postgres',
    description: `PostgreSQL at ${redact(url)}`,
    ...asQueryable(pool),
    async transaction(fn) {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const result = await fn(asQueryable(c));
        await c.query('COMMIT');
        return result;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        c.release();
      }
    },
    close: () => pool.end(),
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

import pg from 'pg';
import type { Database, DatabaseSession, Queryable } from './database';
import { channelIdentifier } from './database';
import { brokenStatement, createStatementNames } from './statement-names';

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
  // One set of names for both pools: a name always means the same text, on every connection.
  const names = createStatementNames();
  const asQueryable = (q: pg.Pool | pg.PoolClient, inTransaction = false): Queryable => ({
    query: async <T>(sql: string, params?: readonly unknown[]) => {
      const values = params as unknown[] | undefined;
      const name = names.nameFor(sql, values !== undefined && values.length > 0);
      try {
        const r = await q.query(name === undefined ? { text: sql, values } : { name, text: sql, values });
        return { rows: r.rows as T[] };
      } catch (err) {
        const broken = name === undefined ? undefined : brokenStatement(err);
        if (broken === undefined) throw err;
        names.forget(sql);
        // Refused, so nothing ran: outside a transaction it runs again, unnamed. Inside one the transaction has
        // failed and the error goes to the caller; the text runs unnamed from now on.
        if (broken === 'forget' || inTransaction) throw err;
        const r = await q.query({ text: sql, values });
        return { rows: r.rows as T[] };
      }
    },
  });
  // Opened on first use (most roles never need it), with fewer connections: its statements are short writes.
  let unflushed: { pool: pg.Pool; db: Queryable } | undefined;
  let closed = false;
  const asyncCommit: Queryable = {
    query: (sql, params) => {
      if (closed) return Promise.reject(new Error('the database is closed'));
      if (!unflushed) {
        const p = new pg.Pool({
          connectionString: url,
          max: Math.max(2, Math.ceil(max / 2)),
          connectionTimeoutMillis: 5000,
          // A SET on each new connection before the pool hands it out (a failure fails the checkout): unlike the
          // `options` startup parameter, the URL cannot override it, and it keeps whatever PGOPTIONS sets.
          onConnect: async (client) => {
            await client.query('SET synchronous_commit = off');
          },
        });
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
    openSession: () => openSession(url),
    close: async () => {
      closed = true;
      await Promise.all([pool.end(), unflushed?.pool.end()]);
    },
  };
}

/** One client outside the pools, for session state (advisory locks, LISTEN) that lives as long as it does. */
async function openSession(url: string): Promise<DatabaseSession> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, keepAlive: true });
  let lost: ((err: Error) => void) | undefined;
  let ended = false;
  const listeners = new Map<string, (payload: string) => void>();
  const fail = (err: Error) => {
    if (ended) return;
    ended = true;
    lost?.(err);
  };
  client.on('error', fail);
  client.on('end', () => fail(new Error('the session connection ended')));
  client.on('notification', (n) => listeners.get(n.channel)?.(n.payload ?? ''));
  await client.connect();
  return {
    query: async <T>(sql: string, params?: readonly unknown[]) => ({ rows: (await client.query(sql, params as unknown[] | undefined)).rows as T[] }),
    async listen(channel, listener) {
      listeners.set(channel, listener);
      await client.query(`LISTEN ${channelIdentifier(channel)}`);
    },
    onLost(listener) {
      lost = listener;
    },
    async close() {
      ended = true;
      await client.end().catch(() => {});
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

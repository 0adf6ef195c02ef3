/**
 * Which statements run as named (server-side prepared) statements on PostgreSQL. A named statement is parsed and
 * planned once per connection instead of on every call, which more than halves PostgreSQL's CPU for the short
 * statements on the hot paths (idempotency claims, order intake, availability: see bench/README.md).
 *
 * Like pgjdbc's `prepareThreshold`: a statement is prepared from its `threshold`-th use on, so one-off SQL is
 * never prepared. Prepared statements live until the connection closes, so at most `max` texts ever get a name;
 * SQL that embeds values (and so never repeats) cannot grow the server's memory past that.
 * Only statements with parameters are named: parameterless SQL may hold several statements (migrations), which
 * the extended protocol refuses.
 */
export interface StatementNames {
  /** The name to prepare `sql` under, or undefined to run it unnamed. */
  nameFor(sql: string, hasParams: boolean): string | undefined;
  /**
   * Runs `sql` unnamed from now on. For a prepared statement whose result type a schema change altered (a rolling
   * deploy migrating under a running instance): PostgreSQL then refuses to execute it, and a fresh parse works.
   */
  forget(sql: string): void;
  readonly size: number;
}

/** PostgreSQL's answer to executing a prepared statement whose result columns a schema change altered. */
export const isStalePlan = (err: unknown): boolean =>
  err instanceof Error && (err as { code?: unknown }).code === '0A000' && /cached plan must not change result type/.test(err.message);

/**
 * What a failed named statement means for its text: `retry` when PostgreSQL refused to run it (a stale plan, or
 * 26000: it no longer knows the name), so nothing ran and it can run again unnamed; `forget` when it failed before
 * reaching the server (a parameter node-postgres could not serialize: a TypeError or RangeError), after which
 * node-postgres closes it on the server but still believes it prepared; undefined for every other error.
 */
export function brokenStatement(err: unknown): 'retry' | 'forget' | undefined {
  if (isStalePlan(err) || (err instanceof Error && (err as { code?: unknown }).code === '26000')) return 'retry';
  if (err instanceof TypeError || err instanceof RangeError) return 'forget';
  return undefined;
}

export function createStatementNames({ threshold = 2, max = 256 }: { threshold?: number; max?: number } = {}): StatementNames {
  const names = new Map<string, string>();
  const forgotten = new Set<string>();
  // Never reused: a name that once meant another text may still be prepared on some connection.
  let assignedCount = 0;
  // Uses of texts not named yet; cleared when it grows large, since texts that embed values never repeat.
  const seen = new Map<string, number>();
  return {
    nameFor(sql, hasParams) {
      if (!hasParams) return undefined;
      const name = names.get(sql);
      if (name !== undefined || assignedCount >= max || forgotten.has(sql)) return name;
      const uses = (seen.get(sql) ?? 0) + 1;
      if (uses < threshold) {
        if (seen.size >= 4 * max) seen.clear();
        seen.set(sql, uses);
        return undefined;
      }
      seen.delete(sql);
      assignedCount += 1;
      const assigned = `concord_${assignedCount}`;
      names.set(sql, assigned);
      return assigned;
    },
    forget(sql) {
      if (names.delete(sql)) forgotten.add(sql);
    },
    get size() {
      return names.size;
    },
  };
}

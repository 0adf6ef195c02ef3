/** The one database interface Concord's modules use, over PGlite (embedded) or PostgreSQL. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: T[] }>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Human-readable location for logs, never including credentials. */
  readonly description: string;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Autocommit statements that return before their commit is flushed to disk (PostgreSQL's
   * `synchronous_commit = off`: the commit does not wait for the disk). A database crash can lose the last few hundred
   * milliseconds of them, never half of one. Only for writes whose loss is harmless: any later ordinary commit
   * flushes them first, since the log is written in order. On PGlite this is the database itself.
   */
  readonly asyncCommit: Queryable;
  close(): Promise<void>;
}

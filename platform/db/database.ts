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
  /**
   * A connection of its own, held until the session is closed: for session state that must live as long as the
   * process (the instance's advisory lock, LISTEN). On PGlite, which has one connection, the database itself.
   */
  openSession(): Promise<DatabaseSession>;
  close(): Promise<void>;
}

export interface DatabaseSession extends Queryable {
  /** LISTEN on `channel`; `listener` gets each NOTIFY's payload. */
  listen(channel: string, listener: (payload: string) => void): Promise<void>;
  /** Called once if the connection is lost (PostgreSQL restarted, network cut); never on PGlite. */
  onLost(listener: (err: Error) => void): void;
  close(): Promise<void>;
}

/** A channel name as a LISTEN/NOTIFY identifier; channels are Concord's own constants. */
export const channelIdentifier = (channel: string): string => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`invalid notification channel "${channel}"`);
  return channel;
};

/** PostgreSQL's "try the transaction again" errors: serialization failure and deadlock. */
const RETRYABLE = new Set(['40001', '40P01']);

/** Runs `fn` again (up to `attempts` times) when PostgreSQL aborted it for a retryable reason. */
export async function retryTransaction<T>(fn: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (i >= attempts || !code || !RETRYABLE.has(code)) throw err;
    }
  }
}

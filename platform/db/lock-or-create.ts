/**
 * Locks a row that almost always exists, creating it only when the lock found nothing: one round trip in the
 * common case instead of an insert-if-missing before every lock. `create` must tolerate a concurrent creator
 * (`ON CONFLICT DO NOTHING`); the second `lock` then finds that row.
 */
export async function lockOrCreate<T>(lock: () => Promise<T | undefined>, create: () => Promise<unknown>): Promise<T | undefined> {
  const found = await lock();
  if (found !== undefined) return found;
  await create();
  return lock();
}

/**
 * Remembers successful credential checks so the hot path does not run scrypt on every request. Keys are
 * SHA-256 fingerprints of the presented secret (see `fingerprint`), never the secret itself. Only successes are
 * stored: a wrong or suspended credential is checked against the database every time.
 *
 * The cache is per instance. `invalidate` drops an app's entries at once here; another instance keeps its
 * entries until they expire, so a suspension, rotation or revocation reaches it within `ttlMs`.
 */
export interface VerifyCache<V> {
  get(key: string): V | undefined;
  /** The invalidation counter, read before a database lookup and handed back to `set`. */
  generation(): number;
  /**
   * Stores a success, unless an invalidation happened since `generation` was read: a check that read the
   * database before a suspension committed must not cache its stale answer after the invalidation.
   */
  set(key: string, clientId: string, value: V, generation: number): void;
  invalidate(clientId: string): void;
  readonly size: number;
}

export interface VerifyCacheOptions {
  /** 0 turns caching off. */
  ttlMs: number;
  /** Milliseconds, injectable so tests can pass time. */
  now: () => number;
  /** Bounds memory under a flood of distinct valid credentials; the oldest entry goes first. */
  maxEntries?: number;
}

export function createVerifyCache<V>({ ttlMs, now, maxEntries = 10_000 }: VerifyCacheOptions): VerifyCache<V> {
  const entries = new Map<string, { clientId: string; value: V; expiresAt: number }>();
  const byClient = new Map<string, Set<string>>();
  let generation = 0;

  const remove = (key: string) => {
    const e = entries.get(key);
    if (!e) return;
    entries.delete(key);
    const keys = byClient.get(e.clientId);
    keys?.delete(key);
    if (keys?.size === 0) byClient.delete(e.clientId);
  };

  return {
    get(key) {
      const e = entries.get(key);
      if (!e) return undefined;
      if (e.expiresAt <= now()) {
        remove(key);
        return undefined;
      }
      return e.value;
    },
    generation: () => generation,
    set(key, clientId, value, seenGeneration) {
      if (ttlMs <= 0 || seenGeneration !== generation) return;
      remove(key);
      // Maps iterate in insertion order, so the first key is the oldest entry.
      while (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        remove(oldest.value);
      }
      entries.set(key, { clientId, value, expiresAt: now() + ttlMs });
      byClient.set(clientId, (byClient.get(clientId) ?? new Set()).add(key));
    },
    invalidate(clientId) {
      generation++;
      for (const key of [...(byClient.get(clientId) ?? [])]) remove(key);
    },
    get size() {
      return entries.size;
    },
  };
}

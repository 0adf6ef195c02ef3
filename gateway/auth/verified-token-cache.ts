/**
 * Verified tokens by a digest of the token, each until its `exp`. Bounded, least recently used out first
 * (a Map keeps insertion order; a hit is moved to the end).
 */
export interface VerifiedTokenCache<T extends { exp: number }> {
  get(key: string, nowMs: number): T | undefined;
  set(key: string, value: T, nowMs: number): void;
  readonly size: number;
  clear(): void;
}

export function createVerifiedTokenCache<T extends { exp: number }>(maxEntries: number): VerifiedTokenCache<T> {
  const entries = new Map<string, T>();
  // RFC 7519 §4.1.4: not accepted "on or after" exp. The verifier's clock tolerance is not applied here: a token
  // inside that grace period is verified again, which is rare and always correct.
  const expired = (value: T, nowMs: number) => nowMs >= value.exp * 1000;
  return {
    get(key, nowMs) {
      const value = entries.get(key);
      if (value === undefined) return undefined;
      entries.delete(key);
      if (expired(value, nowMs)) return undefined;
      entries.set(key, value);
      return value;
    },
    set(key, value, nowMs) {
      if (maxEntries <= 0 || expired(value, nowMs)) return;
      entries.delete(key);
      while (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
      entries.set(key, value);
    },
    get size() {
      return entries.size;
    },
    clear() {
      entries.clear();
    },
  };
}

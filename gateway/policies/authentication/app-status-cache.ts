/** An app's plan and status as authentication needs them. */
export interface AppStatus {
  plan: string;
  active: boolean;
  /** Tokens issued under a lower generation were revoked by a secret rotation (ADR 0011). */
  tokenGeneration: number;
}

/**
 * Token verification proves who the caller is, not that the app is still active or on the same plan. Looking
 * the app up on every request would put a database query on the hot path, so answers are kept briefly: a
 * suspension, plan change or token revocation takes effect within `ttlMs` on every instance.
 */
export function createAppStatusCache(
  load: (clientId: string) => Promise<AppStatus | undefined>,
  opts: { ttlMs?: number; maxEntries?: number; now?: () => number } = {},
): { get(clientId: string): Promise<AppStatus | undefined>; forget(clientId: string): void } {
  const ttlMs = opts.ttlMs ?? 30_000;
  const maxEntries = opts.maxEntries ?? 10_000;
  const now = opts.now ?? Date.now;
  const entries = new Map<string, { value: AppStatus | undefined; expires: number }>();
  return {
    async get(clientId) {
      const hit = entries.get(clientId);
      if (hit && hit.expires > now()) return hit.value;
      const value = await load(clientId);
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(clientId, { value, expires: now() + ttlMs });
      return value;
    },
    forget: (clientId) => void entries.delete(clientId),
  };
}

/**
 * When a catalogue upstream's answer is tried again: only for safe methods, or for requests carrying an
 * Idempotency-Key (the upstream deduplicates them), after a timeout, a failure to connect, or 429/502/503/504.
 * Backoff is exponential with full jitter. A Retry-After on 429/503 is honoured: never sooner than asked, and
 * not at all when it asks for longer than `maxBackoffMs` (the caller gets the answer, Retry-After included).
 */
export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
  maxBackoffMs: number;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const RETRIED_STATUSES = new Set([429, 502, 503, 504]);

export function mayRetry(method: string, headers: Record<string, string | string[] | undefined>): boolean {
  return SAFE_METHODS.has(method) || typeof headers['idempotency-key'] === 'string';
}

/** Milliseconds until attempt `retry` (1-based), or undefined when it must not happen. */
export function retryDelayMs(
  policy: RetryPolicy,
  retry: number,
  status: number | undefined,
  retryAfter: string | string[] | undefined,
  random: () => number = Math.random,
  now: () => number = Date.now,
): number | undefined {
  if (retry > policy.attempts) return undefined;
  const backoff = Math.floor(random() * Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (retry - 1)));
  if ((status === 429 || status === 503) && typeof retryAfter === 'string') {
    const asked = retryAfterMs(retryAfter, now);
    if (asked !== undefined) return asked > policy.maxBackoffMs ? undefined : Math.max(asked, backoff);
  }
  return backoff;
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(value: string, now: () => number = Date.now): number | undefined {
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now());
}

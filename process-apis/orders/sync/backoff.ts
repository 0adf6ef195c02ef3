export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

/**
 * Exponential backoff with jitter for attempt n (1-based): half of min(cap, base·2^(n-1)) plus a random share of
 * the other half, so retries of many orders spread out instead of hitting a recovering system together.
 */
export function backoffMs(attempt: number, { baseMs, capMs }: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold?: number;
  /** How long it stays open before one trial call (half open) may test the target. */
  openMs?: number;
  now?: () => number;
  onStateChange?: (state: BreakerState) => void;
}

/**
 * A circuit breaker for one downstream target. Closed: calls go through and consecutive failures are counted.
 * Open: calls are refused until `openMs` has passed (or a Retry-After the target gave). Half open: exactly one
 * trial call goes through; its success closes the breaker, its failure opens it again.
 */
export interface CircuitBreaker {
  /** Whether a call may go out now; in half open this admits the one trial call. */
  tryAcquire(): boolean;
  onSuccess(): void;
  onFailure(): void;
  /** The target asked for a pause (429/503 with Retry-After): refuse calls until then, without counting a failure. */
  pauseUntil(atMs: number): void;
  state(): BreakerState;
  /** When calls may go out again; 0 when they may now. */
  retryAt(): number;
}

export function createCircuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const threshold = options.failureThreshold ?? 5;
  const openMs = options.openMs ?? 10_000;
  const now = options.now ?? Date.now;
  let state: BreakerState = 'closed';
  let failures = 0;
  let openUntil = 0;
  let pausedUntil = 0;
  let trialInFlight = false;

  const set = (next: BreakerState) => {
    if (next === state) return;
    state = next;
    options.onStateChange?.(next);
  };
  const open = () => {
    openUntil = now() + openMs;
    trialInFlight = false;
    set('open');
  };

  return {
    tryAcquire() {
      const t = now();
      if (t < pausedUntil) return false;
      if (state === 'open') {
        if (t < openUntil) return false;
        set('half_open');
      }
      if (state === 'half_open') {
        if (trialInFlight) return false;
        trialInFlight = true;
      }
      return true;
    },
    onSuccess() {
      failures = 0;
      trialInFlight = false;
      set('closed');
    },
    onFailure() {
      failures += 1;
      if (state === 'half_open' || failures >= threshold) open();
    },
    pauseUntil(atMs) {
      pausedUntil = Math.max(pausedUntil, atMs);
      trialInFlight = false;
    },
    state: () => state,
    retryAt() {
      const t = now();
      const at = Math.max(pausedUntil, state === 'open' ? openUntil : 0);
      return at > t ? at : 0;
    },
  };
}

/** The numeric encoding of breaker state for Prometheus gauges: 0 closed, 1 half open, 2 open. */
export const breakerGauge = (s: BreakerState): number => (s === 'closed' ? 0 : s === 'half_open' ? 1 : 2);

import type { RateLimiterRes } from 'rate-limiter-flexible';
import type { PlanWindow } from './plan-window';

export interface RateLimitDecision {
  allowed: boolean;
  /** The plan's quota per window, in points. */
  limit: number;
  /** Points left in the current window (0 once rejected). */
  remaining: number;
  /** Whole seconds until the current window ends and the quota is full again. */
  resetSeconds: number;
  /** Only on rejection: whole seconds (≥ 1) to wait before a retry can succeed. */
  retryAfterSeconds?: number;
  /** The plan name, which is also the policy name in the RateLimit headers. */
  policy: string;
}

export function toDecision(window: PlanWindow, res: RateLimiterRes, allowed: boolean): RateLimitDecision {
  // Rounded up: a client that waits the advertised seconds must find the window reset, never a few ms early.
  const resetSeconds = Math.max(0, Math.ceil(res.msBeforeNext / 1000));
  const decision: RateLimitDecision = {
    allowed,
    limit: window.quota,
    remaining: allowed ? res.remainingPoints : 0,
    resetSeconds,
    policy: window.plan,
  };
  if (!allowed) decision.retryAfterSeconds = Math.max(1, resetSeconds);
  return decision;
}

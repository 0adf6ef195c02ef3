import type { PlanLimit } from './config';

/** How a plan is enforced: `quota` points per fixed window of `windowSeconds`. */
export interface PlanWindow {
  readonly plan: string;
  readonly quota: number;
  readonly windowSeconds: number;
}

/**
 * rate-limiter-flexible counts points in fixed windows, not a token bucket. A quota of `burst` points per window of
 * `burst / ratePerSecond` seconds gives both halves of the plan: an idle app can spend its whole burst at once, and
 * over any run of whole windows the average is exactly ratePerSecond. The price is the window edge: up to 2 × burst
 * can pass in a short span straddling two windows. README.md, "Window", compares the alternatives.
 */
export function planWindow(plan: string, { ratePerSecond, burst }: PlanLimit): PlanWindow {
  // parseRateLimitConfig guarantees burst is a whole multiple of ratePerSecond, so this is an integer.
  return { plan, quota: burst, windowSeconds: burst / ratePerSecond };
}

export function planWindows(plans: Record<string, PlanLimit>): PlanWindow[] {
  return Object.entries(plans).map(([name, limit]) => planWindow(name, limit));
}

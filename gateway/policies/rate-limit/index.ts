import { parseRateLimitConfig, rateLimitConfigSchema } from './config';
import type { RateLimitConfig } from './config';
import type { RateLimitDecision } from './decision';
import { createRateLimitHeaders } from './headers';
import type { RateLimitHeaders } from './headers';
import { createRateLimiter } from './limiter';
import type { RateLimiter, RateLimiterDeps } from './limiter';

export { DEFAULT_KEY_PREFIX, DEFAULT_PLANS, RateLimitConfigError, parseRateLimitConfig, rateLimitConfigSchema } from './config';
export type { PlanLimit, RateLimitConfig, RateLimitConfigInput } from './config';
export type { RateLimitDecision } from './decision';
export { createRateLimitHeaders, formatPolicy } from './headers';
export type { RateLimitHeaderFormatter, RateLimitHeaders } from './headers';
export { RedisNotReadyError, createRateLimiter } from './limiter';
export type { ConsumeRequest, RateLimiter, RateLimiterDeps, RateLimiterStats } from './limiter';
export { planWindow } from './plan-window';
export type { PlanWindow } from './plan-window';
export { PROBLEM_CONTENT_TYPE, RATE_LIMITED_TYPE, rateLimitedProblem } from './problem';
export type { RateLimitedProblem } from './problem';

/** What the pipeline holds per gateway instance: the limiter and the header formatter for the same plans. */
export interface RateLimitPolicy extends RateLimiter {
  readonly config: RateLimitConfig;
  headers(decision: RateLimitDecision): RateLimitHeaders;
}

/** The policy descriptor, in the shape every gateway policy exports (Kong's plugin model). */
export const rateLimitPolicy = {
  name: 'rate-limit',
  configSchema: rateLimitConfigSchema,
  /** Validates `rawConfig` (throws RateLimitConfigError naming the field) and builds the limiter. Call once at start-up. */
  create(rawConfig: unknown, deps: RateLimiterDeps = {}): RateLimitPolicy {
    const config = parseRateLimitConfig(rawConfig);
    const limiter = createRateLimiter(config, deps);
    return { ...limiter, config, headers: createRateLimitHeaders(config.plans) };
  },
} as const;

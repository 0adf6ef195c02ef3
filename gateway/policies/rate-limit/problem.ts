import type { RateLimitDecision } from './decision';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const RATE_LIMITED_TYPE = 'https://concord.dev/problems/rate-limited';

/** RFC 9457 problem details for a 429, with the correlation id as an extension member. */
export interface RateLimitedProblem {
  type: typeof RATE_LIMITED_TYPE;
  title: 'Rate limit exceeded';
  status: 429;
  detail: string;
  correlationId: string;
}

export function rateLimitedProblem(decision: RateLimitDecision, correlationId: string): RateLimitedProblem {
  const retryAfter = Math.max(1, decision.retryAfterSeconds ?? decision.resetSeconds);
  return {
    type: RATE_LIMITED_TYPE,
    title: 'Rate limit exceeded',
    status: 429,
    detail: `The '${decision.policy}' plan allows ${decision.limit} points per window and this app has used them. Retry after ${retryAfter} ${retryAfter === 1 ? 'second' : 'seconds'}.`,
    correlationId,
  };
}

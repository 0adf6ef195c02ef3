import type { PlanLimit } from './config';
import type { RateLimitDecision } from './decision';
import { planWindows } from './plan-window';
import type { PlanWindow } from './plan-window';

/**
 * Header names as draft-ietf-httpapi-ratelimit-headers (-08/-09) spells them. Both fields are structured-field
 * Lists (RFC 8941 / 9651) of one item each: the policy name as an sf-string, with integer parameters.
 */
export interface RateLimitHeaders {
  /** `"<plan>";q=<quota>;w=<window seconds>` */
  'RateLimit-Policy': string;
  /** `"<plan>";r=<remaining>;t=<seconds until reset>` */
  RateLimit: string;
  /** Only on a rejection: delay-seconds (RFC 9110 §10.2.3), at least 1. */
  'Retry-After'?: string;
}

export type RateLimitHeaderFormatter = (decision: RateLimitDecision) => RateLimitHeaders;

/**
 * Returns a pure formatter. The RateLimit-Policy value never changes for a plan, so it is built here once; per
 * request only the RateLimit value (and Retry-After) is put together.
 */
export function createRateLimitHeaders(plans: Record<string, PlanLimit>): RateLimitHeaderFormatter {
  const policyValue = new Map<string, string>(planWindows(plans).map((w) => [w.plan, formatPolicy(w)]));
  const policyItem = new Map<string, string>([...policyValue.keys()].map((plan) => [plan, sfString(plan)]));
  return (decision) => {
    const policy = policyValue.get(decision.policy);
    const item = policyItem.get(decision.policy);
    if (policy === undefined || item === undefined) throw new Error(`rate limit headers: unknown plan '${decision.policy}'`);
    const headers: RateLimitHeaders = {
      'RateLimit-Policy': policy,
      RateLimit: `${item};r=${sfNonNegativeInteger(decision.remaining)};t=${sfNonNegativeInteger(decision.resetSeconds)}`,
    };
    if (!decision.allowed) headers['Retry-After'] = String(Math.max(1, decision.retryAfterSeconds ?? decision.resetSeconds));
    return headers;
  };
}

export function formatPolicy({ plan, quota, windowSeconds }: PlanWindow): string {
  return `${sfString(plan)};q=${sfNonNegativeInteger(quota)};w=${sfNonNegativeInteger(windowSeconds)}`;
}

/** RFC 8941 §4.1.6: printable ASCII only, with `"` and `\` escaped. Config validation keeps plan names far inside this. */
function sfString(value: string): string {
  if (!/^[\x20-\x7e]*$/.test(value)) throw new Error(`rate limit headers: '${value}' cannot be a structured-field string`);
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The draft's q, w, r and t are non-negative sf-integers; clamp rather than ever emit an invalid field. */
function sfNonNegativeInteger(value: number): number {
  return Number.isFinite(value) ? Math.max(0, Math.floor(value)) : 0;
}

import { parsePolicyConfig } from '../../pipeline/policy-config';

export interface PlanLimit {
  /** Sustained rate: the long-run average the plan allows, in points per second. */
  ratePerSecond: number;
  /** Points an idle app may spend at once; also the quota of one window (see README, "Window"). */
  burst: number;
}

export interface RateLimitConfig {
  plans: Record<string, PlanLimit>;
  /** Used only when no Redis client is passed in; the limiter then owns (and closes) that connection. */
  redisUrl?: string;
  keyPrefix: string;
  /** Fall back to per-instance memory limits when Redis fails, instead of failing the request. */
  insurance: boolean;
}

/** What an operator may write: everything but the plans' own fields is optional. */
export type RateLimitConfigInput = Partial<RateLimitConfig>;

export const DEFAULT_PLANS: Readonly<Record<string, Readonly<PlanLimit>>> = Object.freeze({
  sandbox: Object.freeze({ ratePerSecond: 10, burst: 20 }),
  partner: Object.freeze({ ratePerSecond: 100, burst: 200 }),
  internal: Object.freeze({ ratePerSecond: 1000, burst: 2000 }),
});

export const DEFAULT_KEY_PREFIX = 'concord:rl';

/**
 * Plan names end up in Redis keys and in a structured-field string; keeping them to this alphabet means
 * neither ever needs escaping and `:` stays a safe key separator.
 */
const PLAN_NAME_PATTERN = '^[a-z0-9][a-z0-9._-]{0,63}$';

export const rateLimitConfigSchema = {
  $id: 'https://concord.dev/schemas/gateway/rate-limit.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    plans: {
      type: 'object',
      minProperties: 1,
      propertyNames: { type: 'string', pattern: PLAN_NAME_PATTERN },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['ratePerSecond', 'burst'],
        properties: {
          ratePerSecond: { type: 'integer', minimum: 1 },
          // ≥ ratePerSecond and a whole multiple of it: checked in code, since JSON Schema cannot compare fields.
          burst: { type: 'integer', minimum: 1 },
        },
      },
      default: DEFAULT_PLANS,
    },
    redisUrl: { type: 'string', pattern: '^rediss?://' },
    keyPrefix: { type: 'string', minLength: 1, pattern: '^\\S+$', default: DEFAULT_KEY_PREFIX },
    insurance: { type: 'boolean', default: true },
  },
} as const;

export class RateLimitConfigError extends Error {
  override readonly name = 'RateLimitConfigError';
}

/** Validates the policy's config and fills in defaults; run once at start-up. The input is not modified. */
export function parseRateLimitConfig(input: unknown = {}): RateLimitConfig {
  return parsePolicyConfig<RateLimitConfig>({
    policy: 'rate-limit',
    schema: rateLimitConfigSchema,
    input,
    makeError: (message) => new RateLimitConfigError(message),
    describe: (error, field) =>
      error.keyword === 'propertyNames'
        ? `${field === '(root)' ? '' : `${field}.`}${String((error.params as Record<string, unknown>).propertyName)}: plan names must match ${PLAN_NAME_PATTERN}`
        : undefined,
    check: (config) => Object.entries(config.plans).flatMap(([name, plan]) => planProblems(name, plan)),
  });
}

function planProblems(name: string, { ratePerSecond, burst }: PlanLimit): string[] {
  const field = `plans.${name}.burst`;
  if (burst < ratePerSecond) return [`${field} (${burst}) must be >= plans.${name}.ratePerSecond (${ratePerSecond})`];
  if (burst % ratePerSecond !== 0) {
    // The window is burst / ratePerSecond seconds, and Redis expiries (and the w= header parameter) are whole seconds.
    return [`${field} (${burst}) must be a multiple of plans.${name}.ratePerSecond (${ratePerSecond}), so the window is whole seconds`];
  }
  return [];
}


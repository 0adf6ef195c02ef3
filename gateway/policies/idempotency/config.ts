import { parsePolicyConfig } from '../../pipeline/policy-config';
import { DEFAULT_LOCK_SECONDS, DEFAULT_REDIS_KEY_PREFIX, DEFAULT_TTL_SECONDS } from './store';

/** What an operator configures; it spreads into `createIdempotencyStore({ db, redis, ...config })`. */
export interface IdempotencyConfig {
  ttlSeconds: number;
  lockSeconds: number;
  redisKeyPrefix: string;
}

export const configSchema = {
  $id: 'https://concord.dev/schemas/gateway/idempotency.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    /** How long a stored response is replayed, from completion. DESIGN.md: 24 h by default. */
    ttlSeconds: { type: 'integer', minimum: 1, default: DEFAULT_TTL_SECONDS },
    /**
     * How long a claim holds its key before it is presumed crashed. Must exceed the slowest handler (the upstream
     * timeout): a handler still running after this can be overtaken by a retry.
     */
    lockSeconds: { type: 'integer', minimum: 1, default: DEFAULT_LOCK_SECONDS },
    redisKeyPrefix: { type: 'string', minLength: 1, pattern: '^\\S+$', default: DEFAULT_REDIS_KEY_PREFIX },
  },
} as const;

export class IdempotencyConfigError extends Error {
  override readonly name = 'IdempotencyConfigError';
}

/** Validates the config and fills in defaults. Once at start-up: it compiles the schema. The input is not modified. */
export function parseIdempotencyConfig(input: unknown = {}): IdempotencyConfig {
  return parsePolicyConfig<IdempotencyConfig>({
    policy: 'idempotency',
    schema: configSchema,
    input,
    makeError: (message) => new IdempotencyConfigError(message),
    check: (c) => (c.lockSeconds > c.ttlSeconds ? ['lockSeconds must not exceed ttlSeconds'] : []),
  });
}

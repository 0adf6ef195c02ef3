import { parsePolicyConfig } from '../../pipeline/policy-config';

/** What an operator configures; it spreads into `createUsageRecorder({ db, ...config })`. */
export interface UsageConfig {
  /** How often the background loop writes the counted deltas to the database. */
  flushIntervalMs: number;
  /** The most (day, app) counters held in memory; reaching it flushes at once instead of growing. */
  maxKeys: number;
}

export const DEFAULT_FLUSH_INTERVAL_MS = 5_000;
export const DEFAULT_MAX_KEYS = 100_000;

export const usageConfigSchema = {
  $id: 'https://concord.dev/schemas/gateway/usage.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    flushIntervalMs: { type: 'integer', minimum: 100, maximum: 3_600_000, default: DEFAULT_FLUSH_INTERVAL_MS },
    maxKeys: { type: 'integer', minimum: 1, maximum: 10_000_000, default: DEFAULT_MAX_KEYS },
  },
} as const;

export class UsageConfigError extends Error {
  override readonly name = 'UsageConfigError';
}

/** Validates the config and fills in defaults. Once at start-up: it compiles the schema. The input is not modified. */
export function parseUsageConfig(input: unknown = {}): UsageConfig {
  return parsePolicyConfig<UsageConfig>({
    policy: 'usage',
    schema: usageConfigSchema,
    input,
    makeError: (message) => new UsageConfigError(message),
  });
}

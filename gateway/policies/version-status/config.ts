import { parsePolicyConfig } from '../../pipeline/policy-config';
import { RFC3339_DATE_PATTERN, parseContractDate } from './dates';

export interface VersionStatusConfig {
  /**
   * When each deprecated contract was deprecated (RFC 3339), keyed by its path as the route manifest names it
   * (`contracts/openapi/process/orders.v1.yaml`). Needed because the manifest carries `deprecated` and `sunset`
   * but not the deprecation date, which RFC 9745's `Deprecation` header must state. See README, "Deprecation date".
   */
  deprecatedAt: Record<string, string>;
}

/**
 * The dates of the contracts deprecated so far, mirroring each contract's root `x-concord-deprecated-at`
 * (a test keeps the two in step). A configured `deprecatedAt` is merged over these, entry by entry.
 */
export const DEFAULT_DEPRECATED_AT: Readonly<Record<string, string>> = Object.freeze({
  'contracts/openapi/process/orders.v1.yaml': '2026-11-23',
});

export const versionStatusConfigSchema = {
  $id: 'https://concord.dev/schemas/gateway/version-status.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    deprecatedAt: {
      type: 'object',
      propertyNames: { type: 'string', pattern: '^contracts/.+\\.ya?ml$' },
      additionalProperties: { type: 'string', pattern: RFC3339_DATE_PATTERN },
      default: {},
    },
  },
} as const;

export class VersionStatusConfigError extends Error {
  override readonly name = 'VersionStatusConfigError';
}

/**
 * Validates the config, fills in defaults and merges the built-in deprecation dates under the configured ones.
 * Runs once at start-up (it compiles the schema). Throws VersionStatusConfigError naming every bad field.
 */
export function parseVersionStatusConfig(input: unknown = {}): VersionStatusConfig {
  const config = parsePolicyConfig<VersionStatusConfig>({
    policy: 'version-status',
    schema: versionStatusConfigSchema,
    input,
    makeError: (message) => new VersionStatusConfigError(message),
    describe: (error, field) => {
      if (error.keyword === 'propertyNames') return `${field}: "${String((error.params as Record<string, unknown>).propertyName)}" is not a contract path (contracts/….yaml)`;
      if (error.keyword === 'pattern') return `${field} must be an RFC 3339 date, e.g. 2026-11-23`;
      return undefined;
    },
    // The pattern admits `2027-02-30`; only a real calendar date is a usable deprecation date.
    check: (c) =>
      Object.entries(c.deprecatedAt)
        .filter(([, date]) => !parseContractDate(date))
        .map(([file, date]) => `deprecatedAt["${file}"] (${date}) is not a valid date`),
  });
  return { deprecatedAt: { ...DEFAULT_DEPRECATED_AT, ...config.deprecatedAt } };
}



import Ajv from 'ajv';
import type { ErrorObject } from 'ajv';
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
  const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true });
  const validate = ajv.compile<VersionStatusConfig>(versionStatusConfigSchema);
  // ajv writes defaults into what it validates; the caller's object stays theirs.
  const config: unknown = structuredClone(input);
  if (!validate(config)) {
    // An error carrying `propertyName` is the inner half of a propertyNames failure, which is reported whole.
    const errors = (validate.errors ?? []).filter((e) => e.propertyName === undefined);
    throw new VersionStatusConfigError(`version-status config: ${errors.map(describe).join('; ')}`);
  }
  // The pattern admits `2027-02-30`; only a real calendar date is a usable deprecation date.
  const impossible = Object.entries(config.deprecatedAt).filter(([, date]) => !parseContractDate(date));
  if (impossible.length > 0) {
    throw new VersionStatusConfigError(
      `version-status config: ${impossible.map(([file, date]) => `deprecatedAt["${file}"] (${date}) is not a valid date`).join('; ')}`,
    );
  }
  return { deprecatedAt: { ...DEFAULT_DEPRECATED_AT, ...config.deprecatedAt } };
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const field = error.instancePath === '' ? '(root)' : error.instancePath.slice(1).split('/').map(unescapePointer).join('.');
  if (error.keyword === 'additionalProperties') return `${field === '(root)' ? '' : `${field}.`}${String(params.additionalProperty)} is not a known field`;
  if (error.keyword === 'propertyNames') return `${field}: "${String(params.propertyName)}" is not a contract path (contracts/….yaml)`;
  if (error.keyword === 'pattern') return `${field} must be an RFC 3339 date, e.g. 2026-11-23`;
  return `${field} ${error.message ?? 'is invalid'}`;
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

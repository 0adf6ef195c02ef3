import Ajv from 'ajv';
import type { ErrorObject } from 'ajv';

export interface PolicyConfigOptions<T> {
  /** Prefixes every message, e.g. `rate-limit config: …`. */
  policy: string;
  schema: object;
  input: unknown;
  makeError: (message: string) => Error;
  /** Policy-specific wording for an error (say, what a pattern means); undefined falls back to the generic text. */
  describe?: (error: ErrorObject, field: string) => string | undefined;
  /** Checks the schema cannot express; returns one message per problem. */
  check?: (config: T) => string[];
}

const unescapePointer = (segment: string): string => segment.replace(/~1/g, '/').replace(/~0/g, '~');
const fieldName = (path: readonly string[]): string => (path.length === 0 ? '(root)' : path.join('.'));

function genericMessage(error: ErrorObject): string {
  const path = error.instancePath.split('/').slice(1).map(unescapePointer);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') return `${fieldName([...path, String(params.additionalProperty)])} is not a known field`;
  if (error.keyword === 'required') return `${fieldName([...path, String(params.missingProperty)])} is required`;
  return `${fieldName(path)} ${error.message ?? 'is invalid'}`;
}

/**
 * Validates a gateway policy's config with its JSON Schema and fills in the defaults, once at start-up (it
 * compiles the schema). Every problem is reported at once, each naming its field; the caller's input is not
 * modified.
 */
export function parsePolicyConfig<T>(opts: PolicyConfigOptions<T>): T {
  const validate = new Ajv({ allErrors: true, useDefaults: true, strict: true }).compile<T>(opts.schema);
  // ajv writes defaults into the object it validates; the caller's object stays theirs.
  const config: unknown = structuredClone(opts.input ?? {});
  if (!validate(config)) {
    // An error carrying `propertyName` is the inner half of a propertyNames failure, which is reported whole.
    const errors = (validate.errors ?? []).filter((e) => e.propertyName === undefined);
    const messages = errors.map((e) => {
      const field = fieldName(e.instancePath.split('/').slice(1).map(unescapePointer));
      return opts.describe?.(e, field) ?? genericMessage(e);
    });
    throw opts.makeError(`${opts.policy} config: ${messages.join('; ')}`);
  }
  const problems = opts.check?.(config) ?? [];
  if (problems.length > 0) throw opts.makeError(`${opts.policy} config: ${problems.join('; ')}`);
  return config;
}

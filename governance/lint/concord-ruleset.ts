import type { RuleDefinition, RulesetDefinition } from '@stoplight/spectral-core';
import type { CanonicalSchemas } from './canonical';
import { asyncapi3, openapi3 } from './formats';
import { asyncapiCorrelationId } from './functions/asyncapi-correlation-id';
import { asyncapiMessageExamples } from './functions/asyncapi-message-examples';
import { canonicalObjectsReferenced } from './functions/canonical-objects';
import { correlationId } from './functions/correlation-id';
import { deprecatedSunset } from './functions/deprecated-sunset';
import { idempotencyKeyRequired } from './functions/idempotency-key';
import { moneyMinorUnits } from './functions/money-minor-units';
import { operationExamples } from './functions/operation-examples';
import { operationSecurity } from './functions/operation-security';
import { pathVersionPrefix } from './functions/path-version-prefix';
import { problemJsonErrors } from './functions/problem-json-errors';

/**
 * The rule ids are published: CI configurations, SARIF baselines and review comments refer to them, so an id is
 * never renamed or reused once released. Retire a rule by removing it, and add a new id for new behaviour.
 * Each is documented in governance/lint/README.md, which `documentationUrl` points at.
 */
export const CONCORD_RULE_IDS = [
  'concord-operation-security',
  'concord-idempotency-key-required',
  'concord-problem-json-errors',
  'concord-correlation-id',
  'concord-path-version-prefix',
  'concord-operation-examples',
  'concord-money-minor-units',
  'concord-canonical-objects-referenced',
  'concord-deprecated-sunset',
  'concord-asyncapi-message-examples',
  'concord-asyncapi-correlation-id',
] as const;
export type ConcordRuleId = (typeof CONCORD_RULE_IDS)[number];

export const CONCORD_RULES_DOCS = 'https://concord.dev/docs/governance/lint';

/** Paths of the OAuth token endpoint, whose 4xx are RFC 6749 §5.2 JSON rather than problem+json. */
const OAUTH_TOKEN_PATHS = ['/oauth/token'];

// `message: '{{error}}'` makes Spectral report each function's own message rather than the rule's description.
const rule = (id: ConcordRuleId, def: Omit<RuleDefinition, 'message' | 'documentationUrl' | 'given'> & { given?: string }): RuleDefinition => ({
  given: '$',
  message: '{{error}}',
  documentationUrl: `${CONCORD_RULES_DOCS}#${id}`,
  ...def,
});

export function concordRules(canonical: CanonicalSchemas): Record<ConcordRuleId, RuleDefinition> {
  return {
    'concord-operation-security': rule('concord-operation-security', {
      description: 'Every operation has a non-empty security requirement; only `x-concord-public: true` operations may use `security: []`.',
      severity: 'error',
      formats: [openapi3],
      then: { function: operationSecurity },
    }),
    'concord-idempotency-key-required': rule('concord-idempotency-key-required', {
      description:
        'Process-API creates (POST answering 201) declare `x-concord-idempotency: required`, and every operation with it declares a required Idempotency-Key header.',
      severity: 'error',
      formats: [openapi3],
      then: { function: idempotencyKeyRequired },
    }),
    'concord-problem-json-errors': rule('concord-problem-json-errors', {
      description: 'Every 4xx/5xx response is `application/problem+json` (RFC 9457) and nothing else; the OAuth token endpoint may answer RFC 6749 errors.',
      severity: 'error',
      formats: [openapi3],
      then: { function: problemJsonErrors, functionOptions: { oauthTokenPaths: OAUTH_TOKEN_PATHS } },
    }),
    'concord-correlation-id': rule('concord-correlation-id', {
      description: 'Every operation declares the X-Correlation-ID request header and every response declares the X-Correlation-ID header.',
      severity: 'error',
      formats: [openapi3],
      then: { function: correlationId },
    }),
    'concord-path-version-prefix': rule('concord-path-version-prefix', {
      description: "Paths carry the file's group and major version (`/v2/…`, `/system/erp/v1/…`, `/admin/v1/…`) and `info.version` has the same major.",
      severity: 'error',
      formats: [openapi3],
      resolved: false,
      then: { function: pathVersionPrefix },
    }),
    'concord-operation-examples': rule('concord-operation-examples', {
      description: 'Every request body and every success response content has an `example` or `examples`.',
      severity: 'error',
      formats: [openapi3],
      then: { function: operationExamples },
    }),
    'concord-money-minor-units': rule('concord-money-minor-units', {
      description: 'Money is an integer amount in minor units: no `type: number` or float formats on money properties.',
      severity: 'error',
      formats: [openapi3, asyncapi3],
      resolved: false,
      then: { function: moneyMinorUnits },
    }),
    'concord-canonical-objects-referenced': rule('concord-canonical-objects-referenced', {
      description: 'Canonical objects of common/schemas.yaml (Money, Address, Customer…) are referenced with `$ref`, never copied inline.',
      severity: 'error',
      formats: [openapi3, asyncapi3],
      resolved: false,
      then: { function: canonicalObjectsReferenced, functionOptions: canonical },
    }),
    'concord-deprecated-sunset': rule('concord-deprecated-sunset', {
      description: 'A deprecated operation has `x-sunset` (on the operation or the document root), and every `x-sunset` is an RFC 3339 date.',
      severity: 'error',
      formats: [openapi3],
      then: { function: deprecatedSunset },
    }),
    'concord-asyncapi-message-examples': rule('concord-asyncapi-message-examples', {
      description: 'Every AsyncAPI message has at least one example with a payload.',
      severity: 'error',
      formats: [asyncapi3],
      resolved: false,
      then: { function: asyncapiMessageExamples },
    }),
    'concord-asyncapi-correlation-id': rule('concord-asyncapi-correlation-id', {
      description: 'Every AsyncAPI message requires a correlation id: the CloudEvents `correlationid` extension, a header, or `correlationId`.',
      severity: 'error',
      formats: [asyncapi3],
      then: { function: asyncapiCorrelationId },
    }),
  };
}

/** Concord's own ruleset, to run next to Spectral's recommended ones (see governance/spectral.ts). */
export function createConcordRuleset(canonical: CanonicalSchemas): RulesetDefinition {
  return { rules: concordRules(canonical) };
}

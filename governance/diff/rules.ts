import type { Level } from '../types';

/**
 * Every change the diff reports, by stable id. Ids are published in reports and SARIF: once here, never renamed.
 *
 * Schema changes are judged by direction. What a client sends (request parameters and bodies, messages the
 * platform receives) breaks when it narrows; what a client reads (response bodies and headers, messages the
 * platform sends) breaks when it widens. One schema change kind therefore has two levels, and its rule id is
 * the place it happened plus the kind: `response-body-property-became-optional`.
 */
export interface RuleDefinition {
  id: string;
  level: Level;
  description: string;
}

type Direction = 'request' | 'response';

/** Schema change kinds with their level when a client writes the value (request) and when it reads it (response). */
export const SCHEMA_CHANGE_KINDS = {
  'type-changed': { request: 'error', response: 'error', description: 'the type changed' },
  'type-generalized': { request: 'info', response: 'error', description: 'the type now accepts more (e.g. integer to number)' },
  'type-narrowed': { request: 'error', response: 'info', description: 'the type now accepts less (e.g. number to integer)' },
  'became-nullable': { request: 'info', response: 'error', description: 'null is now allowed' },
  'became-not-nullable': { request: 'error', response: 'info', description: 'null is no longer allowed' },
  'enum-value-added': { request: 'info', response: 'error', description: 'an enum value was added' },
  'enum-value-removed': { request: 'error', response: 'info', description: 'an enum value was removed' },
  'branch-added': { request: 'info', response: 'error', description: 'a oneOf branch was added (anyOf: any-of-branch-added)' },
  'any-of-branch-added': { request: 'info', response: 'error', description: 'an anyOf branch was added' },
  'branch-removed': { request: 'error', response: 'info', description: 'a oneOf/anyOf branch was removed' },
  'limit-added': { request: 'error', response: 'info', description: 'a min/max length, value or item count was set where there was none' },
  'limit-tightened': { request: 'error', response: 'info', description: 'a min/max length, value or item count was tightened' },
  'limit-loosened': { request: 'info', response: 'error', description: 'a min/max length, value or item count was loosened' },
  'pattern-added': { request: 'error', response: 'info', description: 'a pattern was added' },
  'pattern-changed': { request: 'warning', response: 'warning', description: 'the pattern changed' },
  'pattern-removed': { request: 'info', response: 'warning', description: 'the pattern was removed' },
  'format-changed': { request: 'warning', response: 'warning', description: 'the format changed' },
  'additional-properties-forbidden': { request: 'error', response: 'info', description: 'unknown properties are no longer allowed' },
  'property-added-required': { request: 'error', response: 'info', description: 'a required property was added' },
  'property-added-optional': { request: 'info', response: 'info', description: 'an optional property was added' },
  'property-removed-required': { request: 'warning', response: 'error', description: 'a required property was removed' },
  'property-removed-optional': { request: 'warning', response: 'warning', description: 'an optional property was removed' },
  'property-became-required': { request: 'error', response: 'info', description: 'a property became required' },
  'property-became-optional': { request: 'info', response: 'error', description: 'a property became optional' },
  'constraint-added': { request: 'error', response: 'info', description: 'a constraint keyword (contains, unevaluated*, dependent*, if/then/else, not, propertyNames, patternProperties, content*) was added' },
  'constraint-removed': { request: 'info', response: 'error', description: 'a constraint keyword was removed' },
  'constraint-changed': { request: 'error', response: 'error', description: 'a constraint keyword changed' },
  'prefix-items-added': { request: 'info', response: 'error', description: 'prefixItems (a tuple shape) was added' },
  'prefix-items-removed': { request: 'error', response: 'info', description: 'prefixItems (a tuple shape) was removed' },
  'all-of-member-added': { request: 'error', response: 'info', description: 'an allOf member was added' },
  'all-of-member-removed': { request: 'warning', response: 'info', description: 'an allOf member was removed' },
  'wrapped-in-one-of': { request: 'error', response: 'error', description: 'the schema was wrapped in a oneOf' },
  'default-changed': { request: 'info', response: 'info', description: 'the default value was added, removed or changed' },
  'extensible-enum-value-removed': { request: 'error', response: 'info', description: 'an x-extensible-enum value was removed' },
  'extensible-enum-value-added': { request: 'info', response: 'info', description: 'an x-extensible-enum value was added (readers must tolerate unknown values)' },
  'discriminator-changed': { request: 'warning', response: 'warning', description: 'the discriminator property or a mapping entry changed' },
  'property-deprecated': { request: 'info', response: 'info', description: 'a property was deprecated' },
  'property-reactivated': { request: 'info', response: 'info', description: 'a deprecated property is no longer deprecated' },
  'property-deprecated-without-sunset': { request: 'error', response: 'error', description: 'a property was deprecated without an x-sunset date (only while a minimum notice is set)' },
  'property-sunset-too-soon': { request: 'error', response: 'error', description: "a property's x-sunset is closer than the minimum notice" },
  'property-sunset-unparsable': { request: 'error', response: 'error', description: "a property's x-sunset is not a date (YYYY-MM-DD)" },
} as const satisfies Record<string, { request: Level; response: Level; description: string }>;

export type SchemaChangeKind = keyof typeof SCHEMA_CHANGE_KINDS;

/** The places a schema can sit, and which way data flows through each. */
export const SCHEMA_CONTEXTS = {
  'request-parameter': 'request',
  'request-body': 'request',
  'response-body': 'response',
  'response-header': 'response',
  // Messages the platform sends are read by consumers; messages it receives are written by producers.
  'sent-message-payload': 'response',
  'sent-message-header': 'response',
  'received-message-payload': 'request',
  'received-message-header': 'request',
} as const satisfies Record<string, Direction>;

export type SchemaContext = keyof typeof SCHEMA_CONTEXTS;

const STRUCTURAL: RuleDefinition[] = [
  // OpenAPI: paths and operations
  { id: 'path-added', level: 'info', description: 'A path was added.' },
  { id: 'path-removed', level: 'error', description: 'A path was removed.' },
  { id: 'operation-added', level: 'info', description: 'An operation was added.' },
  { id: 'operation-removed', level: 'error', description: 'An operation that was not deprecated was removed.' },
  { id: 'deprecated-operation-removed-before-sunset', level: 'error', description: 'A deprecated operation was removed before its x-sunset date.' },
  { id: 'deprecated-operation-removed-after-sunset', level: 'info', description: 'A deprecated operation was removed after its x-sunset date.' },
  // parameters
  { id: 'request-parameter-added-required', level: 'error', description: 'A new required parameter.' },
  { id: 'request-parameter-added-optional', level: 'info', description: 'A new optional parameter.' },
  { id: 'request-parameter-removed', level: 'warning', description: 'A parameter was removed; clients still sending it may be refused.' },
  { id: 'request-parameter-became-required', level: 'error', description: 'An optional parameter became required.' },
  { id: 'request-parameter-became-optional', level: 'info', description: 'A required parameter became optional.' },
  { id: 'request-parameter-default-changed', level: 'error', description: "A parameter's default was added, removed or changed: clients leaving it out now get another behaviour." },
  { id: 'request-parameter-deprecated', level: 'info', description: 'A parameter was deprecated.' },
  { id: 'request-parameter-reactivated', level: 'info', description: 'A deprecated parameter is no longer deprecated.' },
  { id: 'deprecated-parameter-removed-before-sunset', level: 'error', description: 'A deprecated parameter was removed before its x-sunset date.' },
  { id: 'deprecated-parameter-removed-after-sunset', level: 'info', description: 'A deprecated parameter was removed on or after its x-sunset date.' },
  // request body
  { id: 'request-body-added-required', level: 'error', description: 'A required request body was added.' },
  { id: 'request-body-added-optional', level: 'info', description: 'An optional request body was added.' },
  { id: 'request-body-removed', level: 'error', description: 'The request body was removed: clients sending one may be refused.' },
  { id: 'request-body-became-required', level: 'error', description: 'The request body became required.' },
  { id: 'request-body-became-optional', level: 'info', description: 'The request body became optional.' },
  { id: 'request-body-media-type-added', level: 'info', description: 'A request media type was added.' },
  { id: 'request-body-media-type-removed', level: 'error', description: 'A request media type was removed.' },
  // responses
  { id: 'response-success-status-removed', level: 'error', description: 'A success (2xx/3xx) response status was removed.' },
  { id: 'response-error-status-removed', level: 'warning', description: 'An error response status was removed.' },
  { id: 'response-success-status-added', level: 'warning', description: 'A success status was added; clients may not expect it.' },
  { id: 'response-error-status-added', level: 'info', description: 'An error status was added.' },
  { id: 'response-media-type-removed', level: 'error', description: 'A response media type was removed.' },
  { id: 'response-media-type-added', level: 'info', description: 'A response media type was added.' },
  { id: 'response-header-removed', level: 'error', description: 'A response header was removed.' },
  { id: 'response-header-became-optional', level: 'error', description: 'A response header is no longer always sent.' },
  { id: 'response-header-added', level: 'info', description: 'A response header was added.' },
  { id: 'response-link-removed', level: 'warning', description: 'A response link was removed; clients following it lose the way to the next call.' },
  { id: 'response-link-added', level: 'info', description: 'A response link was added.' },
  // webhooks and callbacks: their operations are judged like any other; these say when one comes or goes
  { id: 'webhook-added', level: 'info', description: 'A webhook was added.' },
  { id: 'webhook-removed', level: 'error', description: 'A webhook was removed.' },
  { id: 'callback-added', level: 'info', description: 'A callback was added to an operation.' },
  { id: 'callback-removed', level: 'error', description: 'A callback was removed from an operation.' },
  // security
  { id: 'security-scope-added', level: 'error', description: 'An operation requires a scope it did not require before.' },
  { id: 'security-scope-removed', level: 'info', description: 'An operation no longer requires a scope.' },
  // deprecation policy
  { id: 'stability-decreased', level: 'error', description: "An operation's x-stability-level went down (stable to beta, beta to alpha, alpha to draft)." },
  { id: 'stability-level-invalid', level: 'error', description: 'An x-stability-level is not one of draft, alpha, beta, stable.' },
  { id: 'operation-deprecated', level: 'info', description: 'An operation was deprecated.' },
  { id: 'operation-reactivated', level: 'info', description: 'A deprecated operation is no longer deprecated.' },
  { id: 'deprecated-without-sunset', level: 'error', description: 'A deprecated operation or parameter has no x-sunset date (only while a minimum notice is set: --min-sunset-days above 0).' },
  { id: 'sunset-too-soon', level: 'error', description: 'An x-sunset date is closer than the minimum notice (default 180 days).' },
  { id: 'sunset-removed', level: 'error', description: 'A deprecated operation or parameter lost its x-sunset date.' },
  { id: 'sunset-unparsable', level: 'error', description: 'An x-sunset is not a date (YYYY-MM-DD or RFC 3339).' },
  // versions
  { id: 'api-version-added', level: 'info', description: 'A new API contract file (a new major version) was added.' },
  { id: 'api-version-removed', level: 'info', description: 'An API contract file was removed; its operations are judged one by one.' },
  { id: 'previous-major-not-deprecated', level: 'warning', description: 'A new major version was added while the previous one is not deprecated.' },
  { id: 'breaking-change-needs-new-major', level: 'error', description: 'Breaking changes inside one major contract file: publish them as the next major instead.' },
  // AsyncAPI
  { id: 'channel-added', level: 'info', description: 'A channel was added.' },
  { id: 'channel-removed', level: 'error', description: 'A channel was removed.' },
  { id: 'channel-address-changed', level: 'error', description: 'A channel address (subject) changed.' },
  { id: 'message-added', level: 'info', description: 'A message was added to a channel.' },
  { id: 'message-removed', level: 'error', description: 'A message was removed from a channel.' },
  { id: 'message-content-type-changed', level: 'error', description: 'A message content type changed.' },
  { id: 'send-operation-removed', level: 'error', description: 'The platform no longer sends a message consumers rely on.' },
  { id: 'receive-operation-removed', level: 'warning', description: 'The platform no longer receives a message producers send.' },
  { id: 'async-operation-added', level: 'info', description: 'A send or receive operation was added.' },
];

function schemaRules(): RuleDefinition[] {
  const rules: RuleDefinition[] = [];
  const structural = new Set(STRUCTURAL.map((r) => r.id));
  for (const [context, direction] of Object.entries(SCHEMA_CONTEXTS)) {
    for (const [kind, def] of Object.entries(SCHEMA_CHANGE_KINDS)) {
      // A structural row of the same id sets its own level (a parameter's default is behaviour, a body's is not).
      if (structural.has(`${context}-${kind}`)) continue;
      rules.push({ id: `${context}-${kind}`, level: def[direction], description: `${context.replace(/-/g, ' ')}: ${def.description}.` });
    }
  }
  return rules;
}

const RANK: Record<Level, number> = { error: 0, warning: 1, info: 2 };
export function stricter(a: Level, b: Level): Level {
  return RANK[a] <= RANK[b] ? a : b;
}

export const RULES: ReadonlyMap<string, RuleDefinition> = new Map([...STRUCTURAL, ...schemaRules()].map((r) => [r.id, r]));

export function schemaChangeLevel(context: SchemaContext, kind: SchemaChangeKind): Level {
  return SCHEMA_CHANGE_KINDS[kind][SCHEMA_CONTEXTS[context]];
}

export function ruleLevel(id: string): Level {
  const rule = RULES.get(id);
  if (!rule) throw new Error(`unknown diff rule '${id}'`);
  return rule.level;
}

/**
 * oasdiff's rule ids and the Concord ids they correspond to, so that findings map between the tools and a severity
 * file written for oasdiff's ids keeps working. Concord judges schema changes by kind, so one oasdiff id may map
 * to a broader Concord id (oasdiff's `request-body-max-set` is one case of `request-body-limit-tightened`).
 */
export const OASDIFF_ALIASES: Readonly<Record<string, readonly string[]>> = {
  'api-path-removed-without-deprecation': ['path-removed'],
  'api-removed-without-deprecation': ['operation-removed'],
  'api-path-removed-before-sunset': ['deprecated-operation-removed-before-sunset'],
  'api-removed-before-sunset': ['deprecated-operation-removed-before-sunset'],
  'api-removed-with-deprecation': ['deprecated-operation-removed-after-sunset'],
  'api-path-removed-with-deprecation': ['deprecated-operation-removed-after-sunset'],
  'endpoint-added': ['path-added', 'operation-added'],
  'endpoint-deprecated': ['operation-deprecated'],
  'endpoint-deprecated-with-sunset': ['operation-deprecated'],
  'endpoint-reactivated': ['operation-reactivated'],
  'api-deprecated-sunset-missing': ['deprecated-without-sunset'],
  'api-deprecated-sunset-parse': ['sunset-unparsable'],
  'api-path-sunset-parse': ['sunset-unparsable'],
  'api-sunset-date-too-small': ['sunset-too-soon'],
  'api-sunset-date-changed-too-small': ['sunset-too-soon'],
  'api-sunset-deleted': ['sunset-removed'],
  'api-security-added': ['security-scope-added'],
  'api-security-scope-added': ['security-scope-added'],
  'api-global-security-added': ['security-scope-added'],
  'api-global-security-scope-added': ['security-scope-added'],
  'api-security-removed': ['security-scope-removed'],
  'api-security-scope-removed': ['security-scope-removed'],
  'new-required-request-parameter': ['request-parameter-added-required'],
  'new-optional-request-parameter': ['request-parameter-added-optional'],
  'request-parameter-removed': ['request-parameter-removed'],
  'request-parameter-became-required': ['request-parameter-became-required'],
  'request-parameter-became-optional': ['request-parameter-became-optional'],
  'request-parameter-default-value-changed': ['request-parameter-default-changed'],
  'request-parameter-default-value-added': ['request-parameter-default-changed'],
  'request-parameter-default-value-removed': ['request-parameter-default-changed'],
  'request-parameter-deprecated': ['request-parameter-deprecated'],
  'request-parameter-reactivated': ['request-parameter-reactivated'],
  'request-parameter-removed-before-sunset': ['deprecated-parameter-removed-before-sunset'],
  'request-parameter-removed-with-deprecation': ['deprecated-parameter-removed-after-sunset'],
  'request-parameter-deprecated-sunset-missing': ['deprecated-without-sunset'],
  'request-parameter-sunset-parse': ['sunset-unparsable'],
  'request-parameter-sunset-deleted': ['sunset-removed'],
  'request-parameter-sunset-date-too-small': ['sunset-too-soon'],
  'request-parameter-sunset-date-changed-too-small': ['sunset-too-soon'],
  'request-body-removed': ['request-body-removed'],
  'added-required-request-body': ['request-body-added-required'],
  'request-body-became-required': ['request-body-became-required'],
  'request-body-became-optional': ['request-body-became-optional'],
  'request-body-media-type-removed': ['request-body-media-type-removed'],
  'request-body-media-type-added': ['request-body-media-type-added'],
  'response-success-status-removed': ['response-success-status-removed'],
  'response-non-success-status-removed': ['response-error-status-removed'],
  'response-media-type-removed': ['response-media-type-removed'],
  'required-response-header-removed': ['response-header-removed'],
  'optional-response-header-removed': ['response-header-removed'],
  'webhook-added': ['webhook-added'],
  'api-stability-decreased': ['stability-decreased'],
  'api-invalid-stability-level': ['stability-level-invalid'],
  'webhook-removed': ['webhook-removed'],
  'new-required-request-property': ['request-body-property-added-required'],
  'new-optional-request-property': ['request-body-property-added-optional'],
  'request-property-removed': ['request-body-property-removed-optional', 'request-body-property-removed-required'],
  'request-property-became-required': ['request-body-property-became-required'],
  'request-property-became-optional': ['request-body-property-became-optional'],
  'response-required-property-removed': ['response-body-property-removed-required'],
  'response-optional-property-removed': ['response-body-property-removed-optional'],
  'response-property-became-optional': ['response-body-property-became-optional'],
  'response-property-became-required': ['response-body-property-became-required'],
  'request-body-max-set': ['request-body-limit-added'],
  'request-property-max-set': ['request-body-limit-added'],
  'request-body-max-length-set': ['request-body-limit-added'],
  'request-property-max-length-set': ['request-body-limit-added'],
  'request-parameter-max-set': ['request-parameter-limit-added'],
  'request-parameter-max-length-set': ['request-parameter-limit-added'],
  'request-parameter-exclusive-min-set': ['request-parameter-limit-added'],
  'request-parameter-exclusive-max-set': ['request-parameter-limit-added'],
  'request-body-exclusive-min-set': ['request-body-limit-added'],
  'request-body-exclusive-max-set': ['request-body-limit-added'],
  'request-property-exclusive-min-set': ['request-body-limit-added'],
  'request-property-exclusive-max-set': ['request-body-limit-added'],
  'response-property-enum-value-added': ['response-body-enum-value-added'],
  'response-body-any-of-added': ['response-body-any-of-branch-added'],
  'response-property-any-of-added': ['response-body-any-of-branch-added'],
  'response-body-one-of-added': ['response-body-branch-added'],
  'response-property-one-of-added': ['response-body-branch-added'],
  'request-body-all-of-added': ['request-body-all-of-member-added'],
  'request-property-all-of-added': ['request-body-all-of-member-added'],
  'request-body-wrapped-in-one-of': ['request-body-wrapped-in-one-of'],
  'response-body-wrapped-in-one-of': ['response-body-wrapped-in-one-of'],
  'request-parameter-x-extensible-enum-value-removed': ['request-parameter-extensible-enum-value-removed'],
  'request-property-x-extensible-enum-value-removed': ['request-body-extensible-enum-value-removed'],
  'request-body-contains-added': ['request-body-constraint-added'],
  'request-property-contains-added': ['request-body-constraint-added'],
  'request-body-dependent-required-added': ['request-body-constraint-added'],
  'request-body-unevaluated-properties-added': ['request-body-constraint-added'],
  'request-body-unevaluated-items-added': ['request-body-constraint-added'],
  'response-body-contains-removed': ['response-body-constraint-removed'],
  'response-body-dependent-required-removed': ['response-body-constraint-removed'],
  'request-property-deprecated': ['request-body-property-deprecated'],
  'response-property-deprecated': ['response-body-property-deprecated'],
  'request-property-deprecated-sunset-missing': ['request-body-property-deprecated-without-sunset'],
  'response-property-deprecated-sunset-missing': ['response-body-property-deprecated-without-sunset'],
  'request-property-deprecated-sunset-invalid': ['request-body-property-sunset-unparsable'],
  'response-property-deprecated-sunset-invalid': ['response-body-property-sunset-unparsable'],
};

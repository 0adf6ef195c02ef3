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
  'branch-added': { request: 'info', response: 'error', description: 'a oneOf/anyOf branch was added' },
  'branch-removed': { request: 'error', response: 'info', description: 'a oneOf/anyOf branch was removed' },
  'limit-tightened': { request: 'error', response: 'info', description: 'a min/max length, value or item count was tightened' },
  'limit-loosened': { request: 'info', response: 'warning', description: 'a min/max length, value or item count was loosened' },
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
  // request body
  { id: 'request-body-added-required', level: 'error', description: 'A required request body was added.' },
  { id: 'request-body-added-optional', level: 'info', description: 'An optional request body was added.' },
  { id: 'request-body-removed', level: 'warning', description: 'The request body was removed.' },
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
  // security
  { id: 'security-scope-added', level: 'error', description: 'An operation requires a scope it did not require before.' },
  { id: 'security-scope-removed', level: 'info', description: 'An operation no longer requires a scope.' },
  // deprecation policy
  { id: 'operation-deprecated', level: 'info', description: 'An operation was deprecated.' },
  { id: 'operation-reactivated', level: 'info', description: 'A deprecated operation is no longer deprecated.' },
  { id: 'deprecated-without-sunset', level: 'error', description: 'A deprecated operation has no x-sunset date.' },
  { id: 'sunset-too-soon', level: 'error', description: 'An x-sunset date is closer than the minimum notice (default 180 days).' },
  { id: 'sunset-removed', level: 'error', description: 'A deprecated operation lost its x-sunset date.' },
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
  for (const [context, direction] of Object.entries(SCHEMA_CONTEXTS)) {
    for (const [kind, def] of Object.entries(SCHEMA_CHANGE_KINDS)) {
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

import { isObject } from '../../codegen/contracts/types';
import type { DocumentSet, Located } from '../model/document-set';
import { child, deref } from '../model/document-set';

/** What a schema allows, flattened: `$ref`s followed and `allOf` members merged, each child still located in its file. */
export interface SchemaView {
  at: Located;
  /** Non-null JSON types; undefined when the schema does not constrain the type. */
  types?: Set<string>;
  nullable: boolean;
  enum?: unknown[];
  limits: Partial<Record<LimitName, number>>;
  pattern?: string;
  format?: string;
  properties: Map<string, Located>;
  required: Set<string>;
  additionalProperties?: Located | false;
  items?: Located;
  oneOf?: Located[];
  anyOf?: Located[];
}

export const LOWER_LIMITS = ['minLength', 'minimum', 'exclusiveMinimum', 'minItems', 'minProperties'] as const;
export const UPPER_LIMITS = ['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems', 'maxProperties'] as const;
export type LimitName = (typeof LOWER_LIMITS)[number] | (typeof UPPER_LIMITS)[number] | 'multipleOf';
const LIMITS: readonly LimitName[] = [...LOWER_LIMITS, ...UPPER_LIMITS, 'multipleOf'];

export function viewSchema(set: DocumentSet, input: Located, depth = 0): SchemaView {
  const at = deref(set, input);
  const node = isObject(at.node) ? at.node : {};
  const view: SchemaView = { at, nullable: false, limits: {}, properties: new Map(), required: new Set() };

  const declared = Array.isArray(node.type) ? node.type.map(String) : typeof node.type === 'string' ? [node.type] : undefined;
  if (declared) {
    view.nullable = declared.includes('null');
    const types = declared.filter((t) => t !== 'null');
    if (types.length > 0) view.types = new Set(types);
  }
  if (node.nullable === true) view.nullable = true; // OpenAPI 3.0
  if (Array.isArray(node.enum)) view.enum = node.enum.filter((v) => v !== null);
  if ('const' in node) view.enum = [node.const];
  if (Array.isArray(node.enum) && node.enum.includes(null)) view.nullable = true;
  for (const name of LIMITS) if (typeof node[name] === 'number') view.limits[name] = node[name];
  if (typeof node.pattern === 'string') view.pattern = node.pattern;
  if (typeof node.format === 'string') view.format = node.format;
  if (isObject(node.properties)) for (const key of Object.keys(node.properties)) view.properties.set(key, child(at, 'properties', key));
  if (Array.isArray(node.required)) for (const name of node.required) view.required.add(String(name));
  if (node.additionalProperties === false) view.additionalProperties = false;
  else if (isObject(node.additionalProperties)) view.additionalProperties = child(at, 'additionalProperties');
  if (node.items !== undefined && !Array.isArray(node.items)) view.items = child(at, 'items');
  if (Array.isArray(node.oneOf)) view.oneOf = node.oneOf.map((_, i) => child(at, 'oneOf', i));
  if (Array.isArray(node.anyOf)) view.anyOf = node.anyOf.map((_, i) => child(at, 'anyOf', i));
  if (!view.types && (view.properties.size > 0 || view.additionalProperties !== undefined)) view.types = new Set(['object']);

  // allOf is a conjunction: for what clients can rely on, its members' constraints add up.
  if (Array.isArray(node.allOf) && depth < 16) {
    node.allOf.forEach((_, i) => merge(view, viewSchema(set, child(at, 'allOf', i), depth + 1)));
  }
  return view;
}

function merge(into: SchemaView, part: SchemaView): void {
  if (part.types) into.types = into.types ? new Set([...into.types].filter((t) => part.types?.has(t))) : new Set(part.types);
  if (part.types && !part.nullable) into.nullable = false;
  if (part.enum) into.enum ??= part.enum;
  for (const [k, v] of Object.entries(part.limits)) if (into.limits[k as LimitName] === undefined) into.limits[k as LimitName] = v;
  into.pattern ??= part.pattern;
  into.format ??= part.format;
  for (const [k, v] of part.properties) if (!into.properties.has(k)) into.properties.set(k, v);
  for (const r of part.required) into.required.add(r);
  if (part.additionalProperties === false) into.additionalProperties = false;
  else into.additionalProperties ??= part.additionalProperties;
  into.items ??= part.items;
  into.oneOf ??= part.oneOf;
  into.anyOf ??= part.anyOf;
}

/** A schema's meaning as a string, `$ref`s expanded, so that an inline schema and its `$ref`'d twin compare equal. */
export function canonical(set: DocumentSet, input: Located, stack: string[] = []): string {
  const at = deref(set, input);
  const key = `${at.abs}#${at.pointer}`;
  if (stack.includes(key)) return JSON.stringify({ $cycle: at.pointer.split('/').pop() });
  const node = at.node;
  if (Array.isArray(node)) return `[${node.map((_, i) => canonical(set, child(at, i), [...stack, key])).join(',')}]`;
  if (!isObject(node)) return JSON.stringify(node);
  const keys = Object.keys(node)
    .filter((k) => !IGNORED_KEYWORDS.has(k))
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(set, child(at, k), [...stack, key])}`).join(',')}}`;
}

/** Annotations that say nothing about what a schema accepts. */
const IGNORED_KEYWORDS = new Set(['description', 'title', 'example', 'examples', 'summary', '$comment', 'externalDocs', 'deprecated', 'readOnly', 'writeOnly', 'x-stoplight']);

/** The name a `oneOf` branch goes by: its `$ref` target's last token, or its title. */
export function branchName(at: Located): string | undefined {
  if (isObject(at.node) && typeof at.node.$ref === 'string') return at.node.$ref.split('/').pop();
  if (isObject(at.node) && typeof at.node.title === 'string') return at.node.title;
  return undefined;
}

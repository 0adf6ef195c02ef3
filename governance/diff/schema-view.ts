import { createHash } from 'node:crypto';
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
  /** The schema's own `allOf` members, before merging: a member added to a request schema narrows it. */
  allOf?: Located[];
  /** JSON Schema keywords compared as a whole (see CONSTRAINT_KEYWORDS), by keyword. */
  constraints: Map<string, Located>;
  readOnly: boolean;
  writeOnly: boolean;
  deprecated: boolean;
  sunset?: string;
  default?: unknown;
  extensibleEnum?: unknown[];
  discriminator?: { propertyName?: string; mapping: Map<string, string> };
}

/**
 * Keywords whose value narrows what a schema accepts when present. They are compared by meaning as a whole:
 * added narrows, removed widens, changed may do either. `prefixItems` is the odd one: oasdiff and we read a
 * tuple added as a new shape the reader must handle, so it is judged the other way round.
 */
export const CONSTRAINT_KEYWORDS = [
  'contains',
  'unevaluatedItems',
  'unevaluatedProperties',
  'dependentRequired',
  'dependentSchemas',
  'if',
  'then',
  'else',
  'not',
  'propertyNames',
  'patternProperties',
  'contentSchema',
  'contentMediaType',
  'contentEncoding',
  'prefixItems',
] as const;

export const LOWER_LIMITS = ['minLength', 'minimum', 'exclusiveMinimum', 'minItems', 'minProperties', 'minContains'] as const;
export const UPPER_LIMITS = ['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems', 'maxProperties', 'maxContains'] as const;
export type LimitName = (typeof LOWER_LIMITS)[number] | (typeof UPPER_LIMITS)[number] | 'multipleOf';
const LIMITS: readonly LimitName[] = [...LOWER_LIMITS, ...UPPER_LIMITS, 'multipleOf'];

export function viewSchema(set: DocumentSet, input: Located, depth = 0): SchemaView {
  const at = deref(set, input);
  const node = isObject(at.node) ? at.node : {};
  const view: SchemaView = {
    at,
    nullable: false,
    limits: {},
    properties: new Map(),
    required: new Set(),
    constraints: new Map(),
    readOnly: node.readOnly === true,
    writeOnly: node.writeOnly === true,
    deprecated: node.deprecated === true,
  };

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
  // An empty pattern matches every string: it is no pattern at all.
  if (typeof node.pattern === 'string' && node.pattern !== '') view.pattern = node.pattern;
  for (const k of CONSTRAINT_KEYWORDS) if (node[k] !== undefined) view.constraints.set(k, child(at, k));
  if (node['x-sunset'] !== undefined) view.sunset = String(node['x-sunset']);
  if ('default' in node) view.default = node.default;
  if (Array.isArray(node['x-extensible-enum'])) view.extensibleEnum = node['x-extensible-enum'];
  if (isObject(node.discriminator)) {
    const d = node.discriminator;
    const mapping = new Map(isObject(d.mapping) ? Object.entries(d.mapping).map(([k, v]) => [k, String(v)]) : []);
    view.discriminator = { ...(typeof d.propertyName === 'string' ? { propertyName: d.propertyName } : {}), mapping };
  }
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
  if (Array.isArray(node.allOf)) view.allOf = node.allOf.map((_, i) => child(at, 'allOf', i));
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
  for (const [k, v] of part.constraints) if (!into.constraints.has(k)) into.constraints.set(k, v);
  into.discriminator ??= part.discriminator;
  into.extensibleEnum ??= part.extensibleEnum;
}

/**
 * A schema's meaning as a short digest, `$ref`s expanded, so that an inline schema and its `$ref`'d twin compare
 * equal. Each place is digested once per set and memoised (a child's digest stands in for its subtree), so a
 * large document with shared, recursive schemas costs time linear in its size, never the size of its expansion.
 * `strict` keeps the annotations the diff also judges (readOnly, writeOnly, deprecation, defaults): two places with
 * equal strict digests cannot differ in anything the diff reports, so the walk skips them.
 */
export function canonical(set: DocumentSet, input: Located, strict = false): string {
  const memo = memoOf(set, strict);
  return digest(set, input, memo, new Set(), strict);
}

const MEMOS = new WeakMap<DocumentSet, { loose: Map<string, string>; strict: Map<string, string> }>();
function memoOf(set: DocumentSet, strict: boolean): Map<string, string> {
  let m = MEMOS.get(set);
  if (!m) {
    m = { loose: new Map(), strict: new Map() };
    MEMOS.set(set, m);
  }
  return strict ? m.strict : m.loose;
}

function digest(set: DocumentSet, input: Located, memo: Map<string, string>, stack: Set<string>, strict: boolean): string {
  const at = deref(set, input);
  const key = `${at.abs}#${at.pointer}`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  // A cycle stands for itself by the name of the place it returns to.
  if (stack.has(key)) return `@${at.pointer.split('/').pop() ?? ''}`;
  const node = at.node;
  let text: string;
  if (Array.isArray(node) || isObject(node)) {
    stack.add(key);
    if (Array.isArray(node)) text = `[${node.map((_, i) => digest(set, child(at, i), memo, stack, strict)).join(',')}]`;
    else {
      const ignored = strict ? DOC_KEYWORDS : IGNORED_KEYWORDS;
      const keys = Object.keys(node)
        .filter((k) => !ignored.has(k))
        .sort();
      text = `{${keys.map((k) => `${JSON.stringify(k)}:${digest(set, child(at, k), memo, stack, strict)}`).join(',')}}`;
    }
    stack.delete(key);
    if (text.length > 64) text = `#${createHash('sha1').update(text).digest('base64')}`;
  } else text = JSON.stringify(node) ?? 'undefined';
  memo.set(key, text);
  return text;
}

/** Text for people only. */
const DOC_KEYWORDS = new Set(['description', 'title', 'example', 'examples', 'summary', '$comment', 'externalDocs', 'x-stoplight']);

/** Annotations that say nothing about what a schema accepts. */
const IGNORED_KEYWORDS = new Set([...DOC_KEYWORDS, 'deprecated', 'readOnly', 'writeOnly', 'x-sunset', 'default']);

/** The name a `oneOf` branch goes by: its `$ref` target's last token, or its title. */
export function branchName(at: Located): string | undefined {
  if (isObject(at.node) && typeof at.node.$ref === 'string') return at.node.$ref.split('/').pop();
  if (isObject(at.node) && typeof at.node.title === 'string') return at.node.title;
  return undefined;
}

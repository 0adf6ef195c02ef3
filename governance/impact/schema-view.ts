import type { ContractSet } from '../../codegen/contracts';
import { getAtPointer, joinPointer } from '../../codegen/contracts/json-pointer';
import { resolveRef } from '../../codegen/contracts/refs';
import type { ContractFile } from '../../codegen/contracts/types';
import { isObject } from '../../codegen/contracts/types';

/** A schema where it stands in a contract: the file matters for its relative `$ref`s, the pointer for reports. */
export interface SchemaNode {
  file: ContractFile;
  pointer: string;
  schema: unknown;
}

/** JSON Schema's types; `integer` is the whole subset of `number`. */
export type JsonType = 'null' | 'boolean' | 'object' | 'array' | 'string' | 'integer' | 'number';

/**
 * One way a value can satisfy a schema: the nodes that all apply to it once `$ref` and `allOf` are followed and
 * one branch of each `oneOf` / `anyOf` is chosen. `if` / `then` / `else` and `not` are not followed.
 */
export interface Alternative {
  parts: SchemaNode[];
}

const MAX_ALTERNATIVES = 64;
const MAX_DEPTH = 32;

export const nodeKey = (n: Pick<SchemaNode, 'file' | 'pointer'>): string => `${n.file.rel}#${n.pointer}`;

export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  return 'object';
}

/** Navigates schemas across contract files; expansions are cached for the run. */
export class SchemaView {
  private readonly cache = new Map<string, SchemaNode[][]>();

  constructor(private readonly set: Pick<ContractSet, 'byAbs'>) {}

  child(node: SchemaNode, ...tokens: Array<string | number>): SchemaNode {
    let schema: unknown = node.schema;
    for (const t of tokens) schema = isObject(schema) || Array.isArray(schema) ? (schema as Record<string, unknown>)[t] : undefined;
    return { file: node.file, pointer: joinPointer(node.pointer, ...tokens), schema };
  }

  private deref(node: SchemaNode): SchemaNode {
    const ref = (node.schema as { $ref: string }).$ref;
    const target = resolveRef(ref, node.file, this.set.byAbs);
    return { file: target.file, pointer: target.pointer, schema: getAtPointer(target.file.doc, target.pointer) };
  }

  /** The alternatives of one node: each a list of parts, every part's own keywords applying. */
  private expandNode(node: SchemaNode, depth: number): SchemaNode[][] {
    if (node.schema === false) return [];
    if (!isObject(node.schema) || depth > MAX_DEPTH) return [[]];
    const key = nodeKey(node);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const s = node.schema;
    let alts: SchemaNode[][] = [[node]];
    if (typeof s.$ref === 'string') alts = product(alts, this.expandNode(this.deref(node), depth + 1));
    if (Array.isArray(s.allOf)) {
      s.allOf.forEach((_, i) => {
        alts = product(alts, this.expandNode(this.child(node, 'allOf', i), depth + 1));
      });
    }
    for (const keyword of ['oneOf', 'anyOf'] as const) {
      const list = s[keyword];
      if (!Array.isArray(list)) continue;
      const branches = list.flatMap((_, i) => this.expandNode(this.child(node, keyword, i), depth + 1));
      alts = product(alts, branches);
    }
    this.cache.set(key, alts);
    return alts;
  }

  /** The alternatives of a position whose nodes all apply (a property declared by several `allOf` parts). */
  alternatives(conjunction: readonly SchemaNode[]): Alternative[] {
    let alts: SchemaNode[][] = [[]];
    for (const node of conjunction) alts = product(alts, this.expandNode(node, 0));
    return alts.map((parts) => ({ parts }));
  }

  /** The types an alternative allows; undefined when it does not restrict the type. */
  types(alt: Alternative): Set<JsonType> | undefined {
    let allowed: Set<JsonType> | undefined;
    for (const part of alt.parts) {
      const own = ownTypes(part.schema);
      if (!own) continue;
      allowed = allowed ? intersect(allowed, own) : own;
    }
    return allowed;
  }

  /** Whether no part says anything about an object's properties (a free-form object or no object at all). */
  freeForm(alt: Alternative): boolean {
    return alt.parts.every((p) => {
      const s = p.schema as Record<string, unknown>;
      return s.properties === undefined && s.patternProperties === undefined && (s.additionalProperties === undefined || s.additionalProperties === true);
    });
  }

  /** The nodes that describe property `name` in an alternative; undefined when none declares it. */
  property(alt: Alternative, name: string): SchemaNode[] | undefined {
    const declared: SchemaNode[] = [];
    for (const part of alt.parts) {
      const s = part.schema as Record<string, unknown>;
      if (isObject(s.properties) && Object.hasOwn(s.properties, name)) declared.push(this.child(part, 'properties', name));
      if (isObject(s.patternProperties)) {
        for (const pattern of Object.keys(s.patternProperties)) {
          if (safeRegex(pattern)?.test(name)) declared.push(this.child(part, 'patternProperties', pattern));
        }
      }
    }
    if (declared.length) return declared;
    const additional = alt.parts.filter((p) => isObject((p.schema as Record<string, unknown>).additionalProperties));
    return additional.length ? additional.map((p) => this.child(p, 'additionalProperties')) : undefined;
  }

  /** The nodes that describe element `index` of an array; undefined when no part constrains its elements. */
  items(alt: Alternative, index: number): SchemaNode[] | undefined {
    const nodes: SchemaNode[] = [];
    for (const part of alt.parts) {
      const s = part.schema as Record<string, unknown>;
      if (Array.isArray(s.prefixItems) && index < s.prefixItems.length) nodes.push(this.child(part, 'prefixItems', index));
      else if (s.items !== undefined && typeof s.items !== 'boolean') nodes.push(this.child(part, 'items'));
      else if (s.items === false) nodes.push({ ...this.child(part, 'items'), schema: false });
    }
    return nodes.length ? nodes : undefined;
  }

  /** The values an alternative pins with `const` / `enum`; undefined when it pins none. */
  pinnedValues(alt: Alternative): unknown[] | undefined {
    let values: unknown[] | undefined;
    for (const part of alt.parts) {
      const s = part.schema as Record<string, unknown>;
      const own = 'const' in s ? [s.const] : Array.isArray(s.enum) ? s.enum : undefined;
      if (!own) continue;
      values = values ? values.filter((v) => own.some((o) => JSON.stringify(o) === JSON.stringify(v))) : own;
    }
    return values;
  }

  /** `minItems` / `maxItems` over the parts. */
  itemBounds(alt: Alternative): { min: number; max: number } {
    let min = 0;
    let max = Infinity;
    for (const part of alt.parts) {
      const s = part.schema as Record<string, unknown>;
      if (typeof s.minItems === 'number') min = Math.max(min, s.minItems);
      if (typeof s.maxItems === 'number') max = Math.min(max, s.maxItems);
    }
    return { min, max };
  }
}

function product(a: SchemaNode[][], b: SchemaNode[][]): SchemaNode[][] {
  const out: SchemaNode[][] = [];
  for (const x of a) {
    for (const y of b) {
      out.push([...x, ...y]);
      if (out.length >= MAX_ALTERNATIVES) return out;
    }
  }
  return out;
}

function ownTypes(schema: unknown): Set<JsonType> | undefined {
  if (!isObject(schema)) return undefined;
  if (typeof schema.type === 'string') return new Set([schema.type as JsonType]);
  if (Array.isArray(schema.type)) return new Set(schema.type as JsonType[]);
  if ('const' in schema) return new Set([jsonTypeOf(schema.const) === 'integer' ? 'number' : jsonTypeOf(schema.const)]);
  if (Array.isArray(schema.enum)) return new Set(schema.enum.map((v) => (jsonTypeOf(v) === 'integer' ? 'number' : jsonTypeOf(v))));
  return undefined;
}

function intersect(a: Set<JsonType>, b: Set<JsonType>): Set<JsonType> {
  const out = new Set<JsonType>();
  for (const t of a) {
    if (b.has(t)) out.add(t);
    else if (t === 'number' && b.has('integer')) out.add('integer');
    else if (t === 'integer' && b.has('number')) out.add('integer');
  }
  return out;
}

/** Whether a value of JSON type `t` is allowed by `types` (undefined: any type). */
export function allowsType(types: Set<JsonType> | undefined, t: JsonType): boolean {
  if (!types) return true;
  if (t === 'integer') return types.has('integer') || types.has('number');
  return types.has(t);
}

/** `integer or string`, for messages. */
export function describeTypes(types: Set<JsonType> | undefined): string {
  if (!types) return 'any type';
  if (types.size === 0) return 'no value';
  return [...types].join(' or ');
}

function safeRegex(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}

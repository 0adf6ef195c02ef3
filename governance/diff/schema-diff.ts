import { isDeepStrictEqual } from 'node:util';
import type { DocumentSet, Located } from '../model/document-set';
import type { SchemaChangeKind } from './rules';
import type { SchemaView } from './schema-view';
import { LOWER_LIMITS, UPPER_LIMITS, branchName, canonical, viewSchema } from './schema-view';

export interface SchemaChange {
  kind: SchemaChangeKind;
  /** Where in the value, e.g. `lines[].unitPrice.amount`; empty for the value itself. */
  field: string;
  /** The revision's location, or the base's for something the revision no longer has. */
  at: Located;
  /** The set `at` points into. */
  side: 'base' | 'revision';
  detail: string;
}

export interface SchemaPair {
  base: DocumentSet;
  revision: DocumentSet;
}

/** Compares two schemas and reports every difference in what they allow, in either direction. */
export function diffSchemas(sets: SchemaPair, base: Located, revision: Located, emit: (c: SchemaChange) => void): void {
  walk(sets, base, revision, '', new Set(), emit);
}

const join = (field: string, token: string) => (field === '' ? token : token.startsWith('[') ? `${field}${token}` : `${field}.${token}`);

function walk(sets: SchemaPair, bAt: Located, rAt: Located, field: string, seen: Set<string>, emit: (c: SchemaChange) => void): void {
  const b = viewSchema(sets.base, bAt);
  const r = viewSchema(sets.revision, rAt);
  // Recursive schemas (a category tree) would otherwise never end; one visit per pair of places is enough.
  const key = `${b.at.abs}#${b.at.pointer}|${r.at.abs}#${r.at.pointer}`;
  if (seen.has(key)) return;
  seen.add(key);
  const add = (kind: SchemaChangeKind, detail: string, at: Located = r.at, side: 'base' | 'revision' = 'revision') =>
    emit({ kind, field, at, side, detail });

  if (!compareTypes(b, r, add)) return;
  if (b.nullable !== r.nullable) add(r.nullable ? 'became-nullable' : 'became-not-nullable', r.nullable ? 'now allows null' : 'no longer allows null');
  compareEnums(b, r, add);
  compareLimits(b, r, add);
  if (b.pattern !== r.pattern) {
    if (b.pattern === undefined) add('pattern-added', `pattern ${r.pattern} added`);
    else if (r.pattern === undefined) add('pattern-removed', `pattern ${b.pattern} removed`);
    else add('pattern-changed', `pattern changed from ${b.pattern} to ${r.pattern}`);
  }
  if (b.format !== r.format) add('format-changed', `format changed from ${b.format ?? 'none'} to ${r.format ?? 'none'}`);

  compareProperties(sets, b, r, field, seen, emit);
  if (b.additionalProperties !== false && r.additionalProperties === false) add('additional-properties-forbidden', 'additional properties are no longer allowed');
  if (b.additionalProperties && r.additionalProperties) walk(sets, b.additionalProperties, r.additionalProperties, join(field, '*'), seen, emit);
  if (b.items && r.items) walk(sets, b.items, r.items, join(field, '[]'), seen, emit);
  compareBranches(sets, 'oneOf', b.oneOf, r.oneOf, field, seen, emit, add);
  compareBranches(sets, 'anyOf', b.anyOf, r.anyOf, field, seen, emit, add);
}

type Add = (kind: SchemaChangeKind, detail: string, at?: Located, side?: 'base' | 'revision') => void;

/** Returns false when the types differ so much that comparing further would only repeat the point. */
function compareTypes(b: SchemaView, r: SchemaView, add: Add): boolean {
  const bt = b.types;
  const rt = r.types;
  if (!bt && !rt) return true;
  const show = (t?: Set<string>) => (t ? [...t].sort().join('|') : 'any');
  if (!bt) {
    add('type-narrowed', `type narrowed from any to ${show(rt)}`);
    return true;
  }
  if (!rt) {
    add('type-generalized', `type generalized from ${show(bt)} to any`);
    return true;
  }
  // Every integer is a number, so `number` covers `integer`.
  const widen = (t: Set<string>) => new Set([...t, ...(t.has('number') ? ['integer'] : [])]);
  const bw = widen(bt);
  const rw = widen(rt);
  const rCoversB = [...bw].every((t) => rw.has(t));
  const bCoversR = [...rw].every((t) => bw.has(t));
  if (rCoversB && bCoversR) return true;
  if (rCoversB) add('type-generalized', `type generalized from ${show(bt)} to ${show(rt)}`);
  else if (bCoversR) add('type-narrowed', `type narrowed from ${show(bt)} to ${show(rt)}`);
  else {
    add('type-changed', `type changed from ${show(bt)} to ${show(rt)}`);
    return false;
  }
  return true;
}

function compareEnums(b: SchemaView, r: SchemaView, add: Add): void {
  if (!b.enum && !r.enum) return;
  if (!r.enum) {
    add('enum-value-added', 'no longer restricted to an enum');
    return;
  }
  if (!b.enum) {
    add('enum-value-removed', `now restricted to ${r.enum.map((v) => JSON.stringify(v)).join(', ')}`);
    return;
  }
  const has = (list: unknown[], v: unknown) => list.some((x) => isDeepStrictEqual(x, v));
  const removed = b.enum.filter((v) => !has(r.enum ?? [], v));
  const added = r.enum.filter((v) => !has(b.enum ?? [], v));
  if (removed.length > 0) add('enum-value-removed', `enum value${removed.length > 1 ? 's' : ''} ${removed.map((v) => JSON.stringify(v)).join(', ')} removed`);
  if (added.length > 0) add('enum-value-added', `enum value${added.length > 1 ? 's' : ''} ${added.map((v) => JSON.stringify(v)).join(', ')} added`);
}

function compareLimits(b: SchemaView, r: SchemaView, add: Add): void {
  const tightened: string[] = [];
  const loosened: string[] = [];
  const show = (name: string, v?: number) => `${name} ${v === undefined ? 'none' : v}`;
  for (const name of LOWER_LIMITS) {
    const [bv, rv] = [b.limits[name], r.limits[name]];
    if (bv === rv) continue;
    const change = `${show(name, bv)} → ${rv ?? 'none'}`;
    if (rv !== undefined && (bv === undefined || rv > bv)) tightened.push(change);
    else loosened.push(change);
  }
  for (const name of UPPER_LIMITS) {
    const [bv, rv] = [b.limits[name], r.limits[name]];
    if (bv === rv) continue;
    const change = `${show(name, bv)} → ${rv ?? 'none'}`;
    if (rv !== undefined && (bv === undefined || rv < bv)) tightened.push(change);
    else loosened.push(change);
  }
  const [bm, rm] = [b.limits.multipleOf, r.limits.multipleOf];
  if (bm !== rm) {
    const change = `${show('multipleOf', bm)} → ${rm ?? 'none'}`;
    // A new step that is a multiple of the old one accepts a subset; removing the step accepts more.
    if (rm === undefined || (bm !== undefined && bm % rm === 0)) loosened.push(change);
    else tightened.push(change);
  }
  if (tightened.length > 0) add('limit-tightened', `limits tightened: ${tightened.join(', ')}`);
  if (loosened.length > 0) add('limit-loosened', `limits loosened: ${loosened.join(', ')}`);
}

function compareProperties(
  sets: SchemaPair,
  b: SchemaView,
  r: SchemaView,
  field: string,
  seen: Set<string>,
  emit: (c: SchemaChange) => void,
): void {
  const names = new Set([...b.properties.keys(), ...r.properties.keys()]);
  for (const name of names) {
    const bp = b.properties.get(name);
    const rp = r.properties.get(name);
    const inner = join(field, name);
    if (bp && !rp) {
      const required = b.required.has(name);
      // Located where the revision no longer has it: a pull request annotates the head, not the base.
      emit({ kind: required ? 'property-removed-required' : 'property-removed-optional', field: inner, at: r.at, side: 'revision', detail: `${required ? 'required ' : ''}property removed` });
    } else if (!bp && rp) {
      const required = r.required.has(name);
      emit({ kind: required ? 'property-added-required' : 'property-added-optional', field: inner, at: rp, side: 'revision', detail: `${required ? 'required' : 'optional'} property added` });
    } else if (bp && rp) {
      if (!b.required.has(name) && r.required.has(name)) emit({ kind: 'property-became-required', field: inner, at: rp, side: 'revision', detail: 'became required' });
      if (b.required.has(name) && !r.required.has(name)) emit({ kind: 'property-became-optional', field: inner, at: rp, side: 'revision', detail: 'became optional' });
      walk(sets, bp, rp, inner, seen, emit);
    }
  }
}

function compareBranches(
  sets: SchemaPair,
  keyword: 'oneOf' | 'anyOf',
  bBranches: Located[] | undefined,
  rBranches: Located[] | undefined,
  field: string,
  seen: Set<string>,
  emit: (c: SchemaChange) => void,
  add: Add,
): void {
  if (!bBranches && !rBranches) return;
  const bLeft = [...(bBranches ?? [])];
  const rLeft = [...(rBranches ?? [])];
  // Same meaning first (an inline branch and its $ref'd twin are one branch), then same name, then by position.
  const take = (match: (bb: Located, rb: Located) => boolean, compare: boolean) => {
    for (let i = 0; i < bLeft.length; ) {
      const bb = bLeft[i] as Located;
      const j = rLeft.findIndex((rb) => match(bb, rb));
      if (j === -1) {
        i++;
        continue;
      }
      const [rb] = rLeft.splice(j, 1);
      bLeft.splice(i, 1);
      if (compare && rb) walk(sets, bb, rb, join(field, `<${branchName(rb) ?? keyword}>`), seen, emit);
    }
  };
  take((bb, rb) => canonical(sets.base, bb) === canonical(sets.revision, rb), false);
  take((bb, rb) => branchName(bb) !== undefined && branchName(bb) === branchName(rb), true);
  if (bLeft.length === rLeft.length) {
    bLeft.forEach((bb, i) => walk(sets, bb, rLeft[i] as Located, join(field, `<${keyword}[${i}]>`), seen, emit));
    return;
  }
  for (const bb of bLeft) add('branch-removed', `${keyword} branch ${branchName(bb) ?? ''} removed`.replace('  ', ' '));
  for (const rb of rLeft) add('branch-added', `${keyword} branch ${branchName(rb) ?? ''} added`.replace('  ', ' '), rb, 'revision');
}

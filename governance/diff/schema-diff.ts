import { isDeepStrictEqual } from 'node:util';
import type { DocumentSet, Located } from '../model/document-set';
import type { SchemaChangeKind } from './rules';
import type { SchemaView } from './schema-view';
import { isObject } from '../../codegen/contracts/types';
import { deref } from '../model/document-set';
import type { DeprecationPolicy } from './deprecation';
import { judgeSunset } from './deprecation';
import type { LimitName } from './schema-view';
import { CONSTRAINT_KEYWORDS, LOWER_LIMITS, UPPER_LIMITS, branchName, canonical, viewSchema } from './schema-view';

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

export interface SchemaDiffOptions {
  /** Which way the data flows: readOnly properties are not sent in requests, writeOnly ones not returned. */
  direction?: 'request' | 'response';
  /** XML and form bodies are text on the wire: their declared types are not compared. */
  looseScalars?: boolean;
  /** For property deprecation: the sunset policy. */
  policy?: DeprecationPolicy;
}

interface Walk {
  sets: SchemaPair;
  opts: SchemaDiffOptions;
  seen: Set<string>;
  emit: (c: SchemaChange) => void;
}

/** Compares two schemas and reports every difference in what they allow, in either direction. */
export function diffSchemas(sets: SchemaPair, base: Located, revision: Located, emit: (c: SchemaChange) => void, opts: SchemaDiffOptions = {}): void {
  walk({ sets, opts, seen: new Set(), emit }, base, revision, '');
}

const join = (field: string, token: string) => (field === '' ? token : token.startsWith('[') ? `${field}${token}` : `${field}.${token}`);

function walk(w: Walk, bAt: Located, rAt: Located, field: string): void {
  const { sets, seen, emit } = w;
  // Equal in everything the diff judges: nothing to report below (the common case, and what keeps large documents fast).
  if (canonical(sets.base, bAt, true) === canonical(sets.revision, rAt, true)) return;
  const b = viewSchema(sets.base, bAt);
  const r = viewSchema(sets.revision, rAt);
  // Recursive schemas (a category tree) would otherwise never end; one visit per pair of places is enough.
  const key = `${b.at.abs}#${b.at.pointer}|${r.at.abs}#${r.at.pointer}`;
  if (seen.has(key)) return;
  seen.add(key);
  const add = (kind: SchemaChangeKind, detail: string, at: Located = r.at, side: 'base' | 'revision' = 'revision') =>
    emit({ kind, field, at, side, detail });

  if (b.oneOf === undefined && r.oneOf !== undefined && r.types === undefined && r.properties.size === 0 && b.types !== undefined) {
    add('wrapped-in-one-of', `now wrapped in a oneOf of ${r.oneOf.length} branches`);
    return;
  }
  if (!compareTypes(b, r, add, w.opts.looseScalars === true)) return;
  if (b.nullable !== r.nullable) add(r.nullable ? 'became-nullable' : 'became-not-nullable', r.nullable ? 'now allows null' : 'no longer allows null');
  compareEnums(b, r, add);
  compareExtensibleEnums(b, r, add);
  compareLimits(b, r, add);
  compareConstraints(sets, b, r, add);
  compareAllOf(sets, b, r, add);
  if (!isDeepStrictEqual(b.default, r.default)) add('default-changed', `default changed from ${show(b.default)} to ${show(r.default)}`);
  compareDiscriminators(b, r, add);
  if (b.pattern !== r.pattern) {
    if (b.pattern === undefined) add('pattern-added', `pattern ${r.pattern} added`);
    else if (r.pattern === undefined) add('pattern-removed', `pattern ${b.pattern} removed`);
    else add('pattern-changed', `pattern changed from ${b.pattern} to ${r.pattern}`);
  }
  if (b.format !== r.format) add('format-changed', `format changed from ${b.format ?? 'none'} to ${r.format ?? 'none'}`);

  compareProperties(w, b, r, field);
  if (b.additionalProperties !== false && r.additionalProperties === false) add('additional-properties-forbidden', 'additional properties are no longer allowed');
  if (b.additionalProperties && r.additionalProperties) walk(w, b.additionalProperties, r.additionalProperties, join(field, '*'));
  if (b.items && r.items) walk(w, b.items, r.items, join(field, '[]'));
  compareBranches(w, 'oneOf', b.oneOf, r.oneOf, field, add);
  compareBranches(w, 'anyOf', b.anyOf, r.anyOf, field, add);
}

const show = (v: unknown) => (v === undefined ? 'none' : JSON.stringify(v));

function compareExtensibleEnums(b: SchemaView, r: SchemaView, add: Add): void {
  if (!b.extensibleEnum || !r.extensibleEnum) return;
  const has = (list: unknown[], v: unknown) => list.some((x) => isDeepStrictEqual(x, v));
  const removed = b.extensibleEnum.filter((v) => !has(r.extensibleEnum ?? [], v));
  const added = r.extensibleEnum.filter((v) => !has(b.extensibleEnum ?? [], v));
  if (removed.length > 0) add('extensible-enum-value-removed', `x-extensible-enum value${removed.length > 1 ? 's' : ''} ${removed.map(show).join(', ')} removed`);
  if (added.length > 0) add('extensible-enum-value-added', `x-extensible-enum value${added.length > 1 ? 's' : ''} ${added.map(show).join(', ')} added`);
}

/** Keywords compared whole, by meaning: presence narrows, absence widens (prefixItems the other way round). */
function compareConstraints(sets: SchemaPair, b: SchemaView, r: SchemaView, add: Add): void {
  for (const k of CONSTRAINT_KEYWORDS) {
    const [bc, rc] = [b.constraints.get(k), r.constraints.get(k)];
    if (!bc && !rc) continue;
    const tuple = k === 'prefixItems';
    if (!bc && rc) add(tuple ? 'prefix-items-added' : 'constraint-added', `${k} added`, rc);
    else if (bc && !rc) add(tuple ? 'prefix-items-removed' : 'constraint-removed', `${k} removed`);
    else if (bc && rc && canonical(sets.base, bc) !== canonical(sets.revision, rc)) add('constraint-changed', `${k} changed`, rc);
  }
}

/** allOf members are merged for comparison; a member that only documents (no constraint of its own) is not one. */
function compareAllOf(sets: SchemaPair, b: SchemaView, r: SchemaView, add: Add): void {
  if (!b.allOf || !r.allOf) return;
  // Matched as multisets: a new member equal to an old one is still one more member.
  const bLeft = b.allOf.filter((m) => !annotationOnly(sets.base, m));
  const added: Located[] = [];
  for (const m of r.allOf.filter((x) => !annotationOnly(sets.revision, x))) {
    const i = bLeft.findIndex((bm) => canonical(sets.base, bm) === canonical(sets.revision, m));
    if (i === -1) added.push(m);
    else bLeft.splice(i, 1);
  }
  const removed = bLeft;
  // A member rewritten in place is a change of that member, which the merged comparison reports.
  if (added.length > removed.length) for (const m of added.slice(removed.length)) add('all-of-member-added', `allOf member ${branchName(m) ?? ''} added`.replace('  ', ' '), m);
  if (removed.length > added.length) for (const m of removed.slice(added.length)) add('all-of-member-removed', `allOf member ${branchName(m) ?? ''} removed`.replace('  ', ' '), m, 'base');
}

function annotationOnly(set: DocumentSet, m: Located): boolean {
  const node = deref(set, m).node;
  return isObject(node) && Object.keys(node).every((k) => ANNOTATIONS.has(k));
}
const ANNOTATIONS = new Set(['description', 'title', 'example', 'examples', 'deprecated', 'readOnly', 'writeOnly', 'default', 'externalDocs', '$comment']);

function compareDiscriminators(b: SchemaView, r: SchemaView, add: Add): void {
  const [bd, rd] = [b.discriminator, r.discriminator];
  if (!bd || !rd) return;
  if (bd.propertyName !== rd.propertyName) add('discriminator-changed', `discriminator property changed from ${show(bd.propertyName)} to ${show(rd.propertyName)}`);
  const changed = [...new Set([...bd.mapping.keys(), ...rd.mapping.keys()])].filter((k) => bd.mapping.get(k) !== rd.mapping.get(k));
  if (changed.length > 0) add('discriminator-changed', `discriminator mapping changed for ${changed.map(show).join(', ')}`);
}

type Add = (kind: SchemaChangeKind, detail: string, at?: Located, side?: 'base' | 'revision') => void;

/** Returns false when the types differ so much that comparing further would only repeat the point. */
function compareTypes(b: SchemaView, r: SchemaView, add: Add, looseScalars: boolean): boolean {
  const bt = b.types;
  const rt = r.types;
  if (!bt && !rt) return true;
  // XML and form bodies are text on the wire: oasdiff calls such type changes compatible, and so do we.
  if (looseScalars) return true;
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
  const set: string[] = [];
  const tightened: string[] = [];
  const loosened: string[] = [];
  const show = (name: string, v?: number) => `${name} ${v === undefined ? 'none' : v}`;
  const judge = (name: LimitName, narrower: (rv: number, bv: number) => boolean) => {
    const [bv, rv] = [b.limits[name], r.limits[name]];
    if (bv === rv) return;
    const change = `${show(name, bv)} → ${rv ?? 'none'}`;
    // A limit where there was none is its own kind, so that a team can set its level apart (oasdiff's "max set").
    if (bv === undefined) set.push(change);
    else if (rv !== undefined && narrower(rv, bv)) tightened.push(change);
    else loosened.push(change);
  };
  for (const name of LOWER_LIMITS) judge(name, (rv, bv) => rv > bv);
  for (const name of UPPER_LIMITS) judge(name, (rv, bv) => rv < bv);
  const [bm, rm] = [b.limits.multipleOf, r.limits.multipleOf];
  if (bm !== rm) {
    const change = `${show('multipleOf', bm)} → ${rm ?? 'none'}`;
    // A new step that is a multiple of the old one accepts a subset; removing the step accepts more.
    if (rm === undefined || (bm !== undefined && bm % rm === 0)) loosened.push(change);
    else tightened.push(change);
  }
  if (set.length > 0) add('limit-added', `limits set: ${set.join(', ')}`);
  if (tightened.length > 0) add('limit-tightened', `limits tightened: ${tightened.join(', ')}`);
  if (loosened.length > 0) add('limit-loosened', `limits loosened: ${loosened.join(', ')}`);
}

function compareProperties(w: Walk, b: SchemaView, r: SchemaView, field: string): void {
  const { sets, emit, opts } = w;
  const names = new Set([...b.properties.keys(), ...r.properties.keys()]);
  // A readOnly property is never sent in a request, a writeOnly one never returned: changes to them do not count there.
  const absent = (v: SchemaView) => (opts.direction === 'request' && v.readOnly) || (opts.direction === 'response' && v.writeOnly);
  for (const name of names) {
    const bp = b.properties.get(name);
    const rp = r.properties.get(name);
    const inner = join(field, name);
    const bv = bp && viewSchema(sets.base, bp);
    const rv = rp && viewSchema(sets.revision, rp);
    if ((bv === undefined || absent(bv)) && (rv === undefined || absent(rv))) continue;
    if (bp && !rp) {
      const required = b.required.has(name);
      // Located where the revision no longer has it: a pull request annotates the head, not the base.
      emit({ kind: required ? 'property-removed-required' : 'property-removed-optional', field: inner, at: r.at, side: 'revision', detail: `${required ? 'required ' : ''}property removed` });
    } else if (!bp && rp && rv) {
      const required = r.required.has(name);
      emit({ kind: required ? 'property-added-required' : 'property-added-optional', field: inner, at: rp, side: 'revision', detail: `${required ? 'required' : 'optional'} property added` });
      if (rv.deprecated) checkPropertySunset(w, rv, undefined, inner, rp);
    } else if (bp && rp && bv && rv) {
      if (!b.required.has(name) && r.required.has(name)) emit({ kind: 'property-became-required', field: inner, at: rp, side: 'revision', detail: 'became required' });
      if (b.required.has(name) && !r.required.has(name)) emit({ kind: 'property-became-optional', field: inner, at: rp, side: 'revision', detail: 'became optional' });
      comparePropertyDeprecation(w, bv, rv, inner, rp);
      walk(w, bp, rp, inner);
    }
  }
}

function comparePropertyDeprecation(w: Walk, bv: SchemaView, rv: SchemaView, field: string, at: Located): void {
  const emit = (kind: SchemaChangeKind, detail: string) => w.emit({ kind, field, at, side: 'revision', detail });
  if (!bv.deprecated && rv.deprecated) {
    emit('property-deprecated', `deprecated${rv.sunset ? `, sunset ${rv.sunset}` : ''}`);
    checkPropertySunset(w, rv, undefined, field, at);
  } else if (bv.deprecated && !rv.deprecated) emit('property-reactivated', 'no longer deprecated');
  else if (bv.deprecated && rv.deprecated && bv.sunset !== rv.sunset) checkPropertySunset(w, rv, bv.sunset, field, at);
}

function checkPropertySunset(w: Walk, rv: SchemaView, previous: string | undefined, field: string, at: Located): void {
  const policy = w.opts.policy;
  if (!policy) return;
  const emit = (kind: SchemaChangeKind, detail: string) => w.emit({ kind, field, at, side: 'revision', detail });
  const verdict = judgeSunset(rv.sunset, previous, policy);
  if (verdict === 'unparsable') emit('property-sunset-unparsable', `x-sunset ${show(rv.sunset)} is not a date`);
  else if (verdict === 'missing') emit('property-deprecated-without-sunset', 'deprecated without an x-sunset date');
  else if (verdict === 'too-soon') emit('property-sunset-too-soon', `sunset ${String(rv.sunset)} gives less than ${policy.minSunsetDays} days' notice from ${policy.today}`);
}

function compareBranches(w: Walk, keyword: 'oneOf' | 'anyOf', bBranches: Located[] | undefined, rBranches: Located[] | undefined, field: string, add: Add): void {
  const { sets } = w;
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
      if (compare && rb) walk(w, bb, rb, join(field, `<${branchName(rb) ?? keyword}>`));
    }
  };
  take((bb, rb) => canonical(sets.base, bb) === canonical(sets.revision, rb), false);
  take((bb, rb) => branchName(bb) !== undefined && branchName(bb) === branchName(rb), true);
  if (bLeft.length === rLeft.length) {
    bLeft.forEach((bb, i) => walk(w, bb, rLeft[i] as Located, join(field, `<${keyword}[${i}]>`)));
    return;
  }
  for (const bb of bLeft) add('branch-removed', `${keyword} branch ${branchName(bb) ?? ''} removed`.replace('  ', ' '));
  for (const rb of rLeft) add(keyword === 'anyOf' ? 'any-of-branch-added' : 'branch-added', `${keyword} branch ${branchName(rb) ?? ''} added`.replace('  ', ' '), rb, 'revision');
}

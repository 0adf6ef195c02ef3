import type { FindingLocation } from '../types';
import type { PathSegment } from './json-path';
import { formatPath } from './json-path';
import type { BodyRules, Expectation } from './matching-rules';
import { expectationAt } from './matching-rules';
import type { Alternative, JsonType, SchemaNode, SchemaView } from './schema-view';
import { allowsType, describeTypes, jsonTypeOf } from './schema-view';
import type { ImpactProblem } from './types';
import type { Validators } from './validators';
import { describeError } from './validators';

export interface ExpectationContext {
  view: SchemaView;
  validators: Validators;
  rules: BodyRules;
  /** `response` or `message`, for messages. */
  what: string;
  /** The operation or event, for locations. */
  operation: string;
}

/**
 * Checks what a consumer expects of a body (a pact response body or message contents: the example values and
 * their matchers) against the schema the provider promises. It reports every field the consumer reads that the
 * schema no longer declares, every field whose type is no longer compatible, and every exactly-expected value the
 * schema no longer allows. Fields the schema requires but the pact leaves out are fine: a pact lists only what the
 * consumer reads.
 */
export function checkExpectedBody(body: unknown, schema: SchemaNode, ctx: ExpectationContext): ImpactProblem[] {
  const problems: ImpactProblem[] = [];
  walk(body, [[schema]], [], ctx, problems);
  return problems;
}

const article = (t: string): string => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

/** The JSON type a consumer relies on, from the matcher when there is one, else from the example. */
function expectedType(value: unknown, exp: Expectation): JsonType | 'decimal' {
  switch (exp.kind) {
    case 'integer':
      return 'integer';
    case 'decimal':
      return 'decimal';
    case 'number':
      return typeof value === 'number' && !Number.isInteger(value) ? 'number' : 'integer';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'regex':
      return 'string';
    default:
      return jsonTypeOf(value);
  }
}

/**
 * Whether an alternative's types serve what the consumer expects: the consumer's type must be one the schema allows
 * (a widened type, e.g. a field that became nullable, is not reported). Pact compares numbers by type whatever their
 * kind, so an integer and a number serve each other, except with Pact's `integer` matcher (1.5 fails it, so the
 * schema must say `integer`) and `decimal` matcher (2 fails it, so the schema must allow `number`). An exactly expected
 * 1.5 needs `number`.
 */
function compatible(types: Set<JsonType> | undefined, want: JsonType | 'decimal', exp: Expectation): boolean {
  if (!types) return true;
  const numeric = types.has('integer') || types.has('number');
  switch (exp.kind) {
    case 'integer':
      return types.has('integer');
    case 'decimal':
      return types.has('number');
    case 'number':
      return numeric;
    case 'exact':
      return want === 'decimal' ? types.has('number') : allowsType(types, want);
    default:
      return want === 'integer' || want === 'number' || want === 'decimal' ? numeric : allowsType(types, want);
  }
}

const schemaName = (node: SchemaNode): string => {
  const m = /^\/components\/schemas\/([^/]+)$/.exec(node.pointer);
  return m ? `${m[1]} (${node.file.rel})` : `${node.file.rel}#${node.pointer}`;
};

function walk(value: unknown, candidates: SchemaNode[][], segments: PathSegment[], ctx: ExpectationContext, problems: ImpactProblem[]): void {
  const field = formatPath(segments);
  const at = candidates[0]?.[0];
  const location = (node: SchemaNode | undefined): FindingLocation | undefined =>
    node ? { file: node.file.rel, pointer: node.pointer, operation: ctx.operation } : undefined;
  const report = (message: string, node: SchemaNode | undefined) => {
    const loc = location(node);
    problems.push({ message, field, ...(loc ? { location: loc } : {}) });
  };

  const alts = candidates.flatMap((conj) => ctx.view.alternatives(conj));
  if (alts.length === 0) {
    report(`${field}: the contract's ${ctx.what} schema allows no value here`, at);
    return;
  }
  const exp = expectationAt(ctx.rules, segments);
  const want = expectedType(value, exp);
  const typed = alts.filter((alt) => compatible(ctx.view.types(alt), want, exp));
  if (typed.length === 0) {
    const allowed = new Set<JsonType>();
    for (const alt of alts) for (const t of ctx.view.types(alt) ?? []) allowed.add(t);
    const expected = exp.kind === 'integer' || exp.kind === 'decimal' ? `${article(want)} (Pact '${exp.kind}' matcher)` : article(want);
    report(`${field}: incompatible type: the consumer expects ${expected}, the contract's ${ctx.what} schema has ${describeTypes(allowed)}`, at);
    return;
  }

  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    walkObject(value as Record<string, unknown>, typed, segments, exp, ctx, problems);
  } else if (Array.isArray(value)) {
    walkArray(value, typed, segments, exp, ctx, problems, report);
  } else if (exp.kind === 'exact') {
    // The consumer expects this very value: the schema must still allow it.
    const ok = candidates.some((conj) => conj.every((node) => ctx.validators.validate(node, value).length === 0));
    if (!ok) {
      const errors = candidates[0]?.flatMap((node) => ctx.validators.validate(node, value)) ?? [];
      const why = errors[0] ? describeError(errors[0]) : 'is not allowed';
      report(`${field}: the consumer expects the value ${JSON.stringify(value)}, which the contract no longer allows (${why})`, at);
    }
  } else if (exp.kind === 'regex') {
    checkRegex(exp.regex, typed, ctx, field, report);
  }
}

function walkObject(
  value: Record<string, unknown>,
  typed: Alternative[],
  segments: PathSegment[],
  exp: Expectation,
  ctx: ExpectationContext,
  problems: ImpactProblem[],
): void {
  const structured = typed.filter((alt) => !ctx.view.freeForm(alt));
  // A free-form object (no properties declared) says nothing about its fields: nothing to check below it.
  if (structured.length < typed.length) return;
  for (const [key, child] of Object.entries(value)) {
    const childSegments = [...segments, key];
    const nodes = structured.map((alt) => ctx.view.property(alt, key)).filter((n): n is SchemaNode[] => !!n);
    if (nodes.length === 0) {
      if (exp.kind === 'map') continue;
      const holder = structured[0]?.parts.find((p) => (p.schema as Record<string, unknown>).properties !== undefined) ?? structured[0]?.parts[0];
      problems.push({
        message: `${formatPath(childSegments)}: missing field: the consumer reads '${key}', which the contract's ${ctx.what} schema${holder ? ` ${schemaName(holder)}` : ''} no longer declares`,
        field: formatPath(childSegments),
        ...(holder ? { location: { file: holder.file.rel, pointer: holder.pointer, operation: ctx.operation } } : {}),
      });
      continue;
    }
    walk(child, nodes, childSegments, ctx, problems);
  }
}

function walkArray(
  value: unknown[],
  typed: Alternative[],
  segments: PathSegment[],
  exp: Expectation,
  ctx: ExpectationContext,
  problems: ImpactProblem[],
  report: (message: string, node: SchemaNode | undefined) => void,
): void {
  if (exp.kind === 'exact') {
    // An exactly expected array has exactly this many elements.
    const fits = typed.some((alt) => {
      const { min, max } = ctx.view.itemBounds(alt);
      return value.length >= min && value.length <= max;
    });
    if (!fits) {
      const { min, max } = ctx.view.itemBounds(typed[0] as Alternative);
      report(`${formatPath(segments)}: the consumer expects exactly ${value.length} element(s); the contract allows ${min}${max === Infinity ? ' or more' : `…${max}`}`, typed[0]?.parts[0]);
    }
  }
  value.forEach((element, i) => {
    const nodes: SchemaNode[][] = [];
    for (const alt of typed) {
      const items = ctx.view.items(alt, i);
      if (!items) return; // an alternative with unconstrained elements: nothing to check
      nodes.push(items);
    }
    walk(element, nodes, [...segments, i], ctx, problems);
  });
}

/** A regex-matched string: when the schema pins the values (an enum), at least one must match the regex. */
function checkRegex(regex: string, typed: Alternative[], ctx: ExpectationContext, field: string, report: (message: string, node: SchemaNode | undefined) => void): void {
  let re: RegExp;
  try {
    re = new RegExp(regex);
  } catch {
    return;
  }
  const pinned = typed.map((alt) => ctx.view.pinnedValues(alt));
  if (pinned.some((values) => values === undefined)) return;
  const all = pinned.flatMap((values) => values ?? []);
  if (all.some((v) => typeof v === 'string' && re.test(v))) return;
  report(`${field}: none of the values the contract allows (${all.map((v) => JSON.stringify(v)).join(', ')}) matches the consumer's regex /${regex}/`, typed[0]?.parts[0]);
}

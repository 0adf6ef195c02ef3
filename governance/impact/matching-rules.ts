import type { PathSegment, RuleToken } from './json-path';
import { parseRulePath, ruleWeight } from './json-path';

/** One Pact matcher, e.g. `{ match: 'regex', regex: '^SKU-\\d{4}$' }`. */
export interface Matcher {
  match: string;
  regex?: string;
  [key: string]: unknown;
}

interface BodyRule {
  tokens: RuleToken[];
  matchers: Matcher[];
}

/** The body matching rules of one pact part (request, response or message contents). */
export interface BodyRules {
  rules: BodyRule[];
}

/**
 * What the consumer expects of a value:
 * - `exact`: no matcher applies, so the example value itself is expected;
 * - `type`: any value of the example's JSON type (Pact `type`, `min`/`max`, and every matcher not listed here);
 * - `regex`: a string matching the regex;
 * - `integer` / `decimal` / `number` / `boolean` / `null`: a value of that kind;
 * - `map`: an object whose keys are only examples (`values`, `eachKey`, `eachValue`).
 */
export type Expectation =
  | { kind: 'exact' }
  | { kind: 'type' }
  | { kind: 'regex'; regex: string }
  | { kind: 'integer' | 'decimal' | 'number' | 'boolean' | 'null' }
  | { kind: 'map' };

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function matchersOf(raw: unknown): Matcher[] {
  if (!isRecord(raw)) return [];
  const list = Array.isArray(raw.matchers) ? raw.matchers : typeof raw.match === 'string' ? [raw] : [];
  return list.filter((m): m is Matcher => isRecord(m) && typeof m.match === 'string');
}

function bodyRules(entries: Array<[string, unknown]>): BodyRules {
  const rules: BodyRule[] = [];
  for (const [path, raw] of entries) {
    const tokens = parseRulePath(path);
    const matchers = matchersOf(raw);
    if (tokens && matchers.length) rules.push({ tokens, matchers });
  }
  return { rules };
}

/**
 * The body rules of a pact part's `matchingRules`: V3/V4 `{ body: { '$.x': { matchers: [...] } } }`, or V2's flat
 * `{ '$.body.x': { match: 'type' } }`.
 */
export function parseBodyRules(raw: unknown): BodyRules {
  if (!isRecord(raw)) return { rules: [] };
  if (isRecord(raw.body)) return bodyRules(Object.entries(raw.body));
  const v2 = Object.entries(raw)
    .filter(([path]) => path === '$.body' || path.startsWith('$.body.') || path.startsWith('$.body['))
    .map(([path, rule]): [string, unknown] => [`$${path.slice('$.body'.length)}`, rule]);
  return bodyRules(v2);
}

const TYPED = ['integer', 'decimal', 'number', 'boolean', 'null'] as const;
const MAP = ['values', 'eachKey', 'eachValue'];

function classify(matchers: readonly Matcher[]): Expectation {
  for (const kind of TYPED) if (matchers.some((m) => m.match === kind)) return { kind };
  const regex = matchers.find((m) => m.match === 'regex' && typeof m.regex === 'string');
  if (regex) return { kind: 'regex', regex: regex.regex as string };
  if (matchers.some((m) => MAP.includes(m.match))) return { kind: 'map' };
  if (matchers.every((m) => m.match === 'equality')) return { kind: 'exact' };
  return { kind: 'type' };
}

/**
 * The expectation at `segments`: the most specific rule naming the value itself, else the nearest ancestor's rule,
 * which cascades as Pact's does (`like({...})` compares every field below by type; `equality` keeps them exact).
 */
export function expectationAt(body: BodyRules, segments: readonly PathSegment[]): Expectation {
  let best: { rule: BodyRule; depth: number; weight: number } | undefined;
  for (const rule of body.rules) {
    const weight = ruleWeight(rule.tokens, segments);
    if (weight === 0) continue;
    const depth = rule.tokens.length;
    if (!best || depth > best.depth || (depth === best.depth && weight > best.weight)) best = { rule, depth, weight };
  }
  if (!best) return { kind: 'exact' };
  if (best.depth === segments.length) return classify(best.rule.matchers);
  return best.rule.matchers.every((m) => m.match === 'equality') ? { kind: 'exact' } : { kind: 'type' };
}

import fc from 'fast-check';
import type { FuzzRequest } from './base-requests';

/** What a mutation does to a valid request; each is something a hostile or broken client sends. */
export const MUTATION_KINDS = [
  'wrong-type',
  'null',
  'nul-char',
  'control-chars',
  'long-string',
  'huge-number',
  'negative-number',
  'extra-property',
  'missing-property',
  'malformed-json',
  'wrong-content-type',
  'query-nul',
  'query-huge',
  'path-long',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

export interface Mutation {
  kind: MutationKind;
  /** Picks the node of the body (or the parameter) to change, modulo how many there are. */
  pick: number;
  junk: unknown;
}

const WRONG_TYPES = fc.constantFrom<unknown>(0, -1, 1.5, true, 'x', [], {}, [1, 'a'], { a: 1 });
const HUGE = fc.constantFrom<unknown>(1e308, -1e308, 2 ** 53, 2 ** 63, Number.MAX_SAFE_INTEGER + 2, 4294967296, 2147483648);
const NEGATIVE = fc.constantFrom<unknown>(-1, -2147483649, -1e308, -0.5);
const CONTROL = fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 8 });

/** The seeded generator of mutations (fast-check). */
export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom(...MUTATION_KINDS),
  pick: fc.nat(),
  junk: fc.oneof(WRONG_TYPES, HUGE, NEGATIVE, CONTROL),
});

type Path = Array<string | number>;

/** Every node of a JSON value with its path (the root included). */
function nodes(value: unknown, at: Path = [], out: Array<{ at: Path; value: unknown }> = []): Array<{ at: Path; value: unknown }> {
  out.push({ at, value });
  if (Array.isArray(value)) value.forEach((v, i) => nodes(v, [...at, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) nodes(v, [...at, k], out);
  return out;
}

function setAt(root: unknown, at: Path, value: unknown): unknown {
  if (at.length === 0) return value;
  let node = root as Record<string | number, unknown>;
  for (const key of at.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[at[at.length - 1]!] = value;
  return root;
}

function deleteAt(root: unknown, at: Path): unknown {
  if (at.length === 0) return undefined;
  let node = root as Record<string | number, unknown>;
  for (const key of at.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = at[at.length - 1]!;
  if (Array.isArray(node)) node.splice(Number(last), 1);
  else delete node[last];
  return root;
}

const pickOf = <T>(items: readonly T[], pick: number): T | undefined => (items.length === 0 ? undefined : items[pick % items.length]);

/** The request with the mutation applied; a kind that has nothing to act on changes the query instead. */
export function mutate(base: FuzzRequest, m: Mutation): FuzzRequest {
  const req: FuzzRequest = { ...base, query: base.query.map(([k, v]) => [k, v]), headers: { ...base.headers }, body: structuredClone(base.body) };
  const all = req.body === undefined ? [] : nodes(req.body);
  const strings = all.filter((n) => typeof n.value === 'string');
  const numbers = all.filter((n) => typeof n.value === 'number');
  const objects = all.filter((n) => n.value !== null && typeof n.value === 'object' && !Array.isArray(n.value));
  const members = all.filter((n) => n.at.length > 0);
  const queryAt = (value: string) => {
    const param = pickOf(req.query, m.pick);
    if (param) param[1] = value;
    else req.query.push(['fuzz', value]);
  };
  switch (m.kind) {
    case 'wrong-type': {
      const n = pickOf(members, m.pick) ?? pickOf(all, m.pick);
      if (n) req.body = setAt(req.body, n.at, m.junk);
      else queryAt(String(m.junk));
      break;
    }
    case 'null': {
      const n = pickOf(all, m.pick);
      if (n) req.body = setAt(req.body, n.at, null);
      else queryAt('null');
      break;
    }
    case 'nul-char':
    case 'control-chars': {
      const junk = m.kind === 'nul-char' ? 'a\u0000b' : typeof m.junk === 'string' ? m.junk : '\u0001\u001f';
      const n = pickOf(strings, m.pick);
      if (n) req.body = setAt(req.body, n.at, `${String(n.value)}${junk}`);
      else queryAt(junk);
      break;
    }
    case 'long-string': {
      const n = pickOf(strings, m.pick);
      if (n) req.body = setAt(req.body, n.at, 'x'.repeat(10_000));
      else queryAt('x'.repeat(10_000));
      break;
    }
    case 'huge-number':
    case 'negative-number': {
      const junk = m.kind === 'huge-number' ? (typeof m.junk === 'number' && Math.abs(m.junk) > 1e9 ? m.junk : 1e308) : -1 - (m.pick % 3_000_000_000);
      const n = pickOf(numbers, m.pick) ?? pickOf(members, m.pick);
      if (n) req.body = setAt(req.body, n.at, junk);
      else queryAt(String(junk));
      break;
    }
    case 'extra-property': {
      const n = pickOf(objects, m.pick);
      if (n) (n.value as Record<string, unknown>)[`fuzz_${m.pick % 1000}`] = m.junk;
      else req.query.push([`fuzz_${m.pick % 1000}`, String(m.junk)]);
      break;
    }
    case 'missing-property': {
      const n = pickOf(members, m.pick);
      if (n) req.body = deleteAt(req.body, n.at);
      else req.query.splice(m.pick % Math.max(1, req.query.length), 1);
      break;
    }
    case 'malformed-json': {
      const text = JSON.stringify(req.body ?? { a: 1 });
      req.rawBody = text.slice(0, Math.max(1, m.pick % text.length)) + (m.pick % 2 === 0 ? '' : '}{,');
      req.contentType = 'application/json';
      break;
    }
    case 'wrong-content-type':
      req.rawBody = m.pick % 2 === 0 ? '<order><id>1</id></order>' : 'plain text';
      req.contentType = m.pick % 2 === 0 ? 'application/xml' : 'text/plain';
      break;
    case 'query-nul':
      queryAt('%00'.replace('%00', '\u0000'));
      break;
    case 'query-huge':
      queryAt(m.pick % 2 === 0 ? '1e308' : '-99999999999999999999');
      break;
    case 'path-long':
      req.path = req.path.replace(/\/[^/]+$/, `/${m.pick % 2 === 0 ? 'x'.repeat(5000) : '%00'}`);
      break;
  }
  return req;
}

/**
 * JSON paths as Pact writes them in matching rules (`$.lines[*].sku`, `$['odd key']`) and as problems name fields
 * (`$.lines[0].unitPrice.amount`).
 */

export type PathSegment = string | number;

export type RuleToken = { kind: 'field'; name: string } | { kind: 'index'; index: number } | { kind: 'star' };

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `$.a[0].b`, quoting keys that are not identifiers: `$['content-type']`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '$';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (IDENTIFIER.test(s)) out += `.${s}`;
    else out += `['${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
  }
  return out;
}

/** Parses a Pact matching-rule path; undefined when it is not one (such a rule is ignored). */
export function parseRulePath(path: string): RuleToken[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const tokens: RuleToken[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      let j = i + 1;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
      const name = path.slice(i + 1, j);
      if (name === '') return undefined;
      tokens.push(name === '*' ? { kind: 'star' } : { kind: 'field', name });
      i = j;
    } else if (c === '[') {
      const quote = path[i + 1];
      if (quote === "'" || quote === '"') {
        let j = i + 2;
        let name = '';
        while (j < path.length && path[j] !== quote) {
          if (path[j] === '\\' && j + 1 < path.length) j++;
          name += path[j];
          j++;
        }
        if (path[j + 1] !== ']') return undefined;
        tokens.push({ kind: 'field', name });
        i = j + 2;
      } else {
        const j = path.indexOf(']', i);
        if (j === -1) return undefined;
        const inner = path.slice(i + 1, j).trim();
        if (inner === '*') tokens.push({ kind: 'star' });
        else if (/^\d+$/.test(inner)) tokens.push({ kind: 'index', index: Number(inner) });
        else return undefined;
        i = j + 1;
      }
    } else {
      return undefined;
    }
  }
  return tokens;
}

/**
 * How well a rule path names `segments` or one of its ancestors: 0 when it does not, else a weight that prefers
 * exact names over wildcards (as Pact does).
 */
export function ruleWeight(tokens: readonly RuleToken[], segments: readonly PathSegment[]): number {
  if (tokens.length > segments.length) return 0;
  let weight = 1;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as RuleToken;
    const s = segments[i] as PathSegment;
    if (t.kind === 'star') weight *= 1;
    else if (t.kind === 'field' && typeof s === 'string' && s === t.name) weight *= 2;
    else if (t.kind === 'index' && typeof s === 'number' && s === t.index) weight *= 2;
    else return 0;
  }
  return weight;
}

/** The segments of an ajv `instancePath` (a JSON pointer) into `data`: array positions become numbers. */
export function pointerSegments(data: unknown, pointer: string): PathSegment[] {
  if (pointer === '') return [];
  const out: PathSegment[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(token)) {
      out.push(Number(token));
      node = node[Number(token)];
    } else {
      out.push(token);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[token] : undefined;
    }
  }
  return out;
}

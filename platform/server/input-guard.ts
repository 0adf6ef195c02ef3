/**
 * Input every operation refuses before any handler sees it. PostgreSQL text cannot hold U+0000 ("invalid byte
 * sequence for encoding UTF8: 0x00"), so a NUL that reaches a query is a 500; refusing it once at the edge keeps
 * that true for every operation, present and future. Headers need no check here: Node's HTTP parser already
 * refuses a NUL in a header (the app's clientErrorHandler answers 400).
 */

/** The problem's `errors[]` entry for one refused value. */
export interface InputError {
  pointer: string;
  message: string;
}

export const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';

/** JSON escapes are case-insensitive in their hex digits, but all four of these are digits. */
const JSON_NUL_ESCAPE = '\\u0000';

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Where the first NUL of a parsed JSON body is (in a string value or a property name), as a JSON pointer; or
 * undefined. `raw` is the body text: a parsed string can only hold a NUL written as the escape `\u0000`, so the
 * walk runs only when the text contains one (a false hit, `\\u0000`, just costs the walk).
 */
export function nulInJson(raw: string, value: unknown): InputError | undefined {
  if (!raw.includes(JSON_NUL_ESCAPE)) return undefined;
  // Iterative, like the depth check, so a hostile body cannot overflow the stack.
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0) {
    const [node, at] = stack.pop()!;
    if (typeof node === 'string') {
      if (node.includes('\0')) return { pointer: at || '/', message: NUL_MESSAGE };
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    for (const [key, child] of Object.entries(node)) {
      const here = `${at}/${escapePointer(key)}`;
      if (key.includes('\0')) return { pointer: here, message: 'property names ' + NUL_MESSAGE };
      stack.push([child, here]);
    }
  }
  return undefined;
}

/** The first form field (`application/x-www-form-urlencoded`) holding a NUL, as `/<name>`; or undefined. */
export function nulInForm(fields: Record<string, string>): InputError | undefined {
  for (const [name, value] of Object.entries(fields)) {
    if (name.includes('\0') || value.includes('\0')) return { pointer: `/${escapePointer(name)}`, message: NUL_MESSAGE };
  }
  return undefined;
}

/**
 * A NUL in the request target, `%00` once decoded, as `#/path/<param>` or `#/query/<name>` (the pointers request
 * validation uses); or undefined. The cheap test on the raw URL runs on every request; the rest only on a hit.
 */
export function nulInUrl(url: string, params: unknown): InputError | undefined {
  if (!url.includes('%00')) return undefined;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (path.includes('%00')) {
    const named = Object.entries((params ?? {}) as Record<string, unknown>).find(([, v]) => typeof v === 'string' && v.includes('\0'));
    return { pointer: named ? `#/path/${named[0]}` : '#/path', message: NUL_MESSAGE };
  }
  for (const [name, value] of new URLSearchParams(url.slice(q + 1))) {
    if (name.includes('\0') || value.includes('\0')) return { pointer: `#/query/${name.replace(/\0/g, '\\u0000')}`, message: NUL_MESSAGE };
  }
  // `%00` that decodes to no NUL (e.g. `%2500`): nothing to refuse.
  return undefined;
}

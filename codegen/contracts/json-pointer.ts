/** RFC 6901 JSON pointers. */

export const escapeToken = (token: string | number): string =>
  String(token).replace(/~/g, '~0').replace(/\//g, '~1');

export const unescapeToken = (token: string): string => token.replace(/~1/g, '/').replace(/~0/g, '~');

export const joinPointer = (base: string, ...tokens: Array<string | number>): string =>
  base + tokens.map((t) => `/${escapeToken(t)}`).join('');

export const splitPointer = (pointer: string): string[] =>
  pointer === '' || pointer === '/' ? [] : pointer.replace(/^\//, '').split('/').map(unescapeToken);

/** The value at `pointer`, or `undefined` when any step is missing. */
export function getAtPointer(doc: unknown, pointer: string): unknown {
  let node: unknown = doc;
  for (const token of splitPointer(pointer)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

/**
 * Keyset pages for the system APIs' list operations. The cursor is opaque to clients (base64url JSON of the list's
 * name and the last key) so a cursor from one list is refused by another, and its contents can change freely.
 */

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

export type PageKey = string | number;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function encodeCursor(list: string, key: PageKey): string {
  return Buffer.from(JSON.stringify([list, key])).toString('base64url');
}

/** The key a cursor of `list` carries, or undefined when it is not one this list issued. */
export function decodeCursor(list: string, cursor: string): PageKey | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || parsed[0] !== list) return undefined;
  const key: unknown = parsed[1];
  if (typeof key === 'number' && Number.isSafeInteger(key)) return key;
  if (typeof key === 'string' && key.length > 0 && key.length <= 200) return key;
  return undefined;
}

/** The page size a request asks for, within the contract's bounds (the gateway has validated it already). */
export const limitOf = (limit: number | undefined): number => Math.min(Math.max(limit ?? DEFAULT_LIMIT, 1), MAX_LIMIT);

/**
 * Rows are fetched with `LIMIT limit + 1`: the extra row only says that another page exists; the cursor points at
 * the last row shown.
 */
export function nextCursor<R>(list: string, rows: readonly R[], limit: number, keyOf: (r: R) => PageKey): string | null {
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return last === undefined ? null : encodeCursor(list, keyOf(last));
}

/**
 * The key a request's cursor carries: undefined without a cursor, null when the cursor is not one this list
 * issued (the handler answers 400).
 */
export function cursorKey(list: string, cursor: string | undefined, kind: 'number'): number | undefined | null;
export function cursorKey(list: string, cursor: string | undefined, kind: 'string'): string | undefined | null;
export function cursorKey(list: string, cursor: string | undefined, kind: 'number' | 'string'): PageKey | undefined | null {
  if (cursor === undefined) return undefined;
  const key = decodeCursor(list, cursor);
  return typeof key === kind ? (key as PageKey) : null;
}

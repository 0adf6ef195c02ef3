import type { Queryable } from '../../platform/db/database';
import type { CallerContext } from '../../platform/http/handler-types';
import type { Page, PageKey } from './pagination';
import { cursorKey, limitOf, nextCursor } from './pagination';
import { badQuery } from './problems';
import { num } from './rows';

interface ListOf<R, T, K extends PageKey> {
  /** The list's name in its cursors, so a cursor from another list is refused. */
  name: string;
  kind: K extends number ? 'number' : 'string';
  /** Reads past the cursor's key (none on the first page), `limit` rows at most. */
  rows(after: K | undefined, limit: number): Promise<readonly R[]>;
  key(row: R): K;
  items(rows: readonly R[]): T[] | Promise<T[]>;
}

/** One keyset list operation, its cursors carrying a number or a string. */
export type KeysetList<R, T> = ListOf<R, T, number> | ListOf<R, T, string>;

/** A list of numbered documents, newest first: its cursors carry the number of the last one shown. */
export function numberedList<R extends { no: number | string }, T>(
  name: string,
  rows: (before: number | undefined, limit: number) => Promise<readonly R[]>,
  items: (rows: readonly R[]) => T[] | Promise<T[]>,
): KeysetList<R, T> {
  return { name, kind: 'number', rows, key: (r) => num(r.no), items };
}

/** A list of numbered documents kept whole in one table, read by `newestFirst`. */
export function tableList<R extends { no: number | string }, T>(
  q: Queryable,
  name: string,
  select: string,
  filters: Readonly<Record<string, string | undefined>>,
  toItem: (row: R) => T,
): KeysetList<R, T> {
  return numberedList(name, (before, limit) => newestFirst<R>(q, select, before, filters, limit), (rows) => rows.map(toItem));
}

/** A list request answered: 400 for a cursor this list never issued, else one page. */
export async function listPage<R, T>(caller: CallerContext, query: { cursor?: string; limit?: number }, list: KeysetList<R, T>) {
  // Typed as a number list only to pick an overload of cursorKey: `kind` says which, and ListOf ties it to the key.
  const l = list as ListOf<R, T, number>;
  const after = cursorKey(l.name, query.cursor, l.kind);
  if (after === null) return badQuery(caller, 'cursor', 'not a cursor this list returned');
  const size = limitOf(query.limit);
  const rows = await l.rows(after, size + 1);
  const page: Page<T> = { items: await l.items(rows.slice(0, size)), nextCursor: nextCursor(l.name, rows, size, l.key) };
  return { status: 200 as const, body: page };
}

/**
 * The rows of `select` (a SELECT … FROM without WHERE) newest first by their number `no`: below `before` when
 * given, equal to each text filter that has a value, `limit` of them.
 */
export async function newestFirst<R>(
  q: Queryable,
  select: string,
  before: number | undefined,
  filters: Readonly<Record<string, string | undefined>>,
  limit: number,
): Promise<R[]> {
  const columns = Object.keys(filters);
  const where = ['($1::bigint IS NULL OR no < $1)', ...columns.map((c, i) => `($${i + 2}::text IS NULL OR ${c} = $${i + 2})`)];
  const { rows } = await q.query<R>(`${select} WHERE ${where.join(' AND ')} ORDER BY no DESC LIMIT $${columns.length + 2}`, [
    before ?? null,
    ...columns.map((c) => filters[c] ?? null),
    limit,
  ]);
  return rows;
}

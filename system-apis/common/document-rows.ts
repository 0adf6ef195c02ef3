import type { Queryable } from '../../platform/db/database';
import { newestFirst } from './listing';
import { num } from './rows';

/** How a document with a natural key is looked up: by its number or by its externalRef. */
export type DocKey = { no: number } | { externalRef: string };

/**
 * The reads of one kind of numbered document over `select` (a SELECT … FROM its header table): header rows, and
 * whole documents made of them by `whole` (which adds lines and other details).
 */
export function documentReads<Row, Doc>(select: string, whole: (q: Queryable, rows: readonly Row[]) => Doc[] | Promise<Doc[]>) {
  /** The header row `by` names; `lock` takes its row lock for the transaction. */
  async function findRow(q: Queryable, by: DocKey, lock = false): Promise<Row | undefined> {
    const [column, value] = 'no' in by ? ['no', by.no] : ['external_ref', by.externalRef];
    const { rows } = await q.query<Row>(`${select} WHERE ${column} = $1${lock ? ' FOR UPDATE' : ''}`, [value]);
    return rows[0];
  }
  return {
    findRow,
    async find(q: Queryable, by: DocKey): Promise<Doc | undefined> {
      const row = await findRow(q, by);
      return row ? (await whole(q, [row]))[0] : undefined;
    },
    /** Header rows newest first, as `newestFirst` reads them. */
    list: (q: Queryable, before: number | undefined, filters: Readonly<Record<string, string | undefined>>, limit: number) =>
      newestFirst<Row>(q, select, before, filters, limit),
  };
}

/** Detail rows (lines, memos) grouped by the number of the document they belong to, in their order. */
export function byDocument<R>(rows: readonly R[], docNoOf: (row: R) => number | string): Map<number, R[]> {
  const by = new Map<number, R[]>();
  for (const r of rows) {
    const no = num(docNoOf(r));
    by.set(no, [...(by.get(no) ?? []), r]);
  }
  return by;
}

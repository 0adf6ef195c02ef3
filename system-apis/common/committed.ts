import type { Database, Queryable } from '../../platform/db/database';
import type { CallerContext } from '../../platform/http/handler-types';

interface Response {
  status: number;
  body: unknown;
  headers?: Readonly<Record<string, string>>;
}

/**
 * Runs a state change in one transaction together with storing its response under the request's Idempotency-Key
 * (when it has one), so a crash between the two can never make a retry record the document twice. For the
 * documents without a natural key (store sales, adjustments, movements, receipts, counts, in-store returns).
 */
export function committed<R extends Response>(db: Database, caller: CallerContext, change: (tx: Queryable) => Promise<R>): Promise<R> {
  return db.transaction(async (tx) => {
    const response = await change(tx);
    await caller.idempotency?.commitResponse(tx, response);
    return response;
  });
}

/** One document without a natural key: an INSERT … RETURNING its row, and how the row is answered. */
export interface DocumentInsert<Row, Body, S extends number> {
  /** How an error names it: "stock count". */
  what: string;
  sql: string;
  params: readonly unknown[];
  status: S;
  toBody(row: Row): Body;
}

/** Records the document and answers it, `committed` with the response. */
export function insertCommitted<Row, Body, S extends number>(db: Database, caller: CallerContext, insert: DocumentInsert<Row, Body, S>) {
  return committed(db, caller, async (tx) => {
    const { rows } = await tx.query<Row>(insert.sql, insert.params);
    const row = rows[0];
    if (!row) throw new Error(`${insert.what} insert returned no row`);
    return { status: insert.status, body: insert.toBody(row) };
  });
}

import type { ErpV1Handlers } from '../../generated/handlers/system/erp.v1';
import type { components } from '../../generated/types/system/erp.v1';
import type { Queryable } from '../../platform/db/database';
import type { CallerContext } from '../../platform/http/handler-types';
import type { SystemDeps } from '../common/deps';
import { docNo, formatDocId } from '../common/document-ids';
import { documentReads } from '../common/document-rows';
import { answerCreate, getDocument } from '../common/documents';
import { listPage, tableList } from '../common/listing';
import { money } from '../common/money';
import { conflict, unprocessable } from '../common/problems';
import { iso, json, num, opt } from '../common/rows';
import { checkCreditMemoAmounts, checkCreditMemoLines } from './credit-memo-checks';
import { SO, findSalesOrderRow, salesOrderLines } from './sales-order-store';

type CreditMemo = components['schemas']['CreditMemo'];
type CreateCreditMemoRequest = components['schemas']['CreateCreditMemoRequest'];

const CM = 'CM';

interface CreditMemoRow {
  no: number | string;
  external_ref: string;
  sales_order_no: number | string;
  order_external_ref: string;
  reason: string | null;
  currency: string;
  amount: number | string;
  tax_reversed: number | string;
  lines: CreditMemo['lines'];
  allocations: CreditMemo['allocations'];
  posted_at: Date | string;
}

const COLUMNS = 'no, external_ref, sales_order_no, order_external_ref, reason, currency, amount, tax_reversed, lines, allocations, posted_at';
const SELECT = `SELECT ${COLUMNS} FROM erp.credit_memos`;

const toCreditMemo = (r: CreditMemoRow): CreditMemo => ({
  id: formatDocId(CM, num(r.no)),
  externalRef: r.external_ref,
  salesOrderId: formatDocId(SO, num(r.sales_order_no)),
  orderExternalRef: r.order_external_ref,
  ...opt('reason', r.reason),
  amount: money(r.currency, num(r.amount)),
  taxReversed: money(r.currency, num(r.tax_reversed)),
  lines: r.lines,
  allocations: r.allocations,
  postedAt: iso(r.posted_at),
});

const creditMemos = documentReads<CreditMemoRow, CreditMemo>(SELECT, (_q, rows) => rows.map(toCreditMemo));
const findCreditMemo = creditMemos.find;

/**
 * Posts the credit memo against its sales order, holding the sales order's row lock so two refunds of one order
 * can never credit more than its total together. 'exists' means a memo with this externalRef won.
 */
async function post(tx: Queryable, body: CreateCreditMemoRequest, postedAt: Date, caller: CallerContext) {
  const byId = body.salesOrderId === undefined ? undefined : docNo(SO, body.salesOrderId);
  const so =
    body.salesOrderId === undefined
      ? await findSalesOrderRow(tx, { externalRef: body.orderExternalRef }, true)
      : byId === undefined
        ? undefined
        : await findSalesOrderRow(tx, { no: byId }, true);
  if (!so) {
    const [pointer, value] = body.salesOrderId === undefined ? ['/orderExternalRef', body.orderExternalRef] : ['/salesOrderId', body.salesOrderId];
    return { outcome: 'problem' as const, problem: unprocessable(caller, 'validation', `No sales order for ${value}.`, [{ pointer, message: 'no such sales order' }]) };
  }
  const salesOrderId = formatDocId(SO, num(so.no));
  if (so.external_ref !== body.orderExternalRef) {
    return {
      outcome: 'problem' as const,
      problem: unprocessable(caller, 'validation', `${salesOrderId} was posted for ${so.external_ref}, not ${body.orderExternalRef}.`, [
        { pointer: '/orderExternalRef', message: `${salesOrderId} belongs to ${so.external_ref}` },
      ]),
    };
  }
  // Holding the lock, a concurrent post of this same memo has committed or not started: look again.
  if (await findCreditMemo(tx, { externalRef: body.externalRef })) return { outcome: 'exists' as const };
  if (so.status === 'cancelled') return { outcome: 'problem' as const, problem: conflict(caller, `${salesOrderId} is cancelled; there is nothing to credit.`) };
  if (body.amount.currency !== so.currency) {
    return {
      outcome: 'problem' as const,
      problem: unprocessable(caller, 'validation', `${salesOrderId} is in ${so.currency}.`, [
        { pointer: '/amount/currency', message: `must be ${so.currency}, the sales order currency` },
      ]),
    };
  }
  const lines = (await salesOrderLines(tx, [num(so.no)])).get(num(so.no)) ?? [];
  const badLine = checkCreditMemoLines(body, salesOrderId, lines, caller);
  if (badLine) return { outcome: 'problem' as const, problem: badLine };
  const left = num(so.total) - num(so.credited_total);
  if (body.amount.amount > left) {
    return { outcome: 'problem' as const, problem: conflict(caller, `${salesOrderId} has ${left} ${so.currency} minor units left to credit; ${body.amount.amount} requested.`) };
  }
  const { rows } = await tx.query<{ no: number | string }>(
    `INSERT INTO erp.credit_memos (external_ref, sales_order_no, order_external_ref, reason, currency, amount, tax_reversed, lines, allocations, posted_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10)
     ON CONFLICT (external_ref) DO NOTHING RETURNING no`,
    [
      body.externalRef,
      so.no,
      body.orderExternalRef,
      body.reason ?? null,
      body.amount.currency,
      body.amount.amount,
      body.taxReversed.amount,
      json(body.lines),
      json(body.allocations),
      postedAt,
    ],
  );
  if (rows.length === 0) return { outcome: 'exists' as const };
  await tx.query(
    `UPDATE erp.sales_orders SET credited_total = credited_total + $2, updated_at = $3,
       status = CASE WHEN credited_total + $2 >= total THEN 'credited' ELSE status END
     WHERE no = $1`,
    [so.no, body.amount.amount, postedAt],
  );
  return { outcome: 'created' as const };
}

export function creditMemoHandlers({ db, now }: SystemDeps): Pick<ErpV1Handlers, 'listCreditMemos' | 'createCreditMemo' | 'getCreditMemo'> {
  return {
    listCreditMemos: (req, caller) => {
      const { externalRef, orderExternalRef } = req.query;
      return listPage(caller, req.query, tableList(db, 'credit-memos', SELECT, { external_ref: externalRef, order_external_ref: orderExternalRef }, toCreditMemo));
    },

    async createCreditMemo(req, caller) {
      const { externalRef } = req.body;
      const existing = await findCreditMemo(db, { externalRef });
      if (existing) return { status: 200, body: existing };
      const invalid = checkCreditMemoAmounts(req.body, caller);
      if (invalid) return invalid;
      const result = await db.transaction((tx) => post(tx, req.body, now(), caller));
      if (result.outcome === 'problem') return result.problem;
      return answerCreate(
        result.outcome === 'created',
        () => findCreditMemo(db, { externalRef }),
        `credit memo ${externalRef}`,
        (memo) => `/system/erp/v1/credit-memos/${memo.id}`,
      );
    },

    getCreditMemo: (req, caller) =>
      getDocument(caller, { prefix: CM, what: 'credit memo', find: (no) => findCreditMemo(db, { no }) }, req.params.creditMemoId),
  };
}

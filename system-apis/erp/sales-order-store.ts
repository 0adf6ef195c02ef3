import type { components } from '../../generated/types/system/erp.v1';
import type { Queryable } from '../../platform/db/database';
import { formatDocId } from '../common/document-ids';
import { byDocument, documentReads } from '../common/document-rows';
import { money } from '../common/money';
import { iso, isoOrUndefined, json, num, opt } from '../common/rows';

type SalesOrder = components['schemas']['SalesOrder'];
type SalesOrderStatus = components['schemas']['SalesOrderStatus'];
type Customer = components['schemas']['Customer'];
type Address = components['schemas']['Address'];
type Tender = components['schemas']['Tender'];
type Channel = components['schemas']['Channel'];

export const SO = 'SO';

export interface SalesOrderRow {
  no: number | string;
  external_ref: string;
  channel: Channel;
  channel_order_id: string | null;
  currency: string;
  customer: Customer;
  shipping_address: Address | null;
  tenders: Tender[];
  subtotal: number | string;
  discount: number | string;
  shipping: number | string;
  tax_total: number | string;
  total: number | string;
  credited_total: number | string;
  status: SalesOrderStatus;
  cancel_reason: string | null;
  received_at: Date | string;
  updated_at: Date | string;
  cancelled_at: Date | string | null;
}

export interface SalesOrderLineRow {
  sales_order_no: number | string;
  line_no: number;
  order_line_id: string | null;
  sku: string;
  quantity: number;
  unit_price: number | string;
  tax: number | string;
}

const HEADER = `no, external_ref, channel, channel_order_id, currency, customer, shipping_address, tenders, subtotal, discount,
  shipping, tax_total, total, credited_total, status, cancel_reason, received_at, updated_at, cancelled_at`;

/** A sales order as ERP received it, priced, before it has a number. */
export interface NewSalesOrder {
  externalRef: string;
  channel: Channel;
  channelOrderId?: string;
  currency: string;
  customer: Customer;
  shippingAddress?: Address;
  tenders: Tender[];
  subtotal: number;
  discount: number;
  shipping: number;
  taxTotal: number;
  total: number;
  lines: Array<{ lineNo: number; orderLineId?: string; sku: string; quantity: number; unitPrice: number; tax: number }>;
  receivedAt: Date;
}

function toSalesOrder(r: SalesOrderRow, lines: readonly SalesOrderLineRow[], creditMemoIds: readonly string[]): SalesOrder {
  const m = (amount: number | string) => money(r.currency, num(amount));
  return {
    id: formatDocId(SO, num(r.no)),
    externalRef: r.external_ref,
    channel: r.channel,
    ...opt('channelOrderId', r.channel_order_id),
    currency: r.currency,
    customer: r.customer,
    ...opt('shippingAddress', r.shipping_address),
    lines: lines.map((l) => ({
      lineNo: l.line_no,
      ...opt('orderLineId', l.order_line_id),
      sku: l.sku,
      quantity: l.quantity,
      unitPrice: m(l.unit_price),
      tax: m(l.tax),
    })),
    tenders: r.tenders,
    subtotal: m(r.subtotal),
    discount: m(r.discount),
    shipping: m(r.shipping),
    taxTotal: m(r.tax_total),
    total: m(r.total),
    creditedTotal: m(r.credited_total),
    status: r.status,
    ...opt('cancelReason', r.cancel_reason),
    creditMemoIds: [...creditMemoIds],
    receivedAt: iso(r.received_at),
    updatedAt: iso(r.updated_at),
    ...opt('cancelledAt', isoOrUndefined(r.cancelled_at)),
  };
}

export async function salesOrderLines(q: Queryable, nos: readonly number[]): Promise<Map<number, SalesOrderLineRow[]>> {
  const { rows } = await q.query<SalesOrderLineRow>(
    `SELECT sales_order_no, line_no, order_line_id, sku, quantity, unit_price, tax FROM erp.sales_order_lines
      WHERE sales_order_no = ANY($1::bigint[]) ORDER BY sales_order_no, line_no`,
    [nos],
  );
  return byDocument(rows, (l) => l.sales_order_no);
}

/** Whole documents for header rows: their lines and the credit memos posted against them, in two queries. */
export async function withDetails(q: Queryable, rows: readonly SalesOrderRow[]): Promise<SalesOrder[]> {
  if (rows.length === 0) return [];
  const nos = rows.map((r) => num(r.no));
  const lines = await salesOrderLines(q, nos);
  const { rows: memos } = await q.query<{ no: number | string; sales_order_no: number | string }>(
    'SELECT no, sales_order_no FROM erp.credit_memos WHERE sales_order_no = ANY($1::bigint[]) ORDER BY no',
    [nos],
  );
  const memosBy = byDocument(memos, (m) => m.sales_order_no);
  const memoIds = (no: number) => (memosBy.get(no) ?? []).map((m) => formatDocId('CM', num(m.no)));
  return rows.map((r) => toSalesOrder(r, lines.get(num(r.no)) ?? [], memoIds(num(r.no))));
}

const salesOrders = documentReads<SalesOrderRow, SalesOrder>(`SELECT ${HEADER} FROM erp.sales_orders`, withDetails);

export const findSalesOrderRow = salesOrders.findRow;
export const findSalesOrder = salesOrders.find;

export const listSalesOrderRows = (q: Queryable, before: number | undefined, f: { externalRef?: string; status?: SalesOrderStatus }, limit: number) =>
  salesOrders.list(q, before, { external_ref: f.externalRef, status: f.status }, limit);

/**
 * Inserts the sales order unless one with its externalRef exists, and returns its number; undefined when it
 * existed. A concurrent insert of the same externalRef waits for the first to commit and then finds it: the
 * UNIQUE constraint, not a prior read, is what keeps it to one.
 */
export async function insertSalesOrder(tx: Queryable, so: NewSalesOrder): Promise<number | undefined> {
  const { rows } = await tx.query<{ no: number | string }>(
    `INSERT INTO erp.sales_orders (external_ref, channel, channel_order_id, currency, customer, shipping_address, tenders,
       subtotal, discount, shipping, tax_total, total, status, received_at, updated_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8, $9, $10, $11, $12, 'open', $13, $13)
     ON CONFLICT (external_ref) DO NOTHING RETURNING no`,
    [
      so.externalRef,
      so.channel,
      so.channelOrderId ?? null,
      so.currency,
      json(so.customer),
      so.shippingAddress === undefined ? null : json(so.shippingAddress),
      json(so.tenders),
      so.subtotal,
      so.discount,
      so.shipping,
      so.taxTotal,
      so.total,
      so.receivedAt,
    ],
  );
  const inserted = rows[0];
  if (!inserted) return undefined;
  const no = num(inserted.no);
  await tx.query(
    `INSERT INTO erp.sales_order_lines (sales_order_no, line_no, order_line_id, sku, quantity, unit_price, tax)
     SELECT $1::bigint, * FROM unnest($2::integer[], $3::text[], $4::text[], $5::integer[], $6::bigint[], $7::bigint[])`,
    [
      no,
      so.lines.map((l) => l.lineNo),
      so.lines.map((l) => l.orderLineId ?? null),
      so.lines.map((l) => l.sku),
      so.lines.map((l) => l.quantity),
      so.lines.map((l) => l.unitPrice),
      so.lines.map((l) => l.tax),
    ],
  );
  return no;
}

/** Moves an `open` sales order to `status`; false when it was not open. */
export async function transitionOpen(
  q: Queryable,
  no: number,
  to: 'cancelled' | 'invoiced',
  at: Date,
  cancelReason?: string,
): Promise<boolean> {
  const { rows } = await q.query(
    `UPDATE erp.sales_orders SET status = $2, updated_at = $3,
       cancel_reason = CASE WHEN $2 = 'cancelled' THEN $4 ELSE cancel_reason END,
       cancelled_at = CASE WHEN $2 = 'cancelled' THEN $3 ELSE cancelled_at END
     WHERE no = $1 AND status = 'open' RETURNING no`,
    [no, to, at, cancelReason ?? null],
  );
  return rows.length > 0;
}

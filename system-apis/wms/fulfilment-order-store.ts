import type { components } from '../../generated/types/system/wms.v1';
import type { Queryable } from '../../platform/db/database';
import { formatDocId } from '../common/document-ids';
import { byDocument, documentReads } from '../common/document-rows';
import { iso, isoOrUndefined, json, num, opt } from '../common/rows';

type FulfilmentOrder = components['schemas']['FulfilmentOrder'];
export type FulfilmentOrderStatus = components['schemas']['FulfilmentOrderStatus'];
type Address = components['schemas']['Address'];

export const FO = 'FO';

export interface FulfilmentOrderRow {
  no: number | string;
  external_ref: string;
  order_id: string;
  fulfilment_group_id: string;
  node_id: string;
  ship_to: Address;
  status: FulfilmentOrderStatus;
  cancel_reason: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  released_at: Date | string | null;
  cancelled_at: Date | string | null;
}

export interface FulfilmentOrderLineRow {
  fulfilment_order_no: number | string;
  line_id: string;
  sku: string;
  quantity: number;
  shipped_quantity: number;
}

const HEADER = 'no, external_ref, order_id, fulfilment_group_id, node_id, ship_to, status, cancel_reason, created_at, updated_at, released_at, cancelled_at';

export interface NewFulfilmentOrder {
  externalRef: string;
  orderId: string;
  fulfilmentGroupId: string;
  nodeId: string;
  shipTo: Address;
  lines: ReadonlyArray<{ lineId: string; sku: string; quantity: number }>;
  createdAt: Date;
}

const toFulfilmentOrder = (r: FulfilmentOrderRow, lines: readonly FulfilmentOrderLineRow[]): FulfilmentOrder => ({
  id: formatDocId(FO, num(r.no)),
  externalRef: r.external_ref,
  orderId: r.order_id,
  fulfilmentGroupId: r.fulfilment_group_id,
  nodeId: r.node_id,
  lines: lines.map((l) => ({ lineId: l.line_id, sku: l.sku, quantity: l.quantity, shippedQuantity: l.shipped_quantity })),
  shipTo: r.ship_to,
  status: r.status,
  ...opt('cancelReason', r.cancel_reason),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
  ...opt('releasedAt', isoOrUndefined(r.released_at)),
  ...opt('cancelledAt', isoOrUndefined(r.cancelled_at)),
});

export async function fulfilmentOrderLines(q: Queryable, nos: readonly number[]): Promise<Map<number, FulfilmentOrderLineRow[]>> {
  const { rows } = await q.query<FulfilmentOrderLineRow>(
    `SELECT fulfilment_order_no, line_id, sku, quantity, shipped_quantity FROM wms.fulfilment_order_lines
      WHERE fulfilment_order_no = ANY($1::bigint[]) ORDER BY fulfilment_order_no, position`,
    [nos],
  );
  return byDocument(rows, (l) => l.fulfilment_order_no);
}

export async function withLines(q: Queryable, rows: readonly FulfilmentOrderRow[]): Promise<FulfilmentOrder[]> {
  if (rows.length === 0) return [];
  const lines = await fulfilmentOrderLines(q, rows.map((r) => num(r.no)));
  return rows.map((r) => toFulfilmentOrder(r, lines.get(num(r.no)) ?? []));
}

const fulfilmentOrders = documentReads<FulfilmentOrderRow, FulfilmentOrder>(`SELECT ${HEADER} FROM wms.fulfilment_orders`, withLines);

export const findFulfilmentOrderRow = fulfilmentOrders.findRow;
export const findFulfilmentOrder = fulfilmentOrders.find;

export const listFulfilmentOrderRows = (
  q: Queryable,
  before: number | undefined,
  f: { externalRef?: string; status?: FulfilmentOrderStatus },
  limit: number,
) => fulfilmentOrders.list(q, before, { external_ref: f.externalRef, status: f.status }, limit);

/** Inserts the fulfilment order unless its externalRef exists (UNIQUE, so concurrent creates make one); its number, or undefined. */
export async function insertFulfilmentOrder(tx: Queryable, fo: NewFulfilmentOrder): Promise<number | undefined> {
  const { rows } = await tx.query<{ no: number | string }>(
    `INSERT INTO wms.fulfilment_orders (external_ref, order_id, fulfilment_group_id, node_id, ship_to, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, 'created', $6, $6)
     ON CONFLICT (external_ref) DO NOTHING RETURNING no`,
    [fo.externalRef, fo.orderId, fo.fulfilmentGroupId, fo.nodeId, json(fo.shipTo), fo.createdAt],
  );
  const inserted = rows[0];
  if (!inserted) return undefined;
  const no = num(inserted.no);
  await tx.query(
    `INSERT INTO wms.fulfilment_order_lines (fulfilment_order_no, position, line_id, sku, quantity)
     SELECT $1::bigint, * FROM unnest($2::integer[], $3::text[], $4::text[], $5::integer[])`,
    [no, fo.lines.map((_, i) => i + 1), fo.lines.map((l) => l.lineId), fo.lines.map((l) => l.sku), fo.lines.map((l) => l.quantity)],
  );
  return no;
}

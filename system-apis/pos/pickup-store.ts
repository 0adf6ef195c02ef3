import type { components } from '../../generated/types/system/pos.v1';
import type { Queryable } from '../../platform/db/database';
import { formatDocId } from '../common/document-ids';
import { documentReads } from '../common/document-rows';
import { iso, isoOrUndefined, json, num, opt } from '../common/rows';

type Pickup = components['schemas']['Pickup'];
export type PickupStatus = components['schemas']['PickupStatus'];

export const PU = 'PU';

interface PickupRow {
  no: number | string;
  external_ref: string;
  order_id: string;
  fulfilment_group_id: string;
  store_id: string;
  lines: Pickup['lines'];
  customer: Pickup['customer'];
  status: PickupStatus;
  pickup_code: string;
  cancel_reason: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  ready_at: Date | string | null;
  collected_at: Date | string | null;
  cancelled_at: Date | string | null;
}

const COLUMNS = `no, external_ref, order_id, fulfilment_group_id, store_id, lines, customer, status, pickup_code, cancel_reason,
  created_at, updated_at, ready_at, collected_at, cancelled_at`;

export const toPickup = (r: PickupRow): Pickup => ({
  id: formatDocId(PU, num(r.no)),
  externalRef: r.external_ref,
  orderId: r.order_id,
  fulfilmentGroupId: r.fulfilment_group_id,
  storeId: r.store_id,
  lines: r.lines,
  customer: r.customer,
  status: r.status,
  pickupCode: r.pickup_code,
  ...opt('cancelReason', r.cancel_reason),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
  ...opt('readyAt', isoOrUndefined(r.ready_at)),
  ...opt('collectedAt', isoOrUndefined(r.collected_at)),
  ...opt('cancelledAt', isoOrUndefined(r.cancelled_at)),
});

const pickups = documentReads<PickupRow, Pickup>(`SELECT ${COLUMNS} FROM pos.pickups`, (_q, rows) => rows.map(toPickup));

export const findPickup = pickups.find;

export const listPickupRows = (q: Queryable, before: number | undefined, f: { externalRef?: string; storeId?: string; status?: PickupStatus }, limit: number) =>
  pickups.list(q, before, { external_ref: f.externalRef, store_id: f.storeId, status: f.status }, limit);

export interface NewPickup {
  externalRef: string;
  orderId: string;
  fulfilmentGroupId: string;
  storeId: string;
  lines: Pickup['lines'];
  customer: Pickup['customer'];
  pickupCode: string;
  createdAt: Date;
}

/** Inserts the pickup unless its externalRef exists (UNIQUE, so concurrent creates make one); true when inserted. */
export async function insertPickup(q: Queryable, p: NewPickup): Promise<boolean> {
  const { rows } = await q.query(
    `INSERT INTO pos.pickups (external_ref, order_id, fulfilment_group_id, store_id, lines, customer, status, pickup_code, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, 'pending', $7, $8, $8)
     ON CONFLICT (external_ref) DO NOTHING RETURNING no`,
    [p.externalRef, p.orderId, p.fulfilmentGroupId, p.storeId, json(p.lines), json(p.customer), p.pickupCode, p.createdAt],
  );
  return rows.length > 0;
}

const SET_TIME: Record<'ready' | 'collected' | 'cancelled', string> = {
  ready: 'ready_at = $3',
  collected: 'collected_at = $3',
  cancelled: 'cancelled_at = $3, cancel_reason = $4',
};

/** Moves the pickup to `to` if it is in one of `from`; the state rules live with the caller. */
export async function transition(
  q: Queryable,
  no: number,
  from: readonly PickupStatus[],
  to: 'ready' | 'collected' | 'cancelled',
  at: Date,
  reason?: string,
): Promise<void> {
  await q.query(
    `UPDATE pos.pickups SET status = '${to}', updated_at = $3, ${SET_TIME[to]} WHERE no = $1 AND status = ANY($2::text[])`,
    to === 'cancelled' ? [no, from, at, reason ?? null] : [no, from, at],
  );
}

import type { Database, Queryable } from '../../platform/db/database';
import type { components } from '../../generated/types/platform/admin.v1';
import { DEMO_STOCK_ROWS } from '../../process-apis/availability/seed';
import { demoStock } from '../../system-apis/demo-data';

export type SandboxResetResult = components['schemas']['SandboxResetResult'];

/** Whose data a reset removes: one partner's, or every partner's. */
export type SandboxResetScope = { partnerId: string } | { all: true };

const count = async (tx: Queryable, sql: string, params: readonly unknown[]): Promise<number> =>
  (await tx.query(`WITH gone AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM gone`, params)).rows.map((r) => Number(r.n))[0] ?? 0;

/**
 * Removes a partner's (or every partner's) orders, reservations, returns and idempotency keys, then restores the
 * demo stock positions to their seed values: one transaction, so a failure leaves everything as it was.
 * Stock is shared across partners, so the restore resets it for all of them; `reserved` is recomputed from the
 * reservations that remain (other partners' active ones). The sandbox ERP, WMS and POS documents stay: they are the
 * systems' own history, and a new order gets a new id.
 */
export function sandboxReset(db: Database, scope: SandboxResetScope): Promise<SandboxResetResult> {
  // $1 NULL means every partner.
  const p = ['partnerId' in scope ? scope.partnerId : null];
  return db.transaction(async (tx) => {
    const ownOrders = `SELECT id FROM orders.orders WHERE $1::text IS NULL OR partner_key = $1`;
    const ownReturns = `SELECT id FROM returns.returns WHERE $1::text IS NULL OR partner_key = $1`;
    const reservations = await count(
      tx,
      `DELETE FROM inventory.reservations WHERE $1::text IS NULL OR partner_id = $1 OR order_id IN (${ownOrders})`,
      p,
    );
    await tx.query(`DELETE FROM returns.jobs WHERE return_id IN (${ownReturns})`, p);
    const returns = await count(tx, `DELETE FROM returns.returns WHERE $1::text IS NULL OR partner_key = $1`, p);
    await tx.query(`DELETE FROM orders.sync_jobs WHERE order_id IN (${ownOrders})`, p);
    await tx.query(`DELETE FROM orders.groups WHERE order_id IN (${ownOrders})`, p);
    await tx.query(`DELETE FROM orders.applied_shipments WHERE order_id IN (${ownOrders})`, p);
    const orders = await count(tx, `DELETE FROM orders.orders WHERE $1::text IS NULL OR partner_key = $1`, p);
    const idempotencyKeys = await count(
      tx,
      `DELETE FROM concord.idempotency_keys
        WHERE $1::text IS NULL OR client_id IN (SELECT client_id FROM concord.apps WHERE partner_id = $1)`,
      p,
    );
    // Every position, seeded or not, may have held a removed reservation.
    await tx.query(
      `UPDATE inventory.positions AS pos
          SET reserved = COALESCE((SELECT sum(r.quantity - r.consumed) FROM inventory.reservations r
                                    WHERE r.sku = pos.sku AND r.location_id = pos.location_id AND r.status = 'active'), 0)`,
    );
    const stockPositions = await count(
      tx,
      `UPDATE inventory.positions AS pos
          SET on_hand = x."onHand", safety_stock = x."safetyStock", damaged = 0, quality_control = 0, in_transit = 0,
              updated_at = now()
         FROM ${DEMO_STOCK_ROWS}
        WHERE pos.sku = x.sku AND pos.location_id = x."locationId"`,
      [JSON.stringify(demoStock)],
    );
    return { orders, reservations, returns, idempotencyKeys, stockPositions };
  });
}

import type { CallerContext } from '../../platform/http/handler-types';
import { reservations } from '../availability/reservations';
import type { CreateOrderDeps } from './create-order';
import { ORDERS_SOURCE } from './create-order';
import type { CancelOrderRequest, StoredOrder, System } from './model';
import { notFound, OrderRejection } from './problems';
import { orderRepository } from './repository';
import { retryTransaction } from './retry';

/** The orders a caller may see: a partner its own, an internal caller (no partner) every one. */
export const partnerScope = (caller: CallerContext): string | undefined => caller.partnerId;

/**
 * Cancels an order before pick release, in one transaction: releases its reservations, drops downstream work not
 * started yet, queues a cancellation for every document ERP, WMS or POS already has, and emits `order.cancelled`.
 * Cancelling a cancelled order answers it again. Once a group is released (or anything shipped) it is 409.
 */
export async function cancelOrder(
  deps: Pick<CreateOrderDeps, 'db' | 'appendEvents' | 'now'>,
  orderId: string,
  request: CancelOrderRequest,
  caller: CallerContext,
  respond: (stored: StoredOrder) => { status: number; body: unknown; headers?: Record<string, string> },
): Promise<StoredOrder> {
  return retryTransaction(() =>
    deps.db.transaction(async (tx) => {
      const stored = await orderRepository.get(tx, orderId, partnerScope(caller), { forUpdate: true });
      if (!stored) throw notFound(orderId);
      const { order } = stored;
      if (order.status !== 'cancelled') {
        const released = order.fulfilmentGroups.find((g) => g.status !== 'pending');
        if (released) {
          throw new OrderRejection(409, 'order-not-cancellable', 'Order can no longer be cancelled', `Fulfilment group ${released.id} is ${released.status.replace(/_/g, ' ')}.`);
        }
        const now = deps.now();
        await reservations.releaseForOrder(tx, order.id);
        // Work nobody started is dropped; what a system has (or may be receiving right now) gets a cancellation,
        // which the worker sends only after the create it follows.
        await tx.query(
          `UPDATE orders.sync_jobs SET status = 'skipped', updated_at = $2
            WHERE order_id = $1 AND action = 'create' AND status = 'pending' AND (leased_until IS NULL OR leased_until < $2)`,
          [order.id, now],
        );
        const { rows: reached } = await tx.query<{ system: System; group_id: string | null }>(
          `INSERT INTO orders.sync_jobs (order_id, system, action, group_id, status, next_attempt_at)
           SELECT order_id, system, 'cancel', group_id, 'pending', $2 FROM orders.sync_jobs
            WHERE order_id = $1 AND action = 'create' AND status IN ('pending', 'done')
           RETURNING system, group_id`,
          [order.id, now],
        );
        await tx.query('UPDATE orders.groups SET open = false WHERE order_id = $1', [order.id]);
        const at = now.toISOString();
        const cancelled = order.lines.map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.quantity - l.shippedQuantity - l.cancelledQuantity }));
        for (const l of order.lines) l.cancelledQuantity = l.quantity - l.shippedQuantity;
        for (const g of order.fulfilmentGroups) g.status = 'cancelled';
        for (const system of ['erp', 'wms', 'pos'] as const) {
          const state = order.sync[system];
          if (reached.some((r) => r.system === system)) order.sync[system] = { ...state, status: 'pending' };
          else if (state.status === 'pending') order.sync[system] = { ...state, status: 'not_applicable' };
        }
        order.status = 'cancelled';
        order.updatedAt = at;
        await orderRepository.save(tx, stored);
        await deps.appendEvents(tx, [
          {
            type: 'order.cancelled',
            subject: order.id,
            source: ORDERS_SOURCE,
            data: { orderId: order.id, reason: request.reason, lines: cancelled.filter((l) => l.quantity > 0), cancelledAt: at },
            correlationId: caller.correlationId,
            ...(caller.traceparent ? { traceparent: caller.traceparent } : {}),
            ...(order.partnerId ? { partnerId: order.partnerId } : {}),
          },
        ]);
      }
      await caller.idempotency?.commitResponse(tx, respond(stored));
      return stored;
    }),
  );
}

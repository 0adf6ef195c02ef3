import type { CallerContext } from '../../platform/http/handler-types';
import { newId } from '../../platform/ids';
import { partnerScope } from '../orders/cancel-order';
import { orderRepository } from '../orders/repository';
import { retryTransaction } from '../orders/retry';
import { claimedByLine, refundFor } from './claims';
import type { Respond, ReturnDeps } from './deps';
import { returnEvent } from './events';
import { createReplacement, exchangeValue } from './exchange';
import type { CreateReturnRequest, Return, StoredReturn } from './model';
import { RETURN_WINDOW_DAYS, RETURN_WINDOW_MS } from './policy';
import { notAllowed, orderNotFound, quantityExceeded, ReturnRejection, unknownLocation, windowClosed } from './rejections';
import { returnRepository } from './repository';
import { lastShippedAt } from './shipment-dates';

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Creates a return (RMA) and authorizes it at once when it passes validation against the original order: the
 * line shipped, the quantity is at most shipped less what the order's other open returns hold, and the return
 * window is open. All of it runs under the order's row lock, so two concurrent returns cannot over-return a line.
 * One transaction holds the return, the order's `returnIds`, an exchange's replacement order and its
 * reservations, `return.authorized` and the stored idempotent response.
 */
export async function createReturn(deps: ReturnDeps, body: CreateReturnRequest, caller: CallerContext, respond: Respond): Promise<StoredReturn> {
  if (body.channel === 'pos' && !body.locationId) {
    throw new ReturnRejection(400, 'validation', 'Request validation failed', 'A return started in store (channel pos) names the store in locationId.', [
      { pointer: '/locationId', message: 'required with channel pos' },
    ]);
  }
  if (body.locationId && deps.ref.location(body.locationId)?.type !== 'store') throw unknownLocation(`${body.locationId} is not a store.`, '/locationId');
  const exchangeGross = body.exchange ? exchangeValue(body.exchange.lines, deps.ref) : undefined;

  return retryTransaction(() =>
    deps.db.transaction(async (tx) => {
      const storedOrder = await orderRepository.get(tx, body.orderId, partnerScope(caller), { forUpdate: true });
      if (!storedOrder) throw orderNotFound(body.orderId);
      const { order } = storedOrder;
      if (order.status === 'cancelled') throw notAllowed(`Order ${order.id} is cancelled.`);
      const now = deps.now();
      const others = await returnRepository.forOrder(tx, order.id);
      const held = claimedByLine(others);
      const shippedAt = await lastShippedAt(tx, order.id);
      const asked = new Map<string, number>();

      const lines: Return['lines'] = body.lines.map((l, i) => {
        const ol = order.lines.find((x) => x.lineId === l.orderLineId);
        if (!ol) throw notAllowed(`Order ${order.id} has no line ${l.orderLineId}.`, [{ pointer: `/lines/${i}/orderLineId`, message: 'unknown line' }]);
        if (ol.shippedQuantity === 0) {
          throw notAllowed(`Order line ${ol.lineId} (${ol.sku}) has not shipped yet.`, [{ pointer: `/lines/${i}/orderLineId`, message: 'line not shipped' }]);
        }
        // Without a recorded shipment date the order's last change stands in: it is never earlier than the shipment.
        const shipped = shippedAt.get(ol.lineId) ?? Date.parse(order.updatedAt);
        if (now.getTime() > shipped + RETURN_WINDOW_MS) {
          throw windowClosed(`Order line ${ol.lineId} shipped on ${day(shipped)}; the ${RETURN_WINDOW_DAYS}-day return window closed on ${day(shipped + RETURN_WINDOW_MS)}.`, [
            { pointer: `/lines/${i}/orderLineId`, message: 'return window closed' },
          ]);
        }
        const already = (held.get(ol.lineId) ?? 0) + (asked.get(ol.lineId) ?? 0);
        const left = Math.max(0, ol.shippedQuantity - already);
        if (l.quantity > left) {
          throw quantityExceeded(
            'Return quantity exceeds what can be returned',
            `Order line ${ol.lineId} (${ol.sku}) shipped ${ol.shippedQuantity} and ${already} is already returned; at most ${left} can be returned.`,
            [{ pointer: `/lines/${i}/quantity`, message: `at most ${left}` }],
          );
        }
        asked.set(ol.lineId, (asked.get(ol.lineId) ?? 0) + l.quantity);
        return { lineId: String(i + 1), orderLineId: ol.lineId, sku: ol.sku, quantity: l.quantity, reason: l.reason, receivedQuantity: 0 };
      });

      const at = now.toISOString();
      const id = newId('ret', now.getTime());
      const stored: StoredReturn = {
        return: {
          id,
          orderId: order.id,
          ...(order.partnerId ? { partnerId: order.partnerId } : {}),
          channel: body.channel,
          status: 'authorized',
          ...(body.locationId ? { locationId: body.locationId } : {}),
          refundTo: body.refundTo ?? 'original_tenders',
          lines,
          createdAt: at,
          updatedAt: at,
        },
        receipts: [],
        refundLines: [],
      };
      if (body.exchange && exchangeGross !== undefined) {
        const worth = refundFor(stored, order, others, 'pending');
        const value = worth.refund.items.amount - worth.refund.promotionProration.amount + worth.refund.taxReversed.amount - worth.refund.restockingFee.amount;
        if (exchangeGross > value) {
          throw notAllowed(`The replacement is worth ${exchangeGross} ${order.currency} minor units; the returned items ${value}. In v1 an exchange may not cost more than the refund.`, [
            { pointer: '/exchange/lines', message: `worth at most ${value}` },
          ]);
        }
        const replacement = await createReplacement(deps.createOrderDeps, tx, storedOrder, id, body, exchangeGross, caller);
        stored.exchangeGross = replacement.order.totals.total.amount;
        stored.return.exchange = { replacementOrderId: replacement.order.id };
      }
      const estimate = refundFor(stored, order, others, 'pending');
      stored.return.refund = estimate.refund;
      stored.refundLines = estimate.lines;

      order.returnIds = [...(order.returnIds ?? []), id];
      order.updatedAt = at;
      await orderRepository.save(tx, storedOrder);
      await returnRepository.insert(tx, stored, order.partnerId ?? '');
      await deps.appendEvents(tx, [returnEvent('return.authorized', stored.return, caller)]);
      await caller.idempotency?.commitResponse(tx, respond(stored));
      return stored;
    }),
  );
}

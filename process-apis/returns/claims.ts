import type { Order } from '../orders/model';
import type { Refund, StoredReturn } from './model';
import type { RefundOutcome } from './refund';
import { computeRefund } from './refund';

const CLOSED_OUT = new Set(['cancelled', 'rejected']);
/** From inspection on, a return holds only what was received: units not received by then are free again. */
const INSPECTED = new Set(['inspected', 'dispositioned', 'refunded', 'closed']);

export const isOpen = (s: StoredReturn): boolean => !CLOSED_OUT.has(s.return.status);

/** The units a return holds of each order line: what it asks for, or once inspected, what arrived. */
export function claimedUnits(s: StoredReturn): Map<string, number> {
  const units = new Map<string, number>();
  if (!isOpen(s)) return units;
  const received = INSPECTED.has(s.return.status);
  for (const l of s.return.lines) units.set(l.orderLineId, (units.get(l.orderLineId) ?? 0) + (received ? l.receivedQuantity : l.quantity));
  return units;
}

/** The units of an order line its returns hold together. */
export function claimedByLine(returns: readonly StoredReturn[]): Map<string, number> {
  const total = new Map<string, number>();
  for (const r of returns) for (const [line, n] of claimedUnits(r)) total.set(line, (total.get(line) ?? 0) + n);
  return total;
}

const APPROVED: ReadonlySet<Refund['status']> = new Set(['approved', 'posted', 'exception']);

/**
 * The refund of `stored` against its order and the order's other returns: on the authorized quantities until
 * inspection, on the received ones after; the promotion left and the tenders' capacity net of the other returns.
 */
export function refundFor(stored: StoredReturn, order: Pick<Order, 'currency' | 'lines' | 'tenders' | 'totals'>, others: readonly StoredReturn[], status: Refund['status']): RefundOutcome {
  const open = others.filter(isOpen);
  const mine = claimedUnits(stored);
  const held = claimedByLine([...open, stored]);
  const units = order.lines.reduce((s, l) => s + l.quantity - l.cancelledQuantity, 0);
  const returned = [...held.values()].reduce((s, n) => s + n, 0);
  const byLine = new Map<string, number>();
  const received = INSPECTED.has(stored.return.status);
  return computeRefund({
    order,
    lines: stored.return.lines.map((l) => {
      const quantity = received ? l.receivedQuantity : l.quantity;
      byLine.set(l.orderLineId, (byLine.get(l.orderLineId) ?? 0) + quantity);
      return { lineId: l.lineId, orderLineId: l.orderLineId, sku: l.sku, reason: l.reason, quantity };
    }),
    status,
    otherPromotion: open.reduce((s, r) => s + (r.return.refund?.promotionProration.amount ?? 0), 0),
    otherAllocations: open.filter((r) => r.return.refund && APPROVED.has(r.return.refund.status)).flatMap((r) => r.return.refund!.allocations),
    last: mine.size > 0 && returned >= units,
    refundTo: stored.return.refundTo ?? 'original_tenders',
    returnId: stored.return.id,
    ...(stored.exchangeGross !== undefined ? { exchangeGross: stored.exchangeGross } : {}),
  });
}

import type { Database } from '../../platform/db/database';
import type { AppendEvents, AnyNewEvent } from '../../platform/events/types';
import { orderRepository } from '../orders/repository';
import type { ReferenceData } from '../reference-data/reference-data';
import { refundFor } from './claims';
import { itemRestocked, refundApproved } from './events';
import type { StoredReturn } from './model';
import { returnRepository } from './repository';
import { applyDisposition } from './stock';

export interface DispositionDeps {
  db: Database;
  ref: ReferenceData;
  appendEvents: AppendEvents;
  now: () => Date;
}

/**
 * Disposition of one inspected return, in one transaction under its order's row lock: the held units leave
 * quality control by disposition (only resellable units become sellable, with `item.restocked`), the order's
 * lines count the units as returned, the refund is approved on the received quantities (`refund.approved`), and
 * the credit memo for ERP and a return receipt per receiving DC for WMS are queued. False when there was nothing
 * to do (another worker got there first).
 */
export async function disposition(deps: DispositionDeps, returnId: string, orderId: string): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    const storedOrder = await orderRepository.get(tx, orderId, undefined, { forUpdate: true });
    const stored = await returnRepository.get(tx, returnId, undefined, { forUpdate: true });
    if (!storedOrder || !stored || stored.return.status !== 'inspected') return false;
    const ret = stored.return;
    const cause = { correlationId: `return-disposition-${ret.id}` };
    const at = deps.now();
    const events: AnyNewEvent[] = [];

    const restocked = new Map<string, { sku: string; locationId: string; quantity: number }>();
    for (const receipt of stored.receipts) {
      for (const rl of receipt.lines) {
        const line = ret.lines.find((l) => l.lineId === rl.lineId)!;
        await applyDisposition(tx, line.sku, receipt.locationId, rl.quantity, line.disposition!);
        if (line.disposition !== 'resellable') continue;
        const key = `${line.sku}@${receipt.locationId}`;
        const seen = restocked.get(key);
        if (seen) seen.quantity += rl.quantity;
        else restocked.set(key, { sku: line.sku, locationId: receipt.locationId, quantity: rl.quantity });
      }
    }
    for (const r of restocked.values()) events.push(itemRestocked(ret, r.sku, r.locationId, r.quantity, cause));

    const { order } = storedOrder;
    for (const line of ret.lines) {
      const ol = order.lines.find((l) => l.lineId === line.orderLineId);
      if (ol) ol.returnedQuantity += line.receivedQuantity;
    }
    order.updatedAt = at.toISOString();
    await orderRepository.save(tx, storedOrder);

    const approved = refundFor(stored, order, await returnRepository.forOrder(tx, orderId, ret.id), 'approved');
    ret.refund = approved.refund;
    stored.refundLines = approved.lines;
    ret.status = 'dispositioned';
    ret.updatedAt = at.toISOString();
    const memo = approved.refund.total.amount + approved.exchangeApplied;
    if (memo > 0) await returnRepository.enqueue(tx, { returnId: ret.id, system: 'erp', kind: 'credit_memo', channel: ret.channel, at });
    else closeWithoutMemo(stored);
    const dcs = new Set(stored.receipts.map((r) => r.locationId).filter((id) => deps.ref.location(id)?.type === 'dc'));
    for (const locationId of dcs) await returnRepository.enqueue(tx, { returnId: ret.id, system: 'wms', kind: 'return_receipt', locationId, channel: ret.channel, at });
    await returnRepository.save(tx, stored);
    events.push(refundApproved(ret, cause));
    await deps.appendEvents(tx, events);
    return true;
  });
}

/** A refund of nothing (say, an exchange of equal value with no promotion to net) has no credit memo to post. */
function closeWithoutMemo(stored: StoredReturn): void {
  stored.return.refund = { ...stored.return.refund!, status: 'posted' };
  stored.return.status = 'refunded';
}

/** The inspected returns waiting for disposition, oldest first. */
export async function inspectedReturns(db: Database, limit: number): Promise<Array<{ id: string; order_id: string }>> {
  const { rows } = await db.query<{ id: string; order_id: string }>(`SELECT id, order_id FROM returns.returns WHERE status = 'inspected' ORDER BY id LIMIT $1`, [limit]);
  return rows;
}

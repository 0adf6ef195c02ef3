import type { Database } from '../../../platform/db/database';
import type { AppendEvents, NewEvent } from '../../../platform/events/types';
import type { CircuitBreaker } from '../../../platform/http/circuit-breaker';
import type { Logger } from '../../../platform/logger';
import { reservations } from '../../availability/reservations';
import { ORDERS_SOURCE } from '../create-order';
import type { FulfilmentGroup, StoredOrder } from '../model';
import { orderRepository } from '../repository';
import type { SystemClients } from './downstream';

/** What a node reported for one group: its status and the shipments (or the collection) not applied yet. */
interface NodeReport {
  groupStatus?: FulfilmentGroup['status'];
  shipments: Array<{ id: string; lines: Array<{ lineId: string; quantity: number }>; shippedAt: string; carrier?: string; trackingNumber?: string }>;
}

const WMS_STATUS: Record<string, FulfilmentGroup['status'] | undefined> = {
  released: 'released',
  partially_shipped: 'partially_shipped',
  shipped: 'shipped',
};

/**
 * Follows each open fulfilment group at the node executing it: pick release, shipment confirmations (partial ones
 * included) from WMS, ready and collected from POS. Each shipment is applied once (by its id): the lines' shipped
 * quantities rise, the reservations turn into on-hand decrements unit by unit, the order moves to partially
 * shipped or shipped, and `order.shipped` is emitted. Polling keeps WMS and POS unaware of Concord, as a real
 * WMS that only offers a query API would be.
 */
const trackingParams = (ref: string) => ({ header: { 'X-Correlation-ID': `track-${ref}` } });

/** The WMS status of a fulfilment order as a group status, or undefined when WMS has no answer (try again later). */
export async function readFulfilmentOrderStatus(clients: SystemClients, ref: string): Promise<{ groupStatus?: FulfilmentGroup['status'] } | undefined> {
  const fo = await clients.wms.GET('/system/wms/v1/fulfilment-orders/{fulfilmentOrderId}', { params: { ...trackingParams(ref), path: { fulfilmentOrderId: ref } } });
  if (!fo.data) return undefined;
  const groupStatus = WMS_STATUS[fo.data.status];
  return groupStatus ? { groupStatus } : {};
}

/** Every shipment WMS confirmed for a fulfilment order, oldest first; undefined when WMS has no answer. */
export async function readShipments(clients: SystemClients, ref: string): Promise<NodeReport['shipments'] | undefined> {
  const shipments: NodeReport['shipments'] = [];
  let cursor: string | undefined;
  do {
    const page = await clients.wms.GET('/system/wms/v1/shipment-confirmations', {
      params: { ...trackingParams(ref), query: { fulfilmentOrderId: ref, limit: 100, ...(cursor ? { cursor } : {}) } },
    });
    if (!page.data) return undefined;
    for (const s of page.data.items) {
      shipments.push({
        id: s.id,
        lines: s.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity })),
        shippedAt: s.shippedAt,
        ...(s.carrier ? { carrier: s.carrier } : {}),
        ...(s.trackingNumber ? { trackingNumber: s.trackingNumber } : {}),
      });
    }
    cursor = page.data.nextCursor ?? undefined;
  } while (cursor);
  // Oldest first, so shipped quantities rise in the order the units left.
  shipments.sort((a, b) => (a.shippedAt < b.shippedAt ? -1 : a.shippedAt > b.shippedAt ? 1 : a.id < b.id ? -1 : 1));
  return shipments;
}

async function fulfilmentOrderReport(clients: SystemClients, ref: string): Promise<NodeReport | undefined> {
  const status = await readFulfilmentOrderStatus(clients, ref);
  if (!status) return undefined;
  const shipments = await readShipments(clients, ref);
  return shipments ? { ...status, shipments } : undefined;
}

/** What the POS says of a pickup, as a group report; undefined when the POS has no answer. */
export async function pickupReport(clients: SystemClients, ref: string, now: Date): Promise<NodeReport | undefined> {
  const pickup = await clients.pos.GET('/system/pos/v1/pickups/{pickupId}', { params: { ...trackingParams(ref), path: { pickupId: ref } } });
  if (!pickup.data) return undefined;
  if (pickup.data.status === 'ready') return { groupStatus: 'ready_for_pickup', shipments: [] };
  if (pickup.data.status === 'collected') {
    // Handing the parcel to the customer (or the courier, for ship-from-store) is the shipment of a store group.
    const at = pickup.data.collectedAt ?? now.toISOString();
    return { groupStatus: 'collected', shipments: [{ id: `${ref}:collected`, lines: pickup.data.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity })), shippedAt: at }] };
  }
  return { shipments: [] };
}

export function createFulfilmentTracker(options: {
  db: Database;
  clients: SystemClients;
  breakers: Record<'wms' | 'pos', CircuitBreaker>;
  appendEvents: AppendEvents;
  logger: Logger;
  now?: () => Date;
  batchSize?: number;
}) {
  const { db, clients, logger } = options;
  const now = options.now ?? (() => new Date());
  const batchSize = options.batchSize ?? 50;

  const report = (system: 'wms' | 'pos', ref: string): Promise<NodeReport | undefined> =>
    system === 'wms' ? fulfilmentOrderReport(clients, ref) : pickupReport(clients, ref, now());

  async function apply(orderId: string, groupId: string, r: NodeReport): Promise<boolean> {
    return db.transaction(async (tx) => {
      const stored = await orderRepository.get(tx, orderId, undefined, { forUpdate: true });
      if (!stored) return false;
      const { order } = stored;
      const group = order.fulfilmentGroups.find((g) => g.id === groupId);
      if (!group || group.status === 'cancelled') return false;
      const events: NewEvent[] = [];
      let changed = false;
      for (const s of r.shipments) {
        const { rows } = await tx.query('INSERT INTO orders.applied_shipments (id, order_id) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING 1', [s.id, orderId]);
        if (rows.length === 0) continue;
        const shippedLines = [];
        for (const sl of s.lines) {
          const line = order.lines.find((l) => l.lineId === sl.lineId && group.lineIds.includes(l.lineId));
          if (!line) continue;
          const quantity = Math.min(sl.quantity, line.quantity - line.cancelledQuantity - line.shippedQuantity);
          if (quantity <= 0) continue;
          line.shippedQuantity += quantity;
          await reservations.consume(tx, orderId, line.lineId, quantity);
          shippedLines.push({ lineId: line.lineId, sku: line.sku, quantity, shippedQuantity: line.shippedQuantity, orderedQuantity: line.quantity });
        }
        if (!shippedLines.length) continue;
        changed = true;
        const outstanding = order.lines.some((l) => l.shippedQuantity + l.cancelledQuantity < l.quantity);
        order.status = outstanding ? 'partially_shipped' : 'shipped';
        events.push({
          type: 'order.shipped',
          subject: orderId,
          source: ORDERS_SOURCE,
          data: {
            orderId,
            status: order.status,
            fulfilmentGroupId: group.id,
            nodeId: group.nodeId,
            partial: outstanding,
            lines: shippedLines,
            ...(s.carrier ? { carrier: s.carrier } : {}),
            ...(s.trackingNumber ? { trackingNumber: s.trackingNumber } : {}),
            shippedAt: new Date(s.shippedAt).toISOString(),
          },
          correlationId: `track-${s.id}`,
          ...(order.partnerId ? { partnerId: order.partnerId } : {}),
        });
      }
      if (r.groupStatus && r.groupStatus !== group.status) {
        group.status = r.groupStatus;
        changed = true;
      }
      const closed = group.status === 'shipped' || group.status === 'collected';
      await tx.query('UPDATE orders.groups SET polled_at = $3, open = $4 WHERE order_id = $1 AND group_id = $2', [orderId, groupId, now(), !closed]);
      if (!changed) return false;
      order.updatedAt = now().toISOString();
      await orderRepository.save(tx, stored as StoredOrder);
      if (events.length) await options.appendEvents(tx, events);
      return true;
    });
  }

  return {
    /** One pass over the open groups that were polled longest ago. Returns how many orders changed. */
    async runOnce(): Promise<number> {
      const { rows } = await db.query<{ order_id: string; group_id: string; system: 'wms' | 'pos'; external_ref: string }>(
        `SELECT order_id, group_id, system, external_ref FROM orders.groups
          WHERE open AND external_ref IS NOT NULL ORDER BY polled_at, order_id LIMIT $1`,
        [batchSize],
      );
      let changed = 0;
      for (const g of rows) {
        const breaker = options.breakers[g.system];
        if (breaker.retryAt() > 0) continue;
        let r: NodeReport | undefined;
        try {
          r = await report(g.system, g.external_ref);
        } catch (err) {
          logger.warn({ err, orderId: g.order_id, group: g.group_id }, 'fulfilment tracking: node unreachable');
        }
        // Unreachable, or nothing to apply (no shipment, no status of interest): the group just goes to the back of
        // the queue, without the transaction and the order's lock that applying takes.
        if (!r || (r.shipments.length === 0 && r.groupStatus === undefined)) {
          await db.query('UPDATE orders.groups SET polled_at = $3 WHERE order_id = $1 AND group_id = $2', [g.order_id, g.group_id, now()]);
          continue;
        }
        if (await apply(g.order_id, g.group_id, r)) changed += 1;
      }
      return changed;
    },
  };
}

import { randomUUID } from 'node:crypto';
import type { Harness } from '../../orders/testing/harness';
import { demoPrice } from '../../../system-apis/demo-data';

/** A parsed response body; tests read it loosely and assert its shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bodies are asserted field by field
type Json = any;

/** Runs the order worker and tracker and the returns worker until a pass of both does nothing more (bounded). */
export async function drive(h: Harness, maxPasses = 50): Promise<void> {
  for (let i = 0; i < maxPasses; i++) {
    const o = await h.platform.services.orders!.runOnce();
    const r = await h.platform.services.returns!.runOnce();
    if (o.attempted === 0 && o.tracked === 0 && r.attempted === 0) return;
  }
}

const tax = (net: number) => Math.floor((net * 2000 + 5000) / 10000);

/**
 * A web order shipped from a DC: `lines` as [SKU number, quantity], an optional promotion, and tenders (gift card
 * first when asked) adding up to the total. Created, synced, released and fully shipped through WMS.
 */
export async function shippedOrder(h: Harness, lines: Array<[number, number]>, opts: { discount?: number; giftCard?: number } = {}): Promise<Json> {
  const orderLines = lines.map(([n, quantity]) => {
    const price = demoPrice(n);
    return { sku: `SKU-${String(n).padStart(4, '0')}`, quantity, unitPrice: { currency: 'EUR', amount: price }, tax: { currency: 'EUR', amount: tax(price * quantity) }, fulfilment: { method: 'ship' } };
  });
  const discount = opts.discount ?? 0;
  const total = orderLines.reduce((s, l) => s + l.unitPrice.amount * l.quantity + l.tax.amount, 0) - discount;
  const gift = opts.giftCard ?? 0;
  const tenders = [
    ...(gift ? [{ type: 'gift_card', amount: { currency: 'EUR', amount: gift }, reference: 'GC-7781-2231' }] : []),
    { type: 'credit_card', amount: { currency: 'EUR', amount: total - gift }, reference: 'PSP-88412907' },
  ];
  const created = await h.call('sandbox', 'POST', '/v2/orders', {
    source: { channel: 'web', orderId: `WEB-${randomUUID()}` },
    currency: 'EUR',
    customer: { name: 'Grace Hopper', email: 'grace@example.com' },
    shippingAddress: { name: 'Grace Hopper', line1: '5 New Street', city: 'Birmingham', postalCode: 'B2 4QA', country: 'GB' },
    lines: orderLines,
    ...(discount ? { promotions: [{ code: 'TENOFF', discount: { currency: 'EUR', amount: discount } }] } : {}),
    tenders,
  });
  if (created.status !== 201) throw new Error(`order: ${created.status} ${JSON.stringify(created.body)}`);
  await drive(h);
  const order = (await h.call('sandbox', 'GET', `/v2/orders/${created.body.id}`)).body;
  for (const group of order.fulfilmentGroups) {
    const foId = (await h.platform.db.query<{ external_ref: string }>('SELECT external_ref FROM orders.groups WHERE order_id = $1 AND group_id = $2', [order.id, group.id])).rows[0]!.external_ref;
    await h.call('admin', 'POST', `/system/wms/v1/fulfilment-orders/${foId}/release`);
    const shipped = await h.call('admin', 'POST', '/system/wms/v1/shipment-confirmations', {
      fulfilmentOrderId: foId,
      shipmentId: `SH-${randomUUID()}`,
      carrier: 'DPD',
      trackingNumber: `TRK-${randomUUID()}`,
      lines: order.lines.filter((l: Json) => group.lineIds.includes(l.lineId)).map((l: Json) => ({ lineId: l.lineId, sku: l.sku, quantity: l.quantity })),
    });
    if (shipped.status !== 201) throw new Error(`shipment: ${shipped.status} ${JSON.stringify(shipped.body)}`);
  }
  await drive(h);
  const done = (await h.call('sandbox', 'GET', `/v2/orders/${order.id}`)).body;
  if (done.status !== 'shipped' || done.sync.erp.status !== 'synced') throw new Error(`order not shipped and synced: ${done.status} ${done.sync.erp.status}`);
  return done;
}

/** One stock position, with its ATP as availability computes it. */
export async function position(h: Harness, sku: string, locationId: string) {
  const { rows } = await h.platform.db.query<{ on_hand: number; reserved: number; damaged: number; quality_control: number; atp: number }>(
    `SELECT on_hand, reserved, damaged, quality_control, GREATEST(0, on_hand - reserved - safety_stock - damaged - quality_control) AS atp
       FROM inventory.positions WHERE sku = $1 AND location_id = $2`,
    [sku, locationId],
  );
  const r = rows[0];
  return r ? { onHand: Number(r.on_hand), reserved: Number(r.reserved), damaged: Number(r.damaged), qc: Number(r.quality_control), atp: Number(r.atp) } : undefined;
}

export async function creditMemos(h: Harness, returnId: string): Promise<Json[]> {
  return (await h.call('admin', 'GET', `/system/erp/v1/credit-memos?externalRef=${returnId}&limit=100`)).body.items;
}

export async function eventTypes(h: Harness, subject: string): Promise<string[]> {
  const { rows } = await h.platform.db.query<{ type: string }>('SELECT type FROM events.outbox WHERE subject = $1 ORDER BY position', [subject]);
  return rows.map((r) => r.type);
}

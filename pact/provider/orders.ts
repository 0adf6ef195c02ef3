import { randomUUID } from 'node:crypto';
import { demoPrice } from '../../system-apis/demo-data';
import type { AppCredentials, Json, ProviderConcord } from './concord';

/** Orders the provider states seed, built from the demo catalogue's prices. */

const taxOf = (net: number) => Math.floor((net * 2000 + 5000) / 10000);

/** A web order of `quantity` × `sku` shipped from a DC, at the demo price with 20 % tax. */
export function webOrder(sourceOrderId: string, sku = 'SKU-0001', quantity = 1): Json {
  const price = demoPrice(Number(sku.slice(4)));
  const tax = taxOf(price * quantity);
  return {
    source: { channel: 'web', orderId: sourceOrderId },
    currency: 'EUR',
    customer: { name: 'Grace Hopper', email: 'grace@example.com' },
    shippingAddress: { name: 'Grace Hopper', line1: '5 New Street', city: 'Birmingham', postalCode: 'B2 4QA', country: 'GB' },
    lines: [{ sku, quantity, unitPrice: { currency: 'EUR', amount: price }, tax: { currency: 'EUR', amount: tax }, fulfilment: { method: 'ship' } }],
    tenders: [{ type: 'credit_card', amount: { currency: 'EUR', amount: price * quantity + tax } }],
  };
}

/** Creates an order as `app`; answers the created order (201) or the existing one (200). */
export async function createOrder(concord: ProviderConcord, app: AppCredentials, body: Json, idempotencyKey: string = randomUUID()): Promise<Json> {
  const res = await concord.call(app, 'POST', '/v2/orders', body, { 'Idempotency-Key': idempotencyKey });
  if (res.status !== 201 && res.status !== 200) throw new Error(`seeding order ${body?.source?.orderId}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Runs the order worker (ERP, WMS, POS sync and fulfilment tracking) and the returns worker until they idle. */
export async function drive(concord: ProviderConcord, maxPasses = 50): Promise<void> {
  const { orders, returns } = concord.platform.services;
  for (let i = 0; i < maxPasses; i++) {
    const o = await orders!.runOnce();
    const r = await returns!.runOnce();
    if (o.attempted === 0 && o.tracked === 0 && r.attempted === 0) return;
  }
}

/** A web order that WMS released and shipped in full: what a return needs. */
export async function shippedWebOrder(concord: ProviderConcord, app: AppCredentials, sourceOrderId: string, sku = 'SKU-0004', quantity = 1): Promise<Json> {
  const created = await createOrder(concord, app, webOrder(sourceOrderId, sku, quantity));
  await drive(concord);
  const order = (await concord.call(app, 'GET', `/v2/orders/${created.id}`)).body;
  for (const group of order.fulfilmentGroups) {
    const { rows } = await concord.platform.db.query<{ external_ref: string }>('SELECT external_ref FROM orders.groups WHERE order_id = $1 AND group_id = $2', [order.id, group.id]);
    const fulfilmentOrderId = rows[0]?.external_ref;
    if (!fulfilmentOrderId) throw new Error(`order ${order.id} group ${group.id} never reached WMS`);
    const released = await concord.call('admin', 'POST', `/system/wms/v1/fulfilment-orders/${fulfilmentOrderId}/release`);
    if (released.status >= 300) throw new Error(`release ${fulfilmentOrderId}: ${released.status}`);
    const shipped = await concord.call('admin', 'POST', '/system/wms/v1/shipment-confirmations', {
      fulfilmentOrderId,
      shipmentId: `SH-${randomUUID()}`,
      carrier: 'DPD',
      trackingNumber: `TRK-${randomUUID()}`,
      lines: order.lines.filter((l: Json) => group.lineIds.includes(l.lineId)).map((l: Json) => ({ lineId: l.lineId, sku: l.sku, quantity: l.quantity })),
    });
    if (shipped.status !== 201) throw new Error(`shipment of ${fulfilmentOrderId}: ${shipped.status} ${JSON.stringify(shipped.body)}`);
  }
  await drive(concord);
  return (await concord.call(app, 'GET', `/v2/orders/${created.id}`)).body;
}

/** A return of one unit of the order's first line, authorized. */
export async function authorizedReturn(concord: ProviderConcord, app: AppCredentials, order: Json, extra: Json = {}): Promise<Json> {
  const res = await concord.call(app, 'POST', '/v1/returns', { orderId: order.id, channel: 'web', lines: [{ orderLineId: order.lines[0].lineId, quantity: 1, reason: 'changed_mind' }], ...extra });
  if (res.status !== 201) throw new Error(`seeding a return of ${order.id}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

import { randomUUID } from 'node:crypto';
import { describeWithService } from '../../platform/testing/services';
import { demoPrice } from '../../system-apis/demo-data';
import type { Backend, Harness } from '../orders/testing/harness';
import { shipOrder, startHarness } from '../orders/testing/harness';
import { creditMemos, drive, eventTypes, position, shippedOrder } from './testing/flows';

// The returns workflow end to end, through the gateway with real tokens: on the embedded default (PGlite,
// in-process bus) and on PostgreSQL with NATS JetStream. The workers are driven by the tests (`drive`).

const PROBLEM = 'https://concord.dev/problems/';
const tax = (net: number) => Math.floor((net * 2000 + 5000) / 10000);
const eur = (amount: number) => ({ currency: 'EUR', amount });

function suite(backend: Backend) {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(backend);
  });
  afterAll(async () => h?.close());

  const fault = (system: string, body: Record<string, unknown>) => h.call('admin', 'PUT', `/system/${system}/v1/sandbox/faults`, body);
  const getReturn = async (id: string) => (await h.call('sandbox', 'GET', `/v1/returns/${id}`)).body;

  test('happy path: return one line, receive at the DC, inspect as new: stock +1 after inspection, one credit memo, closed', async () => {
    const order = await shippedOrder(h, [[50, 1]]);
    const before = await position(h, 'SKU-0050', 'DC1');
    const key = randomUUID();
    const request = { orderId: order.id, channel: 'web', lines: [{ orderLineId: '1', quantity: 1, reason: 'wrong_size' }] };
    const created = await h.call('sandbox', 'POST', '/v1/returns', request, { 'Idempotency-Key': key });
    expect(created.status).toBe(201);
    const ret = created.body;
    expect(created.headers.get('location')).toBe(`/v1/returns/${ret.id}`);
    expect(ret).toEqual(expect.objectContaining({ status: 'authorized', orderId: order.id, partnerId: 'prt_sandbox', channel: 'web' }));
    expect(ret.lines).toEqual([{ lineId: '1', orderLineId: '1', sku: 'SKU-0050', quantity: 1, reason: 'wrong_size', receivedQuantity: 0 }]);
    const price = demoPrice(50);
    expect(ret.refund).toEqual({
      status: 'pending',
      items: eur(price),
      promotionProration: eur(0),
      taxReversed: eur(tax(price)),
      restockingFee: eur(0),
      total: eur(price + tax(price)),
      allocations: [{ tenderType: 'credit_card', amount: eur(price + tax(price)), reference: 'PSP-88412907' }],
    });
    const replay = await h.call('sandbox', 'POST', '/v1/returns', request, { 'Idempotency-Key': key });
    expect([replay.status, replay.headers.get('idempotency-replayed'), replay.body]).toEqual([201, 'true', ret]);
    expect((await h.call('sandbox', 'GET', `/v2/orders/${order.id}`)).body.returnIds).toEqual([ret.id]);

    // Inspecting before anything arrived is not a valid transition.
    const early = await h.call('sandbox', 'POST', `/v1/returns/${ret.id}/inspect`, { lines: [{ lineId: '1', condition: 'new' }] });
    expect([early.status, early.body.type]).toEqual([409, `${PROBLEM}invalid-return-state`]);

    const received = await h.call('sandbox', 'POST', `/v1/returns/${ret.id}/receive`, { locationId: 'DC1', lines: [{ lineId: '1', quantity: 1 }] });
    expect(received.status).toBe(200);
    expect(received.body).toEqual(expect.objectContaining({ status: 'received' }));
    expect(received.body.lines[0].receivedQuantity).toBe(1);
    // On hand but held in quality control: not sellable before inspection.
    expect(await position(h, 'SKU-0050', 'DC1')).toEqual({ ...before, onHand: before!.onHand + 1, qc: before!.qc + 1 });

    const inspected = await h.call('sandbox', 'POST', `/v1/returns/${ret.id}/inspect`, { lines: [{ lineId: '1', condition: 'new' }] });
    expect(inspected.status).toBe(200);
    expect(inspected.body.status).toBe('inspected');
    expect(inspected.body.lines[0]).toEqual(expect.objectContaining({ condition: 'new', disposition: 'resellable' }));
    expect((await position(h, 'SKU-0050', 'DC1'))!.atp).toBe(before!.atp);

    await drive(h);
    const done = await getReturn(ret.id);
    expect(done.status).toBe('closed');
    expect(done.refund).toEqual(expect.objectContaining({ status: 'posted', erpCreditMemoId: expect.stringMatching(/^CM-/), total: eur(price + tax(price)) }));
    expect(await position(h, 'SKU-0050', 'DC1')).toEqual({ ...before, onHand: before!.onHand + 1, atp: before!.atp + 1 });
    const memos = await creditMemos(h, ret.id);
    expect(memos).toHaveLength(1);
    expect(memos[0]).toEqual(expect.objectContaining({ id: done.refund.erpCreditMemoId, orderExternalRef: order.id, amount: eur(price + tax(price)), taxReversed: eur(tax(price)) }));
    const receipts = (await h.call('admin', 'GET', `/system/wms/v1/return-receipts?returnId=${ret.id}`)).body.items;
    expect(receipts).toEqual([expect.objectContaining({ locationId: 'DC1', lines: [expect.objectContaining({ returnLineId: '1', quantity: 1, condition: 'new' })] })]);
    expect((await h.call('sandbox', 'GET', `/v2/orders/${order.id}`)).body.lines[0].returnedQuantity).toBe(1);
    expect(await eventTypes(h, ret.id)).toEqual(['return.authorized', 'return.received', 'return.inspected', 'item.restocked', 'refund.approved']);
    // The relay accepts every event (each is validated against the AsyncAPI catalogue before publishing).
    while ((await h.platform.services.events.relay.runOnce()).published > 0);
    const { rows } = await h.platform.db.query(`SELECT 1 FROM events.outbox WHERE subject = $1 AND (published_at IS NULL OR dead_lettered_at IS NOT NULL)`, [ret.id]);
    expect(rows).toEqual([]);
    // Done is done.
    const again = await h.call('sandbox', 'POST', `/v1/returns/${ret.id}/receive`, { locationId: 'DC1', lines: [{ lineId: '1', quantity: 1 }] });
    expect([again.status, again.body.type]).toEqual([409, `${PROBLEM}invalid-return-state`]);
  });

  test('partial return: 2 of 3 authorized, 1 received; the refund is on the received unit with the changed-mind fee; the rest can be returned later', async () => {
    const order = await shippedOrder(h, [[51, 3]]);
    const ret = (await h.call('sandbox', 'POST', '/v1/returns', { orderId: order.id, channel: 'web', lines: [{ orderLineId: '1', quantity: 2, reason: 'changed_mind' }] })).body;
    const price = demoPrice(51);
    const lineTax = order.lines[0].tax.amount;
    expect(ret.refund.restockingFee).toEqual(eur(Math.floor((2 * price * 1000 + 5000) / 10000)));
    const over = await h.call('sandbox', 'POST', `/v1/returns/${ret.id}/receive`, { locationId: 'DC1', lines: [{ lineId: '1', quantity: 3 }] });
    expect([over.status, over.body.type]).toEqual([422, `${PROBLEM}return-quantity-exceeded`]);
    expect((await h.call('sandbox', 'POST', `/v1/returns/${ret.id}/receive`, { locationId: 'DC1', lines: [{ lineId: '1', quantity: 1 }] })).status).toBe(200);
    const inspected = (await h.call('sandbox', 'POST', `/v1/returns/${ret.id}/inspect`, { lines: [{ lineId: '1', condition: 'opened' }] })).body;
    const fee = Math.floor((price * 1000 + 5000) / 10000);
    const taxBack = Math.floor((2 * lineTax * 1 + 3) / (2 * 3));
    expect(inspected.refund).toEqual(expect.objectContaining({ items: eur(price), taxReversed: eur(taxBack), restockingFee: eur(fee), total: eur(price + taxBack - fee) }));
    await drive(h);
    const done = await getReturn(ret.id);
    expect([done.status, done.refund.status]).toEqual(['closed', 'posted']);
    expect((await h.call('sandbox', 'GET', `/v2/orders/${order.id}`)).body.lines[0].returnedQuantity).toBe(1);
    // The unit not received by inspection is free again: two more can be returned, not three.
    const three = await h.call('sandbox', 'POST', '/v1/returns', { orderId: order.id, channel: 'web', lines: [{ orderLineId: '1', quantity: 3, reason: 'other' }] });
    expect([three.status, three.body.type]).toEqual([422, `${PROBLEM}return-quantity-exceeded`]);
    // The customer asks for store credit this time: the refund goes to new store credit, not back to the card.
    const credit = await h.call('sandbox', 'POST', '/v1/returns', { orderId: order.id, channel: 'web', lines: [{ orderLineId: '1', quantity: 2, reason: 'other' }], refundTo: 'store_credit' });
    expect(credit.status).toBe(201);
    expect(credit.body.refundTo).toBe('store_credit');
    expect(credit.body.refund.allocations).toEqual([{ tenderType: 'store_credit', amount: credit.body.refund.total, reference: credit.body.id }]);
    expect(ret.refundTo).toBe('original_tenders');
  });

  test('scenario 7, exchange: the replacement order is created through order intake, linked and reserved; the refund nets the difference', async () => {
    const order = await shippedOrder(h, [[61, 1]]);
    const before = await position(h, 'SKU-0080', 'DC1');
    // A replacement worth more than the return is refused, and nothing is kept or reserved.
    const dearer = await h.call('sandbox', 'POST', '/v1/returns', {
      orderId: order.id, channel: 'web', lines: [{ orderLineId: '1', quantity: 1, reason: 'wrong_size' }], exchange: { lines: [{ sku: 'SKU-0080', quantity: 5 }] },
    });
    expect([dearer.status, dearer.body.type]).toEqual([422, `${PROBLEM}return-not-allowed`]);
    expect((await h.call('sandbox', 'GET', `/v1/returns?orderId=${order.id}`)).body.items).toEqual([]);

    const created = await h.call('sandbox', 'POST', '/v1/returns', {
      orderId: order.id,
      channel: 'web',
      lines: [{ orderLineId: '1', quantity: 1, reason: 'wrong_size' }],
      exchange: { lines: [{ sku: 'SKU-0080', quantity: 1 }] },
    });
    expect(created.status).toBe(201);
    const ret = created.body;
    const replacementId = ret.exchange.replacementOrderId;
    expect(replacementId).toMatch(/^ord_/);
    const replacement = (await h.call('sandbox', 'GET', `/v2/orders/${replacementId}`)).body;
    const gross = demoPrice(80) + tax(demoPrice(80));
    expect(replacement).toEqual(expect.objectContaining({ status: 'accepted', source: expect.objectContaining({ channel: 'web', orderId: ret.id }) }));
    expect(replacement.tenders).toEqual([{ type: 'store_credit', amount: eur(gross), reference: ret.id }]);
    expect(await position(h, 'SKU-0080', 'DC1')).toEqual(expect.objectContaining({ reserved: before!.reserved + 1 }));
    const value = demoPrice(61) + tax(demoPrice(61));
    expect(ret.refund).toEqual(expect.objectContaining({ exchangeDifference: eur(gross), total: eur(value - gross) }));

    await h.call('sandbox', 'POST', `/v1/returns/${ret.id}/receive`, { locationId: 'DC1', lines: [{ lineId: '1', quantity: 1 }] });
    await h.call('sandbox', 'POST', `/v1/returns/${ret.id}/inspect`, { lines: [{ lineId: '1', condition: 'new' }] });
    await drive(h);
    const done = await getReturn(ret.id);
    expect(done.refund).toEqual(expect.objectContaining({ status: 'posted', total: eur(value - gross), allocations: [{ tenderType: 'credit_card', amount: eur(value - gross), reference: 'PSP-88412907' }] }));
    const [memo] = await creditMemos(h, ret.id);
    expect(memo.amount).toEqual(eur(value));
    expect(memo.allocations).toEqual(expect.arrayContaining([expect.objectContaining({ tenderType: 'store_credit', amount: eur(gross), reference: replacementId })]));
    expect((await h.call('sandbox', 'GET', `/v2/orders/${replacementId}`)).body.sync.erp.status).toBe('synced');
  });

  test('cancelling an exchange return cancels its replacement order and releases the reservation; a received return cannot be cancelled', async () => {
    const order = await shippedOrder(h, [[62, 2]]);
    const before = await position(h, 'SKU-0081', 'DC1');
    const ret = (await h.call('sandbox', 'POST', '/v1/returns', {
      orderId: order.id, channel: 'web', lines: [{ orderLineId: '1', quantity: 1, reason: 'wrong_size' }], exchange: { lines: [{ sku: 'SKU-0081', quantity: 1 }] },
    })).body;
    expect((await position(h, 'SKU-0081', 'DC1'))!.reserved).toBe(before!.reserved + 1);
    const cancelled = await h.call('sandbox', 'POST', `/v1/returns/${ret.id}/cancel`, { reason: 'customer_request' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.refund).toBeUndefined();
    expect((await h.call('sandbox', 'GET', `/v2/orders/${ret.exchange.replacementOrderId}`)).body.status).toBe('cancelled');
    expect(await position(h, 'SKU-0081', 'DC1')).toEqual(before);

    const second = (await h.call('sandbox', 'POST', '/v1/returns', { orderId: order.id, channel: 'web', lines: [{ orderLineId: '1', quantity: 2, reason: 'other' }] })).body;
    await h.call('sandbox', 'POST', `/v1/returns/${second.id}/receive`, { locationId: 'DC1', lines: [{ lineId: '1', quantity: 1 }] });
    const refused = await h.call('sandbox', 'POST', `/v1/returns/${second.id}/cancel`, { reason: 'customer_request' });
    expect([refused.status, refused.body.type]).toEqual([409, `${PROBLEM}invalid-return-state`]);
  });

  test('rejecting: goods that failed inspection go back to the customer, never to stock, with no refund; the replacement of an exchange is cancelled', async () => {
    const order = await shippedOrder(h, [[64, 2]]);
    const before = await position(h, 'SKU-0064', 'DC1');
    const ret = (await h.call('sandbox', 'POST', '/v1/returns', { orderId: order.id, channel: 'web', lines: [{ orderLineId: '1', quantity: 2, reason: 'wrong_item' }] })).body;
    await h.call('sandbox', 'POST', `/v1/returns/${ret.id}/receive`, { locationId: 'DC1', lines: [{ lineId: '1', quantity: 1 }] });
    expect(await position(h, 'SKU-0064', 'DC1')).toEqual({ ...before, onHand: before!.onHand + 1, qc: before!.qc + 1 });
    const key = randomUUID();
    const rejected = await h.call('sandbox', 'POST', `/v1/returns/${ret.id}/reject`, { reason: 'inspection_failed', note: 'Not the item sold.' }, { 'Idempotency-Key': key });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toEqual(expect.objectContaining({ status: 'rejected', rejectionReason: 'inspection_failed: Not the item sold.' }));
    expect(rejected.body.refund).toBeUndefined();
    expect(await position(h, 'SKU-0064', 'DC1')).toEqual(before);
    const replay = await h.call('sandbox', 'POST', `/v1/returns/${ret.id}/reject`, { reason: 'inspection_failed', note: 'Not the item sold.' }, { 'Idempotency-Key': key });
    expect([replay.status, replay.headers.get('idempotency-replayed')]).toEqual([200, 'true']);
    expect((await h.call('sandbox', 'POST', `/v1/returns/${ret.id}/reject`, { reason: 'other' })).body.status).toBe('rejected');
    await drive(h);
    expect(await creditMemos(h, ret.id)).toEqual([]);
    expect(await position(h, 'SKU-0064', 'DC1')).toEqual(before);
    // A rejected return holds no units: both can be returned again.
    const again = (await h.call('sandbox', 'POST', '/v1/returns', { orderId: order.id, channel: 'web', lines: [{ orderLineId: '1', quantity: 2, reason: 'other' }] })).body;
    expect(again.status).toBe('authorized');
    await h.call('sandbox', 'POST', `/v1/returns/${again.id}/receive`, { locationId: 'DC1', lines: [{ lineId: '1', quantity: 2 }] });
    await h.call('sandbox', 'POST', `/v1/returns/${again.id}/inspect`, { lines: [{ lineId: '1', condition: 'new' }] });
    const late = await h.call('sandbox', 'POST', `/v1/returns/${again.id}/reject`, { reason: 'other' });
    expect([late.status, late.body.type]).toEqual([409, `${PROBLEM}invalid-return-state`]);

    const swap = await shippedOrder(h, [[65, 1]]);
    const reserved = (await position(h, 'SKU-0013', 'DC1'))!.reserved;
    const exchangeCreated = await h.call('sandbox', 'POST', '/v1/returns', {
      orderId: swap.id, channel: 'web', lines: [{ orderLineId: '1', quantity: 1, reason: 'wrong_size' }], exchange: { lines: [{ sku: 'SKU-0013', quantity: 1 }] },
    });
    expect(exchangeCreated.status).toBe(201);
    const exchange = exchangeCreated.body;
    expect((await h.call('sandbox', 'POST', `/v1/returns/${exchange.id}/reject`, { reason: 'suspected_fraud' })).body.status).toBe('rejected');
    expect((await h.call('sandbox', 'GET', `/v2/orders/${exchange.exchange.replacementOrderId}`)).body.status).toBe('cancelled');
    expect((await position(h, 'SKU-0013', 'DC1'))!.reserved).toBe(reserved);
  });

  test('scenario 6 from the store: the POS starts the return and forwards it to Concord once; a refusal is answered by the POS as 422', async () => {
    const order = await shippedOrder(h, [[66, 2]]);
    const line = { orderLineId: '1', sku: 'SKU-0066', quantity: 1, reason: 'defective' };
    const started = await h.call('admin', 'POST', '/system/pos/v1/returns', { storeId: 'S3', orderId: order.id, lines: [line], customerEmail: 'grace@example.com', note: 'Zip broken' });
    expect([started.status, started.body.detail]).toEqual([201, undefined]);
    expect(started.body).toEqual(expect.objectContaining({ forwardingStatus: 'forwarded', concordReturnId: expect.stringMatching(/^ret_/), storeId: 'S3' }));
    const ret = await getReturn(started.body.concordReturnId);
    expect(ret).toEqual(expect.objectContaining({ orderId: order.id, channel: 'pos', locationId: 'S3', status: 'authorized', partnerId: 'prt_sandbox' }));
    expect(ret.lines).toEqual([expect.objectContaining({ orderLineId: '1', sku: 'SKU-0066', quantity: 1, reason: 'defective' })]);
    // The customer's own channel sees the return started in store.
    expect((await h.call('sandbox', 'GET', `/v2/orders/${order.id}`)).body.returnIds).toEqual([ret.id]);

    // Concord refuses an over-return: POS records nothing and answers with Concord's reason.
    const over = await h.call('admin', 'POST', '/system/pos/v1/returns', { storeId: 'S3', orderId: order.id, lines: [{ ...line, quantity: 2 }], customerEmail: 'grace@example.com' });
    expect([over.status, over.body.type]).toEqual([422, `${PROBLEM}return-quantity-exceeded`]);
    expect((await h.call('sandbox', 'GET', `/v1/returns?orderId=${order.id}`)).body.items).toHaveLength(1);
  });

  test('scenario 6: bought online with gift card and credit card, returned defective at store S3: quarantined, never sellable, refund prorated to the tenders in order', async () => {
    const order = await shippedOrder(h, [[60, 1], [70, 1]], { discount: 1200, giftCard: 2000 });
    const before = await position(h, 'SKU-0060', 'S3');
    const noStore = await h.call('sandbox', 'POST', '/v1/returns', { orderId: order.id, channel: 'pos', locationId: 'DC1', lines: [{ orderLineId: '1', quantity: 1, reason: 'defective' }] });
    expect([noStore.status, noStore.body.type]).toEqual([422, `${PROBLEM}unknown-location`]);
    const ret = (await h.call('sandbox', 'POST', '/v1/returns', { orderId: order.id, channel: 'pos', locationId: 'S3', lines: [{ orderLineId: '1', quantity: 1, reason: 'defective', note: 'Zip broken' }] })).body;
    expect(ret).toEqual(expect.objectContaining({ status: 'authorized', channel: 'pos', locationId: 'S3' }));
    await h.call('sandbox', 'POST', `/v1/returns/${ret.id}/receive`, { locationId: 'S3', lines: [{ lineId: '1', quantity: 1 }] });
    const resell = await h.call('sandbox', 'POST', `/v1/returns/${ret.id}/inspect`, { lines: [{ lineId: '1', condition: 'defective', disposition: 'resellable' }] });
    expect([resell.status, resell.body.type]).toEqual([422, `${PROBLEM}return-not-allowed`]);
    const inspected = (await h.call('sandbox', 'POST', `/v1/returns/${ret.id}/inspect`, { lines: [{ lineId: '1', condition: 'defective', note: 'Seam split' }] })).body;
    expect(inspected.lines[0]).toEqual(expect.objectContaining({ condition: 'defective', disposition: 'quarantine' }));
    await drive(h);

    const done = await getReturn(ret.id);
    // items 6999, promotion 1200 × 6999 ÷ 11998 = 700, tax 1400: 7699, gift card first, then the card.
    expect(done.refund).toEqual(expect.objectContaining({
      status: 'posted',
      items: eur(6999),
      promotionProration: eur(700),
      taxReversed: eur(1400),
      restockingFee: eur(0),
      total: eur(7699),
      allocations: [
        { tenderType: 'gift_card', amount: eur(2000), reference: 'GC-7781-2231' },
        { tenderType: 'credit_card', amount: eur(5699), reference: 'PSP-88412907' },
      ],
    }));
    const after = await position(h, 'SKU-0060', 'S3');
    expect(after).toEqual({ ...before, onHand: before!.onHand + 1, damaged: before!.damaged + 1 });
    expect(after!.atp).toBe(before!.atp);
    expect(await eventTypes(h, ret.id)).not.toContain('item.restocked');
    expect(await creditMemos(h, ret.id)).toHaveLength(1);
    // No WMS receipt for a store: the store's POS sent the receipt.
    expect((await h.call('admin', 'GET', `/system/wms/v1/return-receipts?returnId=${ret.id}`)).body.items).toEqual([]);
    // The order history shows the return's status.
    const history = (await h.call('sandbox', 'GET', `/v1/returns?orderId=${order.id}`)).body.items;
    expect(history.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([[ret.id, 'closed']]);
  });

  test('over-return and not-shipped lines are refused; concurrent returns never over-return; another partner sees nothing', async () => {
    const order = await shippedOrder(h, [[52, 2]]);
    const attempts = await Promise.all(
      Array.from({ length: 6 }, () => h.call('sandbox', 'POST', '/v1/returns', { orderId: order.id, channel: 'web', lines: [{ orderLineId: '1', quantity: 1, reason: 'other' }] })),
    );
    expect(attempts.filter((r) => r.status === 201)).toHaveLength(2);
    const refused = attempts.filter((r) => r.status !== 201);
    expect(refused.every((r) => r.status === 422 && r.body.type === `${PROBLEM}return-quantity-exceeded`)).toBe(true);
    expect(refused[0]!.body.errors).toEqual([{ pointer: '/lines/0/quantity', message: 'at most 0' }]);

    const unshipped = (await h.call('sandbox', 'POST', '/v2/orders', shipOrder(`WEB-${randomUUID()}`, 'SKU-0052', 1))).body;
    const notShipped = await h.call('sandbox', 'POST', '/v1/returns', { orderId: unshipped.id, channel: 'web', lines: [{ orderLineId: '1', quantity: 1, reason: 'other' }] });
    expect([notShipped.status, notShipped.body.type]).toEqual([422, `${PROBLEM}return-not-allowed`]);
    const missing = await h.call('sandbox', 'POST', '/v1/returns', { orderId: 'ord_00000000000000000000000000', channel: 'web', lines: [{ orderLineId: '1', quantity: 1, reason: 'other' }] });
    expect(missing.status).toBe(404);

    const partner = await h.call('admin', 'POST', '/admin/v1/partners', { name: `Other ${randomUUID()}`, contactEmail: 'other@example.com' });
    const app = await h.call('admin', 'POST', '/admin/v1/apps', { name: 'Other app', plan: 'internal', scopes: ['returns:read', 'returns:write'], partnerId: partner.body.id });
    const other = { client_id: app.body.clientId ?? app.body.client_id, client_secret: app.body.clientSecret ?? app.body.client_secret };
    const mine = attempts.find((r) => r.status === 201)!.body;
    expect((await h.call(other, 'GET', `/v1/returns/${mine.id}`)).status).toBe(404);
    expect((await h.call(other, 'POST', `/v1/returns/${mine.id}/cancel`, { reason: 'other' })).status).toBe(404);
    expect((await h.call(other, 'POST', '/v1/returns', { orderId: order.id, channel: 'web', lines: [{ orderLineId: '1', quantity: 1, reason: 'other' }] })).status).toBe(404);
    expect((await h.call(other, 'GET', '/v1/returns?limit=100')).body.items).toEqual([]);
  });

  test('ERP down during the refund: the refund waits, retries with backoff, and is posted exactly once after recovery', async () => {
    const order = await shippedOrder(h, [[71, 1]]);
    const ret = (await h.call('sandbox', 'POST', '/v1/returns', { orderId: order.id, channel: 'web', lines: [{ orderLineId: '1', quantity: 1, reason: 'not_as_described' }] })).body;
    await h.call('sandbox', 'POST', `/v1/returns/${ret.id}/receive`, { locationId: 'DC1', lines: [{ lineId: '1', quantity: 1 }] });
    await h.call('sandbox', 'POST', `/v1/returns/${ret.id}/inspect`, { lines: [{ lineId: '1', condition: 'opened' }] });
    await fault('erp', { mode: 'down' });
    try {
      for (let minute = 0; minute < 10; minute++) {
        await drive(h, 5);
        h.advance(60_000);
      }
      const waiting = await getReturn(ret.id);
      expect([waiting.status, waiting.refund.status]).toEqual(['dispositioned', 'approved']);
      const metrics = await (await fetch(`${h.platform.url}/metrics`)).text();
      expect(metrics).toMatch(/^concord_returns_pending_disposition \d+/m);
      // The worker's ERP breaker tripped: the gauge shows it half-open (1) or open (2), not closed (0).
      expect(metrics).toMatch(/^concord_circuit_breaker_state\{target="returns:erp"\} [12]$/m);
    } finally {
      await fault('erp', { mode: 'none' });
    }
    h.advance(600_000);
    await drive(h);
    const done = await getReturn(ret.id);
    expect([done.status, done.refund.status]).toEqual(['closed', 'posted']);
    expect(await creditMemos(h, ret.id)).toHaveLength(1);
    const { rows } = await h.platform.db.query<{ attempts: number }>(`SELECT attempts FROM returns.jobs WHERE return_id = $1 AND kind = 'credit_memo'`, [ret.id]);
    expect(rows[0]!.attempts).toBeGreaterThan(1);
  });

  test('a credit memo ERP refuses goes to exception: visible on the refund, in the metric by channel and in the admin ops summary', async () => {
    const order = await shippedOrder(h, [[63, 1]]);
    const ret = (await h.call('sandbox', 'POST', '/v1/returns', { orderId: order.id, channel: 'web', lines: [{ orderLineId: '1', quantity: 1, reason: 'other' }] })).body;
    await h.call('sandbox', 'POST', `/v1/returns/${ret.id}/receive`, { locationId: 'DC1', lines: [{ lineId: '1', quantity: 1 }] });
    await h.call('sandbox', 'POST', `/v1/returns/${ret.id}/inspect`, { lines: [{ lineId: '1', condition: 'new' }] });
    // ERP cancels the sales order behind Concord's back: a credit memo against it is refused (409).
    expect((await h.call('admin', 'POST', `/system/erp/v1/sales-orders/${order.sync.erp.externalRef}/cancel`, { reason: 'test' })).status).toBe(200);
    await drive(h);
    const stuck = await getReturn(ret.id);
    expect([stuck.status, stuck.refund.status]).toEqual(['dispositioned', 'exception']);
    const metrics = await (await fetch(`${h.platform.url}/metrics`)).text();
    expect(Number(/^concord_refund_exceptions_total\{channel="web"\} (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(/^concord_refunds_in_exception\{channel="web"\} (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    expect(metrics).toMatch(/^concord_dead_letters_pending \d+/m);
    const summary = await h.call('admin', 'GET', '/admin/v1/ops/summary');
    expect(summary.status).toBe(200);
    expect(summary.body.refundExceptions).toBeGreaterThanOrEqual(1);
    expect(summary.body).toEqual(expect.objectContaining({ ordersInException: expect.any(Number), deadLetters: expect.any(Number), outboxBacklog: expect.any(Number) }));
    expect((await h.call('sandbox', 'GET', '/admin/v1/ops/summary')).status).toBe(403);

    // Nothing is lost: the credit memo waits in the admin API's exceptions until someone retries it.
    const listed = (await h.call('admin', 'GET', '/admin/v1/ops/exceptions?workflow=return&limit=100')).body.items;
    const job = listed.find((x: { subjectId: string; action: string }) => x.subjectId === ret.id && x.action === 'credit_memo');
    expect(job).toEqual(expect.objectContaining({ id: expect.stringMatching(/^rtj_\d+$/), system: 'erp', status: 'exception' }));
    const retried = await h.call('admin', 'POST', `/admin/v1/ops/exceptions/${job.id}/retry`);
    expect(retried.body).toEqual(expect.objectContaining({ status: 'pending', attempts: 0 }));
    expect((await getReturn(ret.id)).refund.status).toBe('approved');
    // ERP still refuses this one: back to exception, and still no credit memo.
    await drive(h);
    expect((await getReturn(ret.id)).refund.status).toBe('exception');
    expect(await creditMemos(h, ret.id)).toEqual([]);
  });

  // Last: it moves the clock past every earlier shipment's window.
  test('the return window closes 30 days after the line shipped', async () => {
    const order = await shippedOrder(h, [[50, 1]]);
    h.advance(31 * 24 * 3600 * 1000);
    const late = await h.call('sandbox', 'POST', '/v1/returns', { orderId: order.id, channel: 'web', lines: [{ orderLineId: '1', quantity: 1, reason: 'other' }] });
    expect([late.status, late.body.type]).toEqual([422, `${PROBLEM}return-window-closed`]);
  });
}

describe('returns on PGlite with the in-process bus', () => suite('embedded'));
describeWithService('postgres', 'returns on PostgreSQL with NATS JetStream', () => suite('postgres+nats'));

import type { components } from '../../generated/types/system/wms.v1';
import { describeOnBothDatabases } from '../../platform/testing/databases';
import type { SandboxFixture } from '../test-support';
import { expectStatus, newOrderId, openSandbox } from '../test-support';

type CreateFulfilmentOrderRequest = components['schemas']['CreateFulfilmentOrderRequest'];

const SHIP_TO = { name: 'Ada Lovelace', line1: '12 Market Street', city: 'Leeds', postalCode: 'LS1 6DT', country: 'GB' };

const fulfilmentOrder = (orderId = newOrderId(), over: Partial<CreateFulfilmentOrderRequest> = {}): CreateFulfilmentOrderRequest => ({
  externalRef: `${orderId}:fg2`,
  orderId,
  nodeId: 'DC1',
  lines: [
    { lineId: '2', sku: 'SKU-0002', quantity: 2 },
    { lineId: '3', sku: 'SKU-0003', quantity: 1 },
  ],
  shipTo: SHIP_TO,
  ...over,
});

describeOnBothDatabases('sandbox WMS', (open) => {
  let f: SandboxFixture;
  beforeAll(async () => {
    f = await openSandbox(open);
  });
  afterAll(async () => f?.close());

  const create = async (over: Partial<CreateFulfilmentOrderRequest> = {}) =>
    expectStatus(await f.wms.call('createFulfilmentOrder', { body: fulfilmentOrder(newOrderId(), over) }), 201).body;
  const release = async (id: string) => f.wms.call('releaseFulfilmentOrder', { params: { fulfilmentOrderId: id } });
  const cancel = async (id: string) => f.wms.call('cancelFulfilmentOrder', { params: { fulfilmentOrderId: id }, body: { reason: 'customer_request' } });
  const ship = async (fulfilmentOrderId: string, shipmentId: string, lines: Array<{ lineId: string; sku: string; quantity: number }>) =>
    f.wms.call('createShipmentConfirmation', { body: { fulfilmentOrderId, shipmentId, carrier: 'DPD', trackingNumber: '15501234567890', lines } });

  describe('fulfilment orders', () => {
    it('creates a fulfilment order for a group, then answers its externalRef with it, 200, whatever the body', async () => {
      const orderId = newOrderId();
      const res = expectStatus(await f.wms.call('createFulfilmentOrder', { body: fulfilmentOrder(orderId) }), 201);
      expect(res.body).toMatchObject({
        id: expect.stringMatching(/^FO-\d{6}$/),
        externalRef: `${orderId}:fg2`,
        orderId,
        fulfilmentGroupId: 'fg2',
        nodeId: 'DC1',
        status: 'created',
        lines: [
          { lineId: '2', sku: 'SKU-0002', quantity: 2, shippedQuantity: 0 },
          { lineId: '3', sku: 'SKU-0003', quantity: 1, shippedQuantity: 0 },
        ],
      });
      expect(res.headers).toEqual({ Location: `/system/wms/v1/fulfilment-orders/${res.body.id}` });
      const repeat = expectStatus(await f.wms.call('createFulfilmentOrder', { body: fulfilmentOrder(orderId, { nodeId: 'DC2', lines: [{ lineId: '9', sku: 'SKU-0009', quantity: 9 }] }) }), 200);
      expect(repeat.body).toEqual(res.body);
      expect(expectStatus(await f.wms.call('getFulfilmentOrder', { params: { fulfilmentOrderId: res.body.id } }), 200).body).toEqual(res.body);
      expect(expectStatus(await f.wms.call('listFulfilmentOrders', { query: { externalRef: `${orderId}:fg2` } }), 200).body.items).toEqual([res.body]);
    });

    it('creates one fulfilment order from 10 concurrent creates of one group', async () => {
      const body = fulfilmentOrder();
      const results = await Promise.all(Array.from({ length: 10 }, () => f.wms.call('createFulfilmentOrder', { body })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      expect(expectStatus(await f.wms.call('listFulfilmentOrders', { query: { externalRef: body.externalRef } }), 200).body.items).toHaveLength(1);
    });

    it('refuses a node WMS does not run, an unknown SKU, and an externalRef of another order', async () => {
      const store = expectStatus(await f.wms.call('createFulfilmentOrder', { body: fulfilmentOrder(newOrderId(), { nodeId: 'S1' }) }), 422);
      expect(store.body).toMatchObject({
        type: 'https://concord.dev/problems/unknown-location',
        detail: 'S1 is a store; WMS runs DC1, DC2, DS1 and 3PL1.',
        errors: [{ pointer: '/nodeId', message: 'not a WMS node' }],
      });
      for (const nodeId of ['DC2', 'DS1', '3PL1']) await create({ nodeId });
      const sku = expectStatus(await f.wms.call('createFulfilmentOrder', { body: fulfilmentOrder(newOrderId(), { lines: [{ lineId: '1', sku: 'SKU-9999', quantity: 1 }] }) }), 422);
      expect(sku.body.type).toBe('https://concord.dev/problems/unknown-sku');
      const other = fulfilmentOrder(newOrderId(), { externalRef: `${newOrderId()}:fg1` });
      expect(expectStatus(await f.wms.call('createFulfilmentOrder', { body: other }), 422).body.errors).toEqual([
        { pointer: '/externalRef', message: `must be ${other.orderId}:<fulfilmentGroupId>` },
      ]);
    });

    it('releases created → released once; release again is unchanged; released cannot be cancelled', async () => {
      const fo = await create();
      f.clock.advance(1000);
      const released = expectStatus(await release(fo.id), 200).body;
      expect(released).toMatchObject({ status: 'released', releasedAt: f.clock.now().toISOString() });
      f.clock.advance(1000);
      expect(expectStatus(await release(fo.id), 200).body).toEqual(released);
      expect(expectStatus(await cancel(fo.id), 409).body.detail).toBe(`${fo.id} has been released for picking and can no longer be cancelled.`);
      expect(expectStatus(await f.wms.call('getFulfilmentOrder', { params: { fulfilmentOrderId: fo.id } }), 200).body.status).toBe('released');
    });

    it('cancels created → cancelled once; cancel again is unchanged; cancelled cannot be released', async () => {
      const fo = await create();
      const cancelled = expectStatus(await cancel(fo.id), 200).body;
      expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'customer_request' });
      expect(expectStatus(await cancel(fo.id), 200).body).toEqual(cancelled);
      expect(expectStatus(await release(fo.id), 409).body.detail).toBe(`${fo.id} is cancelled and cannot be released.`);
      expectStatus(await release('FO-999999'), 404);
      expectStatus(await cancel('FO-999999'), 404);
    });

    it('lists newest first, filtered by status', async () => {
      const a = await create();
      const b = await create();
      expectStatus(await release(a.id), 200);
      const created = expectStatus(await f.wms.call('listFulfilmentOrders', { query: { status: 'created', limit: 1 } }), 200).body;
      expect(created.items.map((o) => o.id)).toEqual([b.id]);
      expect(created.nextCursor).not.toBeNull();
      const released = expectStatus(await f.wms.call('listFulfilmentOrders', { query: { status: 'released', limit: 100 } }), 200).body;
      expect(released.items.map((o) => o.id)).toContain(a.id);
    });
  });

  describe('shipment confirmations', () => {
    it('ships partial quantities: partially_shipped, then shipped; a repeated shipmentId ships nothing twice', async () => {
      const fo = await create();
      expect(expectStatus(await ship(fo.id, `SHP-${fo.id}-0`, [{ lineId: '2', sku: 'SKU-0002', quantity: 1 }]), 409).body.detail).toBe(
        `${fo.id} has not been released for picking; nothing can be shipped.`,
      );
      expectStatus(await release(fo.id), 200);

      const first = expectStatus(await ship(fo.id, `SHP-${fo.id}-1`, [{ lineId: '2', sku: 'SKU-0002', quantity: 1 }]), 201).body;
      expect(first).toMatchObject({ id: expect.stringMatching(/^SC-\d{6}$/), fulfilmentOrderId: fo.id, externalRef: fo.externalRef, nodeId: 'DC1', fulfilmentOrderStatus: 'partially_shipped' });
      const repeat = expectStatus(await ship(fo.id, `SHP-${fo.id}-1`, [{ lineId: '2', sku: 'SKU-0002', quantity: 1 }]), 200).body;
      expect(repeat).toEqual(first);
      let now = expectStatus(await f.wms.call('getFulfilmentOrder', { params: { fulfilmentOrderId: fo.id } }), 200).body;
      expect(now.status).toBe('partially_shipped');
      expect(now.lines.map((l) => l.shippedQuantity)).toEqual([1, 0]);

      const over = expectStatus(await ship(fo.id, `SHP-${fo.id}-2`, [{ lineId: '2', sku: 'SKU-0002', quantity: 2 }]), 409);
      expect(over.body.detail).toBe(`Line 2 of ${fo.id} has 1 unit left to ship; 2 confirmed.`);

      const last = expectStatus(
        await ship(fo.id, `SHP-${fo.id}-3`, [
          { lineId: '2', sku: 'SKU-0002', quantity: 1 },
          { lineId: '3', sku: 'SKU-0003', quantity: 1 },
        ]),
        201,
      ).body;
      expect(last.fulfilmentOrderStatus).toBe('shipped');
      now = expectStatus(await f.wms.call('getFulfilmentOrder', { params: { fulfilmentOrderId: fo.id } }), 200).body;
      expect(now.status).toBe('shipped');
      expect(now.lines.map((l) => l.shippedQuantity)).toEqual([2, 1]);
      expect(expectStatus(await release(fo.id), 200).body.status).toBe('shipped');
      expect(expectStatus(await ship(fo.id, `SHP-${fo.id}-4`, [{ lineId: '3', sku: 'SKU-0003', quantity: 1 }]), 409).body.detail).toBe(
        `${fo.id} is shipped; nothing can be shipped.`,
      );

      const listed = expectStatus(await f.wms.call('listShipmentConfirmations', { query: { fulfilmentOrderId: fo.id } }), 200).body;
      expect(listed.items.map((c) => c.id)).toEqual([last.id, first.id]);
    });

    it('never ships more than ordered, however many shipments of one order arrive at once', async () => {
      const fo = await create({ lines: [{ lineId: '1', sku: 'SKU-0001', quantity: 3 }] });
      expectStatus(await release(fo.id), 200);
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => ship(fo.id, `SHP-${fo.id}-race-${i}`, [{ lineId: '1', sku: 'SKU-0001', quantity: 1 }])));
      expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 409, 409, 409]);
      const after = expectStatus(await f.wms.call('getFulfilmentOrder', { params: { fulfilmentOrderId: fo.id } }), 200).body;
      expect(after).toMatchObject({ status: 'shipped', lines: [{ quantity: 3, shippedQuantity: 3 }] });
    });

    it('refuses lines that are not on the fulfilment order, and an unknown fulfilment order, with 422', async () => {
      const fo = await create();
      expectStatus(await release(fo.id), 200);
      expect(expectStatus(await ship(fo.id, `SHP-${fo.id}-x`, [{ lineId: '7', sku: 'SKU-0002', quantity: 1 }]), 422).body.errors).toEqual([
        { pointer: '/lines/0/lineId', message: `not a line of ${fo.id}` },
      ]);
      expect(expectStatus(await ship(fo.id, `SHP-${fo.id}-y`, [{ lineId: '2', sku: 'SKU-0003', quantity: 1 }]), 422).body.errors).toEqual([
        { pointer: '/lines/0/sku', message: `line 2 of ${fo.id} is SKU-0002` },
      ]);
      expect(expectStatus(await ship('FO-999999', 'SHP-none', [{ lineId: '2', sku: 'SKU-0002', quantity: 1 }]), 422).body.errors).toEqual([
        { pointer: '/fulfilmentOrderId', message: 'no such fulfilment order' },
      ]);
      expect(expectStatus(await f.wms.call('listShipmentConfirmations', { query: { fulfilmentOrderId: fo.id } }), 200).body.items).toEqual([]);
    });
  });

  describe('return receipts and inventory movements', () => {
    it('records return receipts at WMS nodes, several per return, listed by return', async () => {
      const returnId = 'ret_01JD3QC7X8Y9Z0A1B2C3D4E5F6';
      const body = { returnId, locationId: 'DC1', lines: [{ returnLineId: '1', sku: 'SKU-0002', quantity: 1, condition: 'opened' as const, note: 'Box opened; item unused.' }], receivedAt: '2026-11-27T09:12:00Z' };
      const first = expectStatus(await f.wms.call('createReturnReceipt', { body }), 201).body;
      expect(first).toEqual({ id: expect.stringMatching(/^RR-\d{6}$/), ...body, receivedAt: '2026-11-27T09:12:00.000Z', recordedAt: f.clock.now().toISOString() });
      const second = expectStatus(await f.wms.call('createReturnReceipt', { body: { ...body, receivedAt: undefined } }), 201).body;
      expect(second.receivedAt).toBe(f.clock.now().toISOString());
      expect(expectStatus(await f.wms.call('listReturnReceipts', { query: { returnId } }), 200).body.items.map((r) => r.id)).toEqual([second.id, first.id]);
      expect(expectStatus(await f.wms.call('createReturnReceipt', { body: { ...body, locationId: 'S3' } }), 422).body.detail).toBe(
        'S3 is a store; WMS runs DC1, DC2, DS1 and 3PL1.',
      );
    });

    it('accepts movements with source and sequence as given, listed newest first by SKU, node and type', async () => {
      const body = { type: 'cycle_count' as const, sku: 'SKU-0002', locationId: 'DC1', quantity: 51, source: 'wms' as const, sourceSequence: 88, occurredAt: '2026-11-21T06:30:00Z' };
      const count = expectStatus(await f.wms.call('createInventoryMovement', { body }), 202).body;
      expect(count).toEqual({ id: expect.stringMatching(/^IM-\d{6}$/), ...body, occurredAt: '2026-11-21T06:30:00.000Z', status: 'accepted', receivedAt: f.clock.now().toISOString() });
      const stale = expectStatus(await f.wms.call('createInventoryMovement', { body: { ...body, type: 'receipt', quantity: 5, sourceSequence: 2, reference: 'ASN-1' } }), 202).body;
      expect(stale).toMatchObject({ sourceSequence: 2, reference: 'ASN-1' });
      const listed = expectStatus(await f.wms.call('listInventoryMovements', { query: { sku: 'SKU-0002', locationId: 'DC1' } }), 200).body;
      expect(listed.items.map((m) => m.id)).toEqual([stale.id, count.id]);
      expect(expectStatus(await f.wms.call('listInventoryMovements', { query: { type: 'cycle_count' } }), 200).body.items.map((m) => m.id)).toEqual([count.id]);
      expect(expectStatus(await f.wms.call('createInventoryMovement', { body: { ...body, locationId: 'S2' } }), 422).body.type).toBe(
        'https://concord.dev/problems/unknown-location',
      );
      expect(expectStatus(await f.wms.call('createInventoryMovement', { body: { ...body, sku: 'SKU-9999' } }), 422).body.type).toBe(
        'https://concord.dev/problems/unknown-sku',
      );
    });
  });
});

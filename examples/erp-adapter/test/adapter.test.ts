import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createErpV1Client } from '../../../generated/clients/system/erp.v1';
import type { ErpV1Client } from '../../../generated/clients/system/erp.v1';
import type { Erp } from '../mapping/types';
import { startErpAdapter } from '../src/adapter';
import { startExampleErp } from '../testing';
import type { ExampleErp } from '../testing';
import { startVendorStub } from '../vendor-stub/server';
import type { VendorStub } from '../vendor-stub/server';

// The adapter in front of the vendor stub, called with Concord's generated erp.v1 client, as Concord calls it.
// Vendor timeouts are short (300 ms) so the "slow vendor" cases stay quick; nothing asserts on speed.

let example: ExampleErp;
let stub: VendorStub;
let erp: ErpV1Client;
let dir: string;
let n = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'erp-adapter-lonely-'));
  example = await startExampleErp({ vendorTimeoutMs: 300 });
  stub = example.stub;
  erp = createErpV1Client({ baseUrl: example.url });
});
afterEach(() => stub.faults.set({ mode: 'none' }));
afterAll(async () => {
  await example?.close();
  await rm(dir, { recursive: true, force: true });
});

const orderRef = () => `ord_ADAPTERTEST${String(++n).padStart(4, '0')}`;
const salesOrder = (externalRef: string): Erp['CreateSalesOrderRequest'] => ({
  externalRef,
  channel: 'marketplace',
  channelOrderId: 'MKT-100234',
  currency: 'EUR',
  customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
  shippingAddress: { name: 'Ada Lovelace', line1: '12 Market Street', city: 'Leeds', postalCode: 'LS1 6DT', country: 'GB' },
  lines: [
    { lineNo: 1, orderLineId: '1', sku: 'SKU-0001', quantity: 1, unitPrice: { currency: 'EUR', amount: 1699 }, tax: { currency: 'EUR', amount: 340 } },
    // No tax given: erp.v1's default, the item's rate (20 %) on 2 × 23.99, rounded half up.
    { lineNo: 2, orderLineId: '2', sku: 'SKU-0002', quantity: 2, unitPrice: { currency: 'EUR', amount: 2399 } },
  ],
  shipping: { currency: 'EUR', amount: 0 },
  tenders: [{ type: 'marketplace', amount: { currency: 'EUR', amount: 7797 }, reference: 'MKT-PAY-100234' }],
});
const post = (body: Erp['CreateSalesOrderRequest']) => erp.POST('/system/erp/v1/sales-orders', { body });

describe('mapping round trips', () => {
  test('items: decimal prices, VAT percentages and deletion flags become erp.v1 money, basis points and active', async () => {
    const first = await erp.GET('/system/erp/v1/items', { params: { query: { limit: 2 } } });
    expect(first.response.status).toBe(200);
    expect(first.data!.items).toEqual([
      { sku: 'SKU-0001', name: expect.any(String), price: { currency: 'EUR', amount: 1699 }, taxRateBp: 2000, active: true },
      { sku: 'SKU-0002', name: expect.any(String), price: { currency: 'EUR', amount: 2399 }, taxRateBp: 2000, active: true },
    ]);
    const next = await erp.GET('/system/erp/v1/items', { params: { query: { limit: 2, cursor: first.data!.nextCursor! } } });
    expect(next.data!.items.map((i) => i.sku)).toEqual(['SKU-0003', 'SKU-0004']);
  });

  test('locations: plant kinds and flags become erp.v1 types and booleans, paged', async () => {
    const page = await erp.GET('/system/erp/v1/locations', { params: { query: { limit: 200 } } });
    expect(page.data!.nextCursor).toBeNull();
    expect(page.data!.items.find((l) => l.id === 'S1')).toEqual({ id: 'S1', name: 'Leeds Briggate store', type: 'store', parentId: 'NORTH', pickupEnabled: true, shipFromStoreEnabled: true });
    expect(page.data!.items.find((l) => l.id === 'NET')).toEqual({ id: 'NET', name: expect.any(String), type: 'network', pickupEnabled: false, shipFromStoreEnabled: false });
  });

  test('a sales order goes out in the vendor shape and comes back as erp.v1 sent it, with a numeric document number as SO id', async () => {
    const ref = orderRef();
    const { data, response } = await post(salesOrder(ref));
    expect(response.status).toBe(201);
    const [doc] = stub.salesDocsFor(ref);
    expect(doc).toMatchObject({ BSTKD: ref, VKANAL: 'MKT', ITEMS: [{ POSNR: 10, NETPR: '16.99', MWST: '3.40' }, { POSNR: 20, KWMENG: 2, NETPR: '23.99', MWST: '9.60' }], PAYMENTS: [{ ZLSCH: 'MP', BETRG: '77.97' }] });
    expect(data).toMatchObject({
      id: `SO-${doc!.VBELN}`,
      externalRef: ref,
      channel: 'marketplace',
      channelOrderId: 'MKT-100234',
      lines: [
        { lineNo: 1, orderLineId: '1', sku: 'SKU-0001', quantity: 1, unitPrice: { currency: 'EUR', amount: 1699 }, tax: { currency: 'EUR', amount: 340 } },
        { lineNo: 2, orderLineId: '2', sku: 'SKU-0002', quantity: 2, unitPrice: { currency: 'EUR', amount: 2399 }, tax: { currency: 'EUR', amount: 960 } },
      ],
      subtotal: { currency: 'EUR', amount: 6497 },
      taxTotal: { currency: 'EUR', amount: 1300 },
      total: { currency: 'EUR', amount: 7797 },
      status: 'open',
      tenders: [{ type: 'marketplace', amount: { currency: 'EUR', amount: 7797 }, reference: 'MKT-PAY-100234' }],
      shippingAddress: { name: 'Ada Lovelace', line1: '12 Market Street', city: 'Leeds', postalCode: 'LS1 6DT', country: 'GB' },
    });
    expect(response.headers.get('location')).toBe(`/system/erp/v1/sales-orders/${data!.id}`);
    expect((await erp.GET('/system/erp/v1/sales-orders/{salesOrderId}', { params: { path: { salesOrderId: data!.id } } })).data).toEqual(data);
  });

  test('inventory adjustments: stock postings newest first, movement types as reasons, the posting number as sequence', async () => {
    const { data } = await erp.GET('/system/erp/v1/inventory-adjustments', { params: { query: { limit: 1 } } });
    expect(data!.items).toEqual([
      { id: 'IA-4900000002', sku: 'SKU-0002', locationId: 'S1', delta: 1, reason: 'found', source: 'erp', sourceSequence: 4900000002, occurredAt: '2026-11-20T09:30:00Z', bookedAt: '2026-11-20T09:30:00Z' },
    ]);
    const older = await erp.GET('/system/erp/v1/inventory-adjustments', { params: { query: { limit: 1, cursor: data!.nextCursor! } } });
    expect(older.data).toEqual({ items: [expect.objectContaining({ id: 'IA-4900000001', delta: -2, reason: 'damage', note: 'water damage' })], nextCursor: null });
  });
});

describe('posting exactly once without vendor idempotency', () => {
  test('the same sales order posted again answers 200 with the first one; the vendor has one document', async () => {
    const ref = orderRef();
    const first = await post(salesOrder(ref));
    const again = await post({ ...salesOrder(ref), channelOrderId: 'CHANGED' });
    expect([first.response.status, again.response.status]).toEqual([201, 200]);
    expect(again.data).toEqual(first.data);
    expect(stub.salesDocsFor(ref)).toHaveLength(1);
  });

  test('duplicate sends at the same time: one vendor document', async () => {
    const ref = orderRef();
    const answers = await Promise.all(Array.from({ length: 6 }, () => post(salesOrder(ref))));
    expect(answers.map((a) => a.response.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(stub.salesDocsFor(ref)).toHaveLength(1);
  });

  test('the vendor books the order but the answer is lost: found by the lookup, answered 201, one document', async () => {
    const ref = orderRef();
    stub.faults.set({ mode: 'lose-response', times: 1 });
    const { response } = await post(salesOrder(ref));
    expect(response.status).toBe(201);
    expect(stub.salesDocsFor(ref)).toHaveLength(1);
  });

  test('the vendor answers after the adapter gave up: the lookup finds the booking, one document', async () => {
    const ref = orderRef();
    stub.faults.set({ mode: 'slow', delayMs: 600, times: 1 });
    const { response } = await post(salesOrder(ref));
    expect(response.status).toBe(201);
    expect(stub.salesDocsFor(ref)).toHaveLength(1);
  });

  test('vendor outage then recovery: 503 system-unavailable with Retry-After while down, then posted once', async () => {
    const ref = orderRef();
    stub.faults.set({ mode: 'down', times: 3 });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const { response, error } = await post(salesOrder(ref));
      statuses.push(response.status);
      if (response.ok) break;
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(error).toMatchObject({ type: 'https://concord.dev/problems/system-unavailable', status: 503 });
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // The lookup meets the outage first; the create is never sent while the vendor is down.
    expect(statuses.at(-1)).toBe(201);
    expect(statuses.slice(0, -1).every((s) => s === 503)).toBe(true);
    expect(stub.salesDocsFor(ref)).toHaveLength(1);
  });

  test('a credit memo is posted once per return id, found again by it', async () => {
    const ref = orderRef();
    const so = (await post(salesOrder(ref))).data!;
    const memo: Erp['CreateCreditMemoRequest'] = {
      externalRef: `ret_${ref.slice(4)}`,
      orderExternalRef: ref,
      reason: 'defective',
      amount: { currency: 'EUR', amount: 2879 },
      taxReversed: { currency: 'EUR', amount: 480 },
      lines: [{ salesOrderLineNo: 2, sku: 'SKU-0002', quantity: 1, amount: { currency: 'EUR', amount: 2399 }, tax: { currency: 'EUR', amount: 480 } }],
      allocations: [{ tenderType: 'marketplace', amount: { currency: 'EUR', amount: 2879 }, reference: 'MKT-PAY-100234' }],
    };
    const first = await erp.POST('/system/erp/v1/credit-memos', { body: memo });
    stub.faults.set({ mode: 'lose-response', times: 1 });
    const again = await erp.POST('/system/erp/v1/credit-memos', { body: memo });
    expect([first.response.status, again.response.status]).toEqual([201, 200]);
    expect(first.data).toMatchObject({ externalRef: memo.externalRef, salesOrderId: so.id, orderExternalRef: ref, amount: memo.amount, lines: memo.lines, allocations: memo.allocations });
    expect(first.data!.id).toMatch(/^CM-\d{10}$/);
    expect(stub.creditDocsFor(memo.externalRef)).toHaveLength(1);
  });
});

describe('vendor errors as erp.v1 problems', () => {
  test('an unknown material: 422 unknown-sku pointing at the line', async () => {
    const body = salesOrder(orderRef());
    body.lines[1]!.sku = 'SKU-9999';
    const { response, error } = await post(body);
    expect(response.status).toBe(422);
    expect(error).toMatchObject({ type: 'https://concord.dev/problems/unknown-sku', errors: [{ pointer: '/lines/1/sku' }] });
  });

  test('an amount in another currency: 422 validation, nothing sent to the vendor', async () => {
    const ref = orderRef();
    const body = salesOrder(ref);
    body.shipping = { currency: 'GBP', amount: 499 };
    const { response, error } = await post(body);
    expect(response.status).toBe(422);
    expect(error).toMatchObject({ type: 'https://concord.dev/problems/validation', errors: [{ pointer: '/shipping' }] });
    expect(stub.salesDocsFor(ref)).toHaveLength(0);
  });

  test('vendor throttling: 429 system-throttled with its wait as Retry-After seconds, rounded up', async () => {
    stub.faults.set({ mode: 'throttle', waitMs: 2500 });
    const { response, error } = await post(salesOrder(orderRef()));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(error).toMatchObject({ type: 'https://concord.dev/problems/system-throttled' });
  });

  test('cancel: 200 and idempotent on an open order; 409 conflict once invoiced', async () => {
    const open = (await post(salesOrder(orderRef()))).data!;
    const cancel = (id: string) => erp.POST('/system/erp/v1/sales-orders/{salesOrderId}/cancel', { params: { path: { salesOrderId: id } }, body: { reason: 'customer_request' } });
    const first = await cancel(open.id);
    const again = await cancel(open.id);
    expect([first.response.status, again.response.status]).toEqual([200, 200]);
    expect(again.data).toMatchObject({ status: 'cancelled', cancelReason: 'customer_request', cancelledAt: expect.any(String) });

    const invoiced = (await post(salesOrder(orderRef()))).data!;
    await fetch(`${stub.url}/_stub/sales-docs/${invoiced.id.slice(3)}/invoice`, { method: 'POST' });
    const refused = await cancel(invoiced.id);
    expect(refused.response.status).toBe(409);
    expect(refused.error).toMatchObject({ type: 'https://concord.dev/problems/conflict' });
    expect((await cancel('SO-000000000001')).response.status).toBe(404);
  });

  test('a vendor that refuses connections: 503 system-unavailable', async () => {
    const gone = await startVendorStub();
    await gone.close();
    const lonely = await startErpAdapter({ vendorUrl: gone.url, dataDir: join(dir, 'lonely'), port: 0, vendorTimeoutMs: 300 });
    try {
      const { response } = await createErpV1Client({ baseUrl: lonely.url }).GET('/system/erp/v1/items', { params: { query: { limit: 1 } } });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBeTruthy();
    } finally {
      await lonely.close();
    }
  });
});

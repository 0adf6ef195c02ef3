import type { components } from '../../generated/types/system/erp.v1';
import { describeOnBothDatabases } from '../../platform/testing/databases';
import { demoLineTax, demoLocations, demoPrice } from '../demo-data';
import type { SandboxFixture } from '../test-support';
import { CALLER, expectStatus, newOrderId, openSandbox } from '../test-support';
import { priceSalesOrder } from './sales-order-pricing';
import { insertSalesOrder } from './sales-order-store';

type CreateSalesOrderRequest = components['schemas']['CreateSalesOrderRequest'];
type CreateCreditMemoRequest = components['schemas']['CreateCreditMemoRequest'];

const eur = (amount: number) => ({ currency: 'EUR', amount });

/** The contract's example order: SKU-0001 × 1 and SKU-0002 × 2, total 7797. */
const salesOrder = (externalRef: string, over: Partial<CreateSalesOrderRequest> = {}): CreateSalesOrderRequest => ({
  externalRef,
  channel: 'marketplace',
  channelOrderId: 'MKT-100234',
  currency: 'EUR',
  customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
  shippingAddress: { name: 'Ada Lovelace', line1: '12 Market Street', city: 'Leeds', postalCode: 'LS1 6DT', country: 'GB' },
  lines: [
    { lineNo: 1, orderLineId: '1', sku: 'SKU-0001', quantity: 1, unitPrice: eur(1699), tax: eur(340) },
    { lineNo: 2, orderLineId: '2', sku: 'SKU-0002', quantity: 2, unitPrice: eur(2399) },
  ],
  shipping: eur(0),
  discount: eur(0),
  tenders: [{ type: 'marketplace', amount: eur(7797), reference: 'MKT-PAY-100234' }],
  ...over,
});

/** A refund of one unit of line 2 (2399 + 480 tax), as the contract's example. */
const creditMemo = (orderExternalRef: string, over: Partial<CreateCreditMemoRequest> = {}): CreateCreditMemoRequest => ({
  externalRef: `ret_${orderExternalRef.slice(4)}R${Math.random().toString(36).slice(2, 8)}`,
  orderExternalRef,
  reason: 'defective',
  amount: eur(2879),
  taxReversed: eur(480),
  lines: [{ salesOrderLineNo: 2, sku: 'SKU-0002', quantity: 1, amount: eur(2399), tax: eur(480) }],
  allocations: [{ tenderType: 'marketplace', amount: eur(2879), reference: 'MKT-PAY-100234' }],
  ...over,
});

describeOnBothDatabases('sandbox ERP', (open) => {
  let f: SandboxFixture;
  beforeAll(async () => {
    f = await openSandbox(open);
  });
  afterAll(async () => f?.close());

  const countSalesOrders = async () => Number((await f.db.query<{ n: string }>('SELECT count(*) AS n FROM erp.sales_orders')).rows[0]?.n);
  const create = async (externalRef = newOrderId(), over: Partial<CreateSalesOrderRequest> = {}) =>
    expectStatus(await f.erp.call('createSalesOrder', { body: salesOrder(externalRef, over) }), 201).body;

  describe('items and locations', () => {
    it('lists the item master by SKU with prices, page by page, filtered by SKUs and active', async () => {
      const first = expectStatus(await f.erp.call('listItems', { query: { limit: 100 } }), 200).body;
      expect(first.items[0]).toEqual({ sku: 'SKU-0001', name: 'Hoodie S #1', price: eur(1699), taxRateBp: 2000, active: true });
      const all = [...first.items];
      let cursor = first.nextCursor;
      while (cursor) {
        const page = expectStatus(await f.erp.call('listItems', { query: { limit: 100, cursor } }), 200).body;
        all.push(...page.items);
        cursor = page.nextCursor;
      }
      expect(all).toHaveLength(240);
      expect(all.map((i) => i.sku)).toEqual([...all.map((i) => i.sku)].sort());
      expect(all.every((i, n) => i.price.amount === demoPrice(n + 1))).toBe(true);

      const some = expectStatus(await f.erp.call('listItems', { query: { skus: ['SKU-0002', 'SKU-9999', 'SKU-0001'], active: true } }), 200).body;
      expect(some).toEqual({ items: [expect.objectContaining({ sku: 'SKU-0001' }), expect.objectContaining({ sku: 'SKU-0002' })], nextCursor: null });
      expect(expectStatus(await f.erp.call('listItems', { query: { active: false } }), 200).body).toEqual({ items: [], nextCursor: null });
    });

    it('gets one item; an unknown SKU is 404', async () => {
      expect(expectStatus(await f.erp.call('getItem', { params: { sku: 'SKU-0002' } }), 200).body).toEqual({
        sku: 'SKU-0002',
        name: 'Sneakers M #2',
        price: eur(2399),
        taxRateBp: 2000,
        active: true,
      });
      expect(expectStatus(await f.erp.call('getItem', { params: { sku: 'SKU-9999' } }), 404).body.type).toBe('https://concord.dev/problems/not-found');
    });

    it('lists the location master parents first, by type, across pages', async () => {
      const page1 = expectStatus(await f.erp.call('listLocations', { query: { limit: 5 } }), 200).body;
      const page2 = expectStatus(await f.erp.call('listLocations', { query: { limit: 20, cursor: page1.nextCursor ?? '' } }), 200).body;
      expect([...page1.items, ...page2.items].map((l) => l.id)).toEqual(demoLocations.map((l) => l.id));
      expect(page2.nextCursor).toBeNull();
      expect(page1.items[1]).toEqual({ id: 'NORTH', name: 'North region', type: 'region', parentId: 'NET', pickupEnabled: false, shipFromStoreEnabled: false });
      const stores = expectStatus(await f.erp.call('listLocations', { query: { type: 'store' } }), 200).body;
      expect(stores.items.map((l) => l.id)).toEqual(['S1', 'S2', 'S3', 'S4', 'S5', 'S6']);
    });

    it('refuses a cursor it did not issue, or one of another list, with 400', async () => {
      const itemsCursor = expectStatus(await f.erp.call('listItems', { query: { limit: 1 } }), 200).body.nextCursor ?? '';
      for (const cursor of ['garbage', itemsCursor]) {
        const res = expectStatus(await f.erp.call('listLocations', { query: { cursor } }), 400);
        expect(res.body.errors).toEqual([{ pointer: '#/query/cursor', message: 'not a cursor this list returned' }]);
      }
    });
  });

  describe('sales orders', () => {
    it('creates a sales order priced as the contract says: default line tax, totals, Location, SO number', async () => {
      const externalRef = newOrderId();
      const res = expectStatus(await f.erp.call('createSalesOrder', { body: salesOrder(externalRef) }), 201);
      const so = res.body;
      expect(so.id).toMatch(/^SO-\d{6}$/);
      expect(res.headers).toEqual({ Location: `/system/erp/v1/sales-orders/${so.id}` });
      expect(so).toMatchObject({
        externalRef,
        channel: 'marketplace',
        status: 'open',
        lines: [
          { lineNo: 1, orderLineId: '1', sku: 'SKU-0001', quantity: 1, unitPrice: eur(1699), tax: eur(340) },
          { lineNo: 2, orderLineId: '2', sku: 'SKU-0002', quantity: 2, unitPrice: eur(2399), tax: eur(demoLineTax(2 * 2399)) },
        ],
        subtotal: eur(6497),
        taxTotal: eur(1300),
        total: eur(7797),
        creditedTotal: eur(0),
        creditMemoIds: [],
        receivedAt: f.clock.now().toISOString(),
      });
      expect(expectStatus(await f.erp.call('getSalesOrder', { params: { salesOrderId: so.id } }), 200).body).toEqual(so);
    });

    it('answers a repeated externalRef with the first sales order, 200, whatever the body, and creates nothing', async () => {
      const externalRef = newOrderId();
      const first = await create(externalRef);
      const before = await countSalesOrders();
      const other = salesOrder(externalRef, { channel: 'web', lines: [{ lineNo: 1, sku: 'SKU-9999', quantity: 5, unitPrice: eur(1) }] });
      const again = expectStatus(await f.erp.call('createSalesOrder', { body: other }), 200);
      expect(again.body).toEqual(first);
      expect(await countSalesOrders()).toBe(before);
    });

    it('creates exactly one sales order from 20 concurrent posts of one externalRef', async () => {
      const externalRef = newOrderId();
      const before = await countSalesOrders();
      const results = await Promise.all(Array.from({ length: 20 }, () => f.erp.call('createSalesOrder', { body: salesOrder(externalRef) })));
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      expect(results.filter((r) => r.status === 200)).toHaveLength(19);
      const ids = new Set(results.map((r) => (r.status === 200 || r.status === 201 ? r.body.id : r.status)));
      expect(ids.size).toBe(1);
      expect(await countSalesOrders()).toBe(before + 1);
      const listed = expectStatus(await f.erp.call('listSalesOrders', { query: { externalRef } }), 200).body;
      expect(listed.items).toHaveLength(1);
      expect(listed.items[0]?.lines).toHaveLength(2);
    });

    it('keeps one sales order per externalRef even when 20 inserts race past the handler\'s first look', async () => {
      const externalRef = newOrderId();
      const body = salesOrder(externalRef);
      const priced = await priceSalesOrder(f.db, body, f.clock.now(), CALLER);
      if (!priced.ok) throw new Error('the example order does not price');
      const inserted = await Promise.all(Array.from({ length: 20 }, () => f.db.transaction((tx) => insertSalesOrder(tx, priced.order))));
      expect(inserted.filter((no) => no !== undefined)).toHaveLength(1);
      const { rows } = await f.db.query<{ n: string }>('SELECT count(*) AS n FROM erp.sales_order_lines l JOIN erp.sales_orders s ON s.no = l.sales_order_no WHERE s.external_ref = $1', [externalRef]);
      expect(Number(rows[0]?.n)).toBe(2);
    });

    it('refuses unknown SKUs (unknown-sku) and amounts in another currency (validation), creating nothing', async () => {
      const before = await countSalesOrders();
      const unknown = salesOrder(newOrderId(), {
        lines: [
          { lineNo: 1, sku: 'SKU-0001', quantity: 1, unitPrice: eur(1699) },
          { lineNo: 2, sku: 'SKU-9999', quantity: 1, unitPrice: eur(100) },
        ],
      });
      const res = expectStatus(await f.erp.call('createSalesOrder', { body: unknown }), 422);
      expect(res.body).toMatchObject({
        type: 'https://concord.dev/problems/unknown-sku',
        detail: 'SKU-9999 is not in the ERP item master.',
        correlationId: 'corr-test',
        errors: [{ pointer: '/lines/1/sku', message: 'unknown SKU' }],
      });
      const usd = salesOrder(newOrderId(), { shipping: { currency: 'USD', amount: 500 } });
      const mismatch = expectStatus(await f.erp.call('createSalesOrder', { body: usd }), 422);
      expect(mismatch.body.type).toBe('https://concord.dev/problems/validation');
      expect(mismatch.body.errors).toEqual([{ pointer: '/shipping/currency', message: 'USD is not the sales order currency EUR' }]);
      const twice = salesOrder(newOrderId(), { lines: [salesOrder('x').lines[0]!, { ...salesOrder('x').lines[1]!, lineNo: 1 }] });
      expect(expectStatus(await f.erp.call('createSalesOrder', { body: twice }), 422).body.errors).toEqual([
        { pointer: '/lines/1/lineNo', message: 'line 1 appears twice' },
      ]);
      expect(await countSalesOrders()).toBe(before);
    });

    it('lists newest first, by status and page by page; an unknown sales order is 404', async () => {
      const a = await create();
      const b = await create();
      const c = await create();
      const page1 = expectStatus(await f.erp.call('listSalesOrders', { query: { limit: 2 } }), 200).body;
      expect(page1.items.map((s) => s.id)).toEqual([c.id, b.id]);
      const page2 = expectStatus(await f.erp.call('listSalesOrders', { query: { limit: 2, cursor: page1.nextCursor ?? '' } }), 200).body;
      expect(page2.items[0]?.id).toBe(a.id);
      expectStatus(await f.erp.call('cancelSalesOrder', { params: { salesOrderId: b.id }, body: { reason: 'customer_request' } }), 200);
      const cancelled = expectStatus(await f.erp.call('listSalesOrders', { query: { status: 'cancelled', limit: 100 } }), 200).body;
      expect(cancelled.items.map((s) => s.id)).toContain(b.id);
      expect(cancelled.items.every((s) => s.status === 'cancelled')).toBe(true);
      for (const salesOrderId of ['SO-999999', 'SO-0000001']) {
        expectStatus(await f.erp.call('getSalesOrder', { params: { salesOrderId } }), 404);
      }
    });

    it('cancels an open sales order once; cancelling again changes nothing; invoiced is 409', async () => {
      const so = await create();
      f.clock.advance(60_000);
      const cancelled = expectStatus(await f.erp.call('cancelSalesOrder', { params: { salesOrderId: so.id }, body: { reason: 'customer_request' } }), 200).body;
      const at = f.clock.now().toISOString();
      expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'customer_request', cancelledAt: at, updatedAt: at });
      f.clock.advance(60_000);
      const again = expectStatus(await f.erp.call('cancelSalesOrder', { params: { salesOrderId: so.id }, body: { reason: 'other' } }), 200).body;
      expect(again).toEqual(cancelled);

      const invoiced = await create();
      expect(await f.systems.erp.invoice(invoiced.id)).toBe(true);
      const refused = expectStatus(await f.erp.call('cancelSalesOrder', { params: { salesOrderId: invoiced.id }, body: { reason: 'x' } }), 409);
      expect(refused.body.detail).toBe(`${invoiced.id} is invoiced; post a credit memo instead of cancelling.`);
      expectStatus(await f.erp.call('cancelSalesOrder', { params: { salesOrderId: 'SO-999999' }, body: { reason: 'x' } }), 404);
    });
  });

  describe('credit memos', () => {
    it('posts a refund once against the sales order: 201, then 200 for the same externalRef, whatever the body', async () => {
      const so = await create();
      const body = creditMemo(so.externalRef, { salesOrderId: so.id });
      const res = expectStatus(await f.erp.call('createCreditMemo', { body }), 201);
      expect(res.body).toMatchObject({ externalRef: body.externalRef, salesOrderId: so.id, orderExternalRef: so.externalRef, amount: eur(2879), taxReversed: eur(480) });
      expect(res.body.id).toMatch(/^CM-\d{6}$/);
      expect(res.headers).toEqual({ Location: `/system/erp/v1/credit-memos/${res.body.id}` });

      const again = expectStatus(await f.erp.call('createCreditMemo', { body: { ...body, amount: eur(1), reason: 'other' } }), 200);
      expect(again.body).toEqual(res.body);
      const after = expectStatus(await f.erp.call('getSalesOrder', { params: { salesOrderId: so.id } }), 200).body;
      expect(after).toMatchObject({ status: 'open', creditedTotal: eur(2879), creditMemoIds: [res.body.id] });
      expect(expectStatus(await f.erp.call('getCreditMemo', { params: { creditMemoId: res.body.id } }), 200).body).toEqual(res.body);
      expect(expectStatus(await f.erp.call('listCreditMemos', { query: { externalRef: body.externalRef } }), 200).body.items).toEqual([res.body]);
      expect(expectStatus(await f.erp.call('listCreditMemos', { query: { orderExternalRef: so.externalRef } }), 200).body.items).toEqual([res.body]);
      expectStatus(await f.erp.call('getCreditMemo', { params: { creditMemoId: 'CM-999999' } }), 404);
    });

    it('finds the sales order by orderExternalRef, credits up to its total, then it is credited; beyond is 409', async () => {
      const so = await create();
      // 7797 = 2879 + 2879 + 2039 (line 1 with tax: 1699 + 340).
      expectStatus(await f.erp.call('createCreditMemo', { body: creditMemo(so.externalRef) }), 201);
      expectStatus(await f.erp.call('createCreditMemo', { body: creditMemo(so.externalRef) }), 201);
      const over = expectStatus(await f.erp.call('createCreditMemo', { body: creditMemo(so.externalRef) }), 409);
      expect(over.body.detail).toBe(`${so.id} has 2039 EUR minor units left to credit; 2879 requested.`);
      const rest = creditMemo(so.externalRef, {
        amount: eur(2039),
        taxReversed: eur(340),
        lines: [{ salesOrderLineNo: 1, sku: 'SKU-0001', quantity: 1, amount: eur(1699), tax: eur(340) }],
        allocations: [{ tenderType: 'marketplace', amount: eur(2039) }],
      });
      expectStatus(await f.erp.call('createCreditMemo', { body: rest }), 201);
      const credited = expectStatus(await f.erp.call('getSalesOrder', { params: { salesOrderId: so.id } }), 200).body;
      expect(credited).toMatchObject({ status: 'credited', creditedTotal: eur(7797) });
      expect(credited.creditMemoIds).toHaveLength(3);
      expectStatus(await f.erp.call('cancelSalesOrder', { params: { salesOrderId: so.id }, body: { reason: 'x' } }), 409);
    });

    it('never credits more than the total, however many refunds of one order arrive at once', async () => {
      const so = await create();
      const results = await Promise.all(Array.from({ length: 5 }, () => f.erp.call('createCreditMemo', { body: creditMemo(so.externalRef) })));
      expect(results.map((r) => r.status).sort()).toEqual([201, 201, 409, 409, 409]);
      const after = expectStatus(await f.erp.call('getSalesOrder', { params: { salesOrderId: so.id } }), 200).body;
      expect(after.creditedTotal).toEqual(eur(5758));
    });

    it('refuses memos that do not add up, are off the order, or whose sales order is missing or cancelled', async () => {
      const so = await create();
      const problemOf = async (body: CreateCreditMemoRequest, status: 409 | 422) => {
        const res = await f.erp.call('createCreditMemo', { body });
        if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
        return res.body as { type: string; detail?: string; errors?: unknown };
      };
      const base = creditMemo(so.externalRef);
      expect(await problemOf({ ...base, allocations: [{ tenderType: 'marketplace', amount: eur(2399) }] }, 422)).toMatchObject({
        type: 'https://concord.dev/problems/tender-mismatch',
        detail: 'Allocations add up to 2399 EUR minor units; the credit memo amount is 2879.',
        errors: [{ pointer: '/allocations', message: 'must add up to 2879' }],
      });
      expect((await problemOf({ ...base, amount: eur(2880), allocations: [{ tenderType: 'marketplace', amount: eur(2880) }] }, 422)).type).toBe(
        'https://concord.dev/problems/tender-mismatch',
      );
      expect((await problemOf({ ...base, taxReversed: eur(0) }, 422)).type).toBe('https://concord.dev/problems/tender-mismatch');
      const offOrder = { ...base, lines: [{ salesOrderLineNo: 2, sku: 'SKU-0003', quantity: 1, amount: eur(2399), tax: eur(480) }] };
      expect(await problemOf(offOrder, 422)).toMatchObject({ type: 'https://concord.dev/problems/validation', errors: [{ pointer: '/lines/0/sku' }] });
      const tooMany = { ...base, lines: [{ sku: 'SKU-0002', quantity: 3, amount: eur(2399), tax: eur(480) }] };
      expect(await problemOf(tooMany, 422)).toMatchObject({ errors: [{ pointer: '/lines/0/quantity', message: '2 ordered' }] });
      expect(await problemOf(creditMemo(newOrderId()), 422)).toMatchObject({ errors: [{ pointer: '/orderExternalRef', message: 'no such sales order' }] });
      expect(await problemOf({ ...base, salesOrderId: 'SO-999999' }, 422)).toMatchObject({ errors: [{ pointer: '/salesOrderId' }] });

      expectStatus(await f.erp.call('cancelSalesOrder', { params: { salesOrderId: so.id }, body: { reason: 'x' } }), 200);
      expect((await problemOf(creditMemo(so.externalRef), 409)).detail).toBe(`${so.id} is cancelled; there is nothing to credit.`);
      expect(expectStatus(await f.erp.call('listCreditMemos', { query: { orderExternalRef: so.externalRef } }), 200).body.items).toEqual([]);
    });
  });

  describe('inventory adjustments', () => {
    it('books an adjustment with its source and sequence as given, newest first, filtered by SKU and location', async () => {
      const body = { sku: 'SKU-0001', locationId: 'DC1', delta: -2, reason: 'damage' as const, note: 'Water damage in aisle 14.', source: 'erp' as const, sourceSequence: 15, occurredAt: '2026-11-21T09:00:00Z' };
      const first = expectStatus(await f.erp.call('createInventoryAdjustment', { body }), 201).body;
      expect(first).toEqual({ id: expect.stringMatching(/^IA-\d{6}$/), ...body, occurredAt: '2026-11-21T09:00:00.000Z', bookedAt: f.clock.now().toISOString() });
      // A stale sequence is booked as given: ordering is Concord's inventory's business.
      const stale = expectStatus(await f.erp.call('createInventoryAdjustment', { body: { ...body, sourceSequence: 3, delta: 4, locationId: 'S1' } }), 201).body;
      expect(stale.sourceSequence).toBe(3);
      const bySku = expectStatus(await f.erp.call('listInventoryAdjustments', { query: { sku: 'SKU-0001' } }), 200).body;
      expect(bySku.items.map((a) => a.id)).toEqual([stale.id, first.id]);
      const atDc1 = expectStatus(await f.erp.call('listInventoryAdjustments', { query: { locationId: 'DC1' } }), 200).body;
      expect(atDc1.items.map((a) => a.id)).toEqual([first.id]);
    });

    it('refuses an unknown SKU (unknown-sku) and a location that holds no stock (unknown-location)', async () => {
      const body = { sku: 'SKU-0001', locationId: 'DC1', delta: 1, reason: 'found' as const, source: 'erp' as const, sourceSequence: 1 };
      expect(expectStatus(await f.erp.call('createInventoryAdjustment', { body: { ...body, sku: 'SKU-9999' } }), 422).body.type).toBe(
        'https://concord.dev/problems/unknown-sku',
      );
      expect(expectStatus(await f.erp.call('createInventoryAdjustment', { body: { ...body, locationId: 'NORTH' } }), 422).body).toMatchObject({
        type: 'https://concord.dev/problems/unknown-location',
        detail: 'NORTH is a region and holds no stock.',
        errors: [{ pointer: '/locationId', message: 'not a stock-holding location' }],
      });
      expect(expectStatus(await f.erp.call('createInventoryAdjustment', { body: { ...body, locationId: 'XX9' } }), 422).body.detail).toBe(
        'XX9 is not in the location master.',
      );
    });
  });
});

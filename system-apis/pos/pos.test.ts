import type { components } from '../../generated/types/system/pos.v1';
import { problem } from '../../platform/server/problem';
import { describeOnBothDatabases } from '../../platform/testing/databases';
import type { ForwardingOutcome, InStoreReturnForward } from './return-forwarding';
import type { SandboxFixture } from '../test-support';
import { CALLER, expectStatus, newOrderId, openSandbox } from '../test-support';

type CreatePickupInstructionRequest = components['schemas']['CreatePickupInstructionRequest'];
type CreateStoreSaleRequest = components['schemas']['CreateStoreSaleRequest'];

const eur = (amount: number) => ({ currency: 'EUR', amount });

const pickup = (orderId = newOrderId(), over: Partial<CreatePickupInstructionRequest> = {}): CreatePickupInstructionRequest => ({
  externalRef: `${orderId}:fg1`,
  orderId,
  storeId: 'S1',
  lines: [{ lineId: '1', sku: 'SKU-0001', quantity: 1 }],
  customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
  ...over,
});

const sale = (over: Partial<CreateStoreSaleRequest> = {}): CreateStoreSaleRequest => ({
  storeId: 'S1',
  receiptId: 'S1-R-000101',
  currency: 'EUR',
  lines: [{ sku: 'SKU-0003', quantity: 1, unitPrice: eur(3099) }],
  tenders: [{ type: 'cash', amount: eur(3719) }],
  sourceSequence: 101,
  occurredAt: '2026-11-21T12:04:10Z',
  ...over,
});

const RETURN = {
  storeId: 'S3',
  orderId: 'ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3',
  lines: [{ orderLineId: '2', sku: 'SKU-0002', quantity: 1, reason: 'defective' as const }],
  customerEmail: 'ada@example.com',
};

describeOnBothDatabases('sandbox POS', (open) => {
  let f: SandboxFixture;
  /** What the fake returns process API answers next; every forward it receives. */
  let answer: ForwardingOutcome = { outcome: 'unreachable', reason: 'down' };
  const forwarded: InStoreReturnForward[] = [];
  beforeAll(async () => {
    f = await openSandbox(open, {
      forwardInStoreReturn: async (ret) => {
        forwarded.push(ret);
        return answer;
      },
    });
  });
  afterAll(async () => f?.close());

  const create = async (over: Partial<CreatePickupInstructionRequest> = {}) =>
    expectStatus(await f.pos.call('createPickupInstruction', { body: pickup(newOrderId(), over) }), 201).body;
  const ready = (pickupId: string) => f.pos.call('markPickupReady', { params: { pickupId } });
  const collected = (pickupId: string) => f.pos.call('markPickupCollected', { params: { pickupId } });
  const cancel = (pickupId: string) => f.pos.call('cancelPickup', { params: { pickupId }, body: { reason: 'customer_request' } });

  describe('pickups', () => {
    it('runs pending → ready → collected, each step idempotent, and refuses steps out of order', async () => {
      const orderId = newOrderId();
      const res = expectStatus(await f.pos.call('createPickupInstruction', { body: pickup(orderId) }), 201);
      const created = res.body;
      expect(created).toMatchObject({ id: expect.stringMatching(/^PU-\d{6}$/), externalRef: `${orderId}:fg1`, fulfilmentGroupId: 'fg1', storeId: 'S1', status: 'pending' });
      expect(created.pickupCode).toMatch(/^\d{6}$/);
      expect(res.headers).toEqual({ Location: `/system/pos/v1/pickups/${created.id}` });
      const repeat = expectStatus(await f.pos.call('createPickupInstruction', { body: pickup(orderId, { storeId: 'S2' }) }), 200);
      expect(repeat.body).toEqual(created);

      expect(expectStatus(await collected(created.id), 409).body.detail).toBe(`${created.id} is pending; mark it ready first.`);
      f.clock.advance(60_000);
      const isReady = expectStatus(await ready(created.id), 200).body;
      expect(isReady).toMatchObject({ status: 'ready', readyAt: f.clock.now().toISOString() });
      f.clock.advance(60_000);
      expect(expectStatus(await ready(created.id), 200).body).toEqual(isReady);
      const done = expectStatus(await collected(created.id), 200).body;
      expect(done).toMatchObject({ status: 'collected', readyAt: isReady.readyAt, collectedAt: f.clock.now().toISOString() });
      expect(expectStatus(await collected(created.id), 200).body).toEqual(done);
      expect(expectStatus(await cancel(created.id), 409).body.detail).toBe(`${created.id} has been collected.`);
      expect(expectStatus(await ready(created.id), 409).body.detail).toBe(`${created.id} is collected.`);
      expect(expectStatus(await f.pos.call('getPickup', { params: { pickupId: created.id } }), 200).body).toEqual(done);
    });

    it('cancels a pending or ready pickup once; a cancelled one cannot be readied or collected', async () => {
      const pending = await create();
      const cancelled = expectStatus(await cancel(pending.id), 200).body;
      expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'customer_request' });
      expect(expectStatus(await cancel(pending.id), 200).body).toEqual(cancelled);
      expect(expectStatus(await ready(pending.id), 409).body.detail).toBe(`${pending.id} is cancelled.`);
      expect(expectStatus(await collected(pending.id), 409).body.detail).toBe(`${pending.id} is cancelled.`);

      const readied = await create();
      expectStatus(await ready(readied.id), 200);
      expect(expectStatus(await cancel(readied.id), 200).body.status).toBe('cancelled');
      for (const step of [ready, collected, cancel]) expectStatus(await step('PU-999999'), 404);
    });

    it('only takes pickup-enabled stores and known SKUs; lists by externalRef, store and status', async () => {
      const details = [];
      for (const storeId of ['DS1', 'DC1', 'XX1']) {
        const refused = expectStatus(await f.pos.call('createPickupInstruction', { body: pickup(newOrderId(), { storeId }) }), 422).body;
        expect(refused).toMatchObject({ type: 'https://concord.dev/problems/invalid-pickup-store', errors: [{ pointer: '/storeId', message: 'not a pickup-enabled store' }] });
        details.push(refused.detail);
      }
      expect(details).toEqual([
        'DS1 is a dark store and does not offer store pickup.',
        'DC1 is a distribution centre and does not offer store pickup.',
        'XX1 is not a store POS runs and does not offer store pickup.',
      ]);
      const sku = expectStatus(await f.pos.call('createPickupInstruction', { body: pickup(newOrderId(), { lines: [{ lineId: '1', sku: 'SKU-9999', quantity: 1 }] }) }), 422);
      expect(sku.body.type).toBe('https://concord.dev/problems/unknown-sku');

      const s6 = await create({ storeId: 'S6' });
      const s6b = await create({ storeId: 'S6' });
      expectStatus(await ready(s6b.id), 200);
      expect(expectStatus(await f.pos.call('listPickups', { query: { storeId: 'S6' } }), 200).body.items.map((p) => p.id)).toEqual([s6b.id, s6.id]);
      expect(expectStatus(await f.pos.call('listPickups', { query: { storeId: 'S6', status: 'ready' } }), 200).body.items.map((p) => p.id)).toEqual([s6b.id]);
      expect(expectStatus(await f.pos.call('listPickups', { query: { externalRef: s6.externalRef } }), 200).body.items).toEqual([s6]);
    });
  });

  describe('store sales and stock counts', () => {
    it('records a sale with default tax and its total; the tenders must add up to it', async () => {
      const recorded = expectStatus(await f.pos.call('createStoreSale', { body: sale() }), 201).body;
      expect(recorded).toMatchObject({
        id: expect.stringMatching(/^SS-\d{6}$/),
        storeId: 'S1',
        lines: [{ sku: 'SKU-0003', quantity: 1, unitPrice: eur(3099), tax: eur(620) }],
        total: eur(3719),
        sourceSequence: 101,
        occurredAt: '2026-11-21T12:04:10.000Z',
      });
      // The same receipt and an older sequence are recorded as given: judging them is Concord's inventory's job.
      const again = expectStatus(await f.pos.call('createStoreSale', { body: sale({ sourceSequence: 99 }) }), 201).body;
      expect(again.id).not.toBe(recorded.id);
      const short = expectStatus(await f.pos.call('createStoreSale', { body: sale({ tenders: [{ type: 'cash', amount: eur(3099) }] }) }), 422);
      expect(short.body).toMatchObject({
        type: 'https://concord.dev/problems/tender-mismatch',
        detail: 'Tenders add up to 3099 EUR minor units; the sale total is 3719.',
        errors: [{ pointer: '/tenders', message: 'must add up to 3719' }],
      });
      expect(expectStatus(await f.pos.call('createStoreSale', { body: sale({ storeId: 'DC1' }) }), 422).body.detail).toBe(
        'DC1 is a distribution centre, not a store; POS runs the stores.',
      );
      expect(expectStatus(await f.pos.call('listStoreSales', { query: { storeId: 'S1' } }), 200).body.items.map((s) => s.id)).toEqual([again.id, recorded.id]);
    });

    it('accepts a stock count with its sequence as given, and lists it; only at a store and for known SKUs', async () => {
      const body = { storeId: 'S3', counts: [{ sku: 'SKU-0002', counted: 9 }, { sku: 'SKU-0003', counted: 10 }], sourceSequence: 57, occurredAt: '2026-11-21T07:45:00Z' };
      const counted = expectStatus(await f.pos.call('createStockCount', { body }), 202).body;
      expect(expectStatus(await f.pos.call('listStockCounts', { query: { storeId: 'S3' } }), 200).body.items).toContainEqual(counted);
      expect(expectStatus(await f.pos.call('listStockCounts', { query: { storeId: 'S4' } }), 200).body.items.map((c) => c.id)).not.toContain(counted.id);
      expect(counted).toEqual({
        id: expect.stringMatching(/^CNT-\d{6}$/),
        ...body,
        occurredAt: '2026-11-21T07:45:00.000Z',
        status: 'accepted',
        receivedAt: f.clock.now().toISOString(),
      });
      expect(expectStatus(await f.pos.call('createStockCount', { body: { ...body, storeId: 'DC1' } }), 422).body.type).toBe('https://concord.dev/problems/unknown-location');
      expect(expectStatus(await f.pos.call('createStockCount', { body: { ...body, counts: [{ sku: 'SKU-9999', counted: 1 }] } }), 422).body.errors).toEqual([
        { pointer: '/counts/0/sku', message: 'unknown SKU' },
      ]);
    });
  });

  describe('in-store returns', () => {
    it('forwards to Concord: taken → forwarded with its id; unreachable → pending, then forwarded by a retry', async () => {
      answer = { outcome: 'forwarded', concordReturnId: 'ret_01JD3QB1M2N3P4Q5R6S7T8V9W0' };
      const res = expectStatus(await f.pos.call('createInStoreReturn', { body: RETURN }), 201);
      expect(res.body).toMatchObject({ posReturnId: expect.stringMatching(/^PR-\d{6}$/), concordReturnId: 'ret_01JD3QB1M2N3P4Q5R6S7T8V9W0', forwardingStatus: 'forwarded', storeId: 'S3' });
      expect(res.headers).toEqual({ Location: `/system/pos/v1/returns/${res.body.posReturnId}` });
      expect(forwarded.at(-1)).toEqual({ posReturnId: res.body.posReturnId, ...RETURN });

      answer = { outcome: 'unreachable', reason: 'connection refused' };
      const pending = expectStatus(await f.pos.call('createInStoreReturn', { body: RETURN }), 201).body;
      expect(pending.forwardingStatus).toBe('pending');
      expect(pending.concordReturnId).toBeUndefined();
      expect(await f.systems.pos.retryPendingReturns(CALLER)).toEqual({ forwarded: 0, pending: 1 });

      answer = { outcome: 'forwarded', concordReturnId: 'ret_01JD3QB1M2N3P4Q5R6S7T8V9W1' };
      expect(await f.systems.pos.retryPendingReturns(CALLER)).toEqual({ forwarded: 1, pending: 0 });
      // Every forward of one return carries its POS number, which is how Concord dedupes them.
      expect(forwarded.slice(-3).map((x) => x.posReturnId)).toEqual([pending.posReturnId, pending.posReturnId, pending.posReturnId]);
      expect(expectStatus(await f.pos.call('getInStoreReturn', { params: { posReturnId: pending.posReturnId } }), 200).body).toMatchObject({
        forwardingStatus: 'forwarded',
        concordReturnId: 'ret_01JD3QB1M2N3P4Q5R6S7T8V9W1',
      });
      expectStatus(await f.pos.call('getInStoreReturn', { params: { posReturnId: 'PR-999999' } }), 404);
    });

    it("answers Concord's rejection as 422 and records nothing; a return at a non-store is refused before forwarding", async () => {
      answer = {
        outcome: 'rejected',
        problem: problem('return-quantity-exceeded', 409, 'Return quantity exceeds what can be returned', { detail: 'Line 2 has 0 units left to return; 1 requested.' }),
      };
      const before = (await f.db.query<{ n: string }>('SELECT count(*) AS n FROM pos.in_store_returns')).rows[0]?.n;
      const res = expectStatus(await f.pos.call('createInStoreReturn', { body: RETURN }), 422);
      expect(res.body).toMatchObject({ type: 'https://concord.dev/problems/return-quantity-exceeded', status: 422, correlationId: 'corr-test' });
      expect((await f.db.query<{ n: string }>('SELECT count(*) AS n FROM pos.in_store_returns')).rows[0]?.n).toBe(before);

      const sent = forwarded.length;
      expect(expectStatus(await f.pos.call('createInStoreReturn', { body: { ...RETURN, storeId: 'DC2' } }), 422).body.type).toBe(
        'https://concord.dev/problems/unknown-location',
      );
      expect(forwarded).toHaveLength(sent);
    });
  });
});

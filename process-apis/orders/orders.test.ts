import { randomUUID } from 'node:crypto';
import { appendEvents } from '../../platform/events/outbox';
import { createCircuitBreaker } from '../../platform/http/circuit-breaker';
import { createLogger } from '../../platform/logger';
import { describeWithService } from '../../platform/testing/services';
import type { SystemClients } from './sync/downstream';
import { createSyncWorker } from './sync/sync-worker';
import type { Backend, Harness } from './testing/harness';
import { marketplaceOrder, shipOrder, startHarness } from './testing/harness';

// Order intake end to end, through the gateway with real tokens: on the embedded default (PGlite, in-process
// bus) and on PostgreSQL with NATS JetStream. The worker and tracker are driven by the tests (`settle`).

const PROBLEM = 'https://concord.dev/problems/';

function suite(backend: Backend) {
  let h: Harness;
  // Many tests place the scenario 1 marketplace order: the demo stock of the example SKUs has room for all of them.
  beforeAll(async () => {
    h = await startHarness(backend);
  });
  afterAll(async () => h?.close());

  const salesOrders = async (externalRef: string) =>
    (await h.call('admin', 'GET', `/system/erp/v1/sales-orders?externalRef=${externalRef}&limit=100`)).body.items as Array<{ id: string; status: string }>;
  const position = async (sku: string, locationId: string) =>
    (
      await h.platform.db.query<{ on_hand: number; reserved: number }>('SELECT on_hand, reserved FROM inventory.positions WHERE sku = $1 AND location_id = $2', [
        sku,
        locationId,
      ])
    ).rows[0]!;
  const fault = (system: string, body: Record<string, unknown>) => h.call('admin', 'PUT', `/system/${system}/v1/sandbox/faults`, body);

  test('scenario 1: split into a POS pickup and a WMS shipment, one order id, one ERP sales order; retries replay', async () => {
    const key = randomUUID();
    const body = marketplaceOrder(`MKT-${randomUUID()}`);
    const created = await h.call('sandbox', 'POST', '/v2/orders', body, { 'Idempotency-Key': key });
    expect(created.status).toBe(201);
    const order = created.body;
    expect(created.headers.get('location')).toBe(`/v2/orders/${order.id}`);
    expect(order.fulfilmentGroups).toEqual([
      expect.objectContaining({ id: 'fg1', nodeId: 'S1', method: 'store_pickup', system: 'pos', lineIds: ['1'] }),
      expect.objectContaining({ id: 'fg2', nodeId: 'DC1', method: 'ship', system: 'wms', lineIds: ['2'] }),
    ]);
    expect(order.totals.total).toEqual({ currency: 'EUR', amount: 7797 });

    const replay = await h.call('sandbox', 'POST', '/v2/orders', body, { 'Idempotency-Key': key });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotency-replayed')).toBe('true');
    expect(replay.body).toEqual(order);

    const again = await h.call('sandbox', 'POST', '/v2/orders', body, { 'Idempotency-Key': randomUUID() });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(order.id);

    await h.settle();
    const synced = (await h.call('sandbox', 'GET', `/v2/orders/${order.id}`)).body;
    expect(synced.status).toBe('allocated');
    expect(synced.sync.erp).toEqual(expect.objectContaining({ status: 'synced', externalRef: expect.stringMatching(/^SO-/) }));
    expect(synced.sync.wms).toEqual(expect.objectContaining({ status: 'synced', externalRef: expect.stringMatching(/^FO-/) }));
    expect(synced.sync.pos.status).toBe('synced');
    expect(await salesOrders(order.id)).toHaveLength(1);
    // v1 reads the same order with channel + channelOrderId.
    const v1 = (await h.call('sandbox', 'GET', `/v1/orders/${order.id}`)).body;
    expect(v1).toEqual(expect.objectContaining({ channel: 'marketplace', channelOrderId: body.source.orderId }));
  });

  test('business rules each have their own problem type', async () => {
    const base = marketplaceOrder(`MKT-${randomUUID()}`);
    const cases: Array<[unknown, number, string]> = [
      [{ ...base, lines: [{ ...base.lines[1], sku: 'SKU-9999' }] }, 422, 'unknown-sku'],
      [{ ...base, lines: [{ ...base.lines[1], unitPrice: { currency: 'EUR', amount: 1999 } }] }, 422, 'price-mismatch'],
      [{ ...base, tenders: [{ type: 'marketplace', amount: { currency: 'EUR', amount: 1 } }] }, 422, 'tender-mismatch'],
      [{ ...base, lines: [{ ...base.lines[0], fulfilment: { method: 'store_pickup', locationId: 'DC1' } }, base.lines[1]] }, 422, 'invalid-pickup-store'],
      [{ ...base, source: { channel: 'pos', orderId: 'X-1', storeId: 'DC2' } }, 422, 'invalid-pickup-store'],
    ];
    for (const [body, status, kind] of cases) {
      const res = await h.call('sandbox', 'POST', '/v2/orders', body);
      expect([res.status, res.body.type]).toEqual([status, PROBLEM + kind]);
    }
    // A declared override accepts a price that differs from the list.
    const line = { ...base.lines[1], unitPrice: { currency: 'EUR', amount: 1999 }, tax: { currency: 'EUR', amount: 800 }, priceOverride: { reason: 'price match' } };
    const overridden = await h.call('sandbox', 'POST', '/v2/orders', { ...base, lines: [line], tenders: [{ type: 'marketplace', amount: { currency: 'EUR', amount: 4798 } }] });
    expect(overridden.status).toBe(201);
  });

  test('scenario 2: 50 concurrent orders for the last 10 units reserve exactly 10', async () => {
    await h.platform.db.query(`UPDATE inventory.positions SET on_hand = 10, reserved = 0 WHERE sku = 'SKU-0232' AND location_id = 'DC1'`);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => h.call('sandbox', 'POST', '/v2/orders', shipOrder(`FLASH-${i}-${randomUUID()}`, 'SKU-0232', 1))),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(40);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.type === `${PROBLEM}insufficient-stock`)).toBe(true);
    expect(await position('SKU-0232', 'DC1')).toEqual({ on_hand: 10, reserved: 10 });
  });

  test('scenario 2: the marketplace takes at most its 30 % allocation; web and marketplace never promise the same unit', async () => {
    await h.platform.db.query(`UPDATE inventory.positions SET on_hand = 10, reserved = 0, safety_stock = 0 WHERE sku = 'SKU-0233' AND location_id = 'DC1'`);
    const marketplace = (i: number) => ({ ...shipOrder(`M-${i}-${randomUUID()}`, 'SKU-0233', 1), source: { channel: 'marketplace', orderId: `M-${i}-${randomUUID()}`, marketplace: 'zalando-de' } });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => h.call('sandbox', 'POST', '/v2/orders', i % 2 ? marketplace(i) : shipOrder(`W-${i}-${randomUUID()}`, 'SKU-0233', 1))),
    );
    const accepted = results.filter((r) => r.status === 201).map((r) => r.body.source.channel as string);
    expect(accepted.filter((c) => c === 'marketplace').length).toBeLessThanOrEqual(3);
    expect(accepted).toHaveLength(10);
    expect(results.filter((r) => r.status !== 201).every((r) => r.status === 409 && r.body.type === `${PROBLEM}insufficient-stock`)).toBe(true);
    expect(await position('SKU-0233', 'DC1')).toEqual({ on_hand: 10, reserved: 10 });
  });

  test('partner isolation: another partner reading or cancelling an order gets 404', async () => {
    const created = await h.call('sandbox', 'POST', '/v2/orders', marketplaceOrder(`MKT-${randomUUID()}`));
    const partner = await h.call('admin', 'POST', '/admin/v1/partners', { name: 'Other Partner', contactEmail: 'other@example.com' });
    const app = await h.call('admin', 'POST', '/admin/v1/apps', { name: 'Other app', plan: 'internal', scopes: ['orders:read', 'orders:write'], partnerId: partner.body.id });
    const other = { client_id: app.body.clientId ?? app.body.client_id, client_secret: app.body.clientSecret ?? app.body.client_secret };
    expect((await h.call(other, 'GET', `/v2/orders/${created.body.id}`)).status).toBe(404);
    expect((await h.call(other, 'POST', `/v2/orders/${created.body.id}/cancel`, { reason: 'fraud' })).status).toBe(404);
    expect((await h.call(other, 'GET', '/v2/orders?limit=100')).body.items).toEqual([]);
    expect((await h.call('sandbox', 'GET', `/v2/orders/${created.body.id}`)).status).toBe(200);
  });

  test('cancel before pick release releases stock and cancels downstream; after pick release it is 409', async () => {
    const before = await position('SKU-0010', 'DC1');
    const a = (await h.call('sandbox', 'POST', '/v2/orders', shipOrder(`C-${randomUUID()}`, 'SKU-0010', 2))).body;
    await h.settle();
    expect((await position('SKU-0010', 'DC1')).reserved).toBe(before.reserved + 2);
    const cancelled = await h.call('sandbox', 'POST', `/v2/orders/${a.id}/cancel`, { reason: 'customer_request' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual(expect.objectContaining({ status: 'cancelled' }));
    expect(cancelled.body.lines[0].cancelledQuantity).toBe(2);
    expect(await position('SKU-0010', 'DC1')).toEqual(before);
    await h.settle();
    expect((await salesOrders(a.id))[0]!.status).toBe('cancelled');
    const fo = (await h.call('admin', 'GET', `/system/wms/v1/fulfilment-orders/${(await h.call('sandbox', 'GET', `/v2/orders/${a.id}`)).body.sync.wms.externalRef}`)).body;
    expect(fo.status).toBe('cancelled');

    const b = (await h.call('sandbox', 'POST', '/v2/orders', shipOrder(`C-${randomUUID()}`, 'SKU-0010', 1))).body;
    await h.settle();
    const foId = (await h.call('sandbox', 'GET', `/v2/orders/${b.id}`)).body.sync.wms.externalRef;
    expect((await h.call('admin', 'POST', `/system/wms/v1/fulfilment-orders/${foId}/release`)).status).toBe(200);
    await h.settle();
    const refused = await h.call('sandbox', 'POST', `/v2/orders/${b.id}/cancel`, { reason: 'customer_request' });
    expect([refused.status, refused.body.type]).toEqual([409, `${PROBLEM}order-not-cancellable`]);
  });

  test('scenario 4: partial shipment, then the rest; reservations become on-hand decrements unit by unit', async () => {
    const before = await position('SKU-0020', 'DC1');
    const o = (await h.call('sandbox', 'POST', '/v2/orders', shipOrder(`P-${randomUUID()}`, 'SKU-0020', 3))).body;
    await h.settle();
    const foId = (await h.call('sandbox', 'GET', `/v2/orders/${o.id}`)).body.sync.wms.externalRef;
    await h.call('admin', 'POST', `/system/wms/v1/fulfilment-orders/${foId}/release`);
    const ship = (n: number, id: string) =>
      h.call('admin', 'POST', '/system/wms/v1/shipment-confirmations', {
        fulfilmentOrderId: foId,
        shipmentId: id,
        carrier: 'DPD',
        trackingNumber: `TRK-${id}`,
        lines: [{ lineId: '1', sku: 'SKU-0020', quantity: n }],
      });
    expect((await ship(2, `SH-${randomUUID()}`)).status).toBe(201);
    await h.settle();
    let now = (await h.call('sandbox', 'GET', `/v2/orders/${o.id}`)).body;
    expect(now.status).toBe('partially_shipped');
    expect(now.lines[0].shippedQuantity).toBe(2);
    expect(await position('SKU-0020', 'DC1')).toEqual({ on_hand: before.on_hand - 2, reserved: before.reserved + 1 });
    expect((await ship(1, `SH-${randomUUID()}`)).status).toBe(201);
    await h.settle();
    now = (await h.call('sandbox', 'GET', `/v2/orders/${o.id}`)).body;
    expect(now.status).toBe('shipped');
    expect(await position('SKU-0020', 'DC1')).toEqual({ on_hand: before.on_hand - 3, reserved: before.reserved });
  });

  test('the tracker moves past a group its node has nothing new for without locking the order', async () => {
    const o = (await h.call('sandbox', 'POST', '/v2/orders', shipOrder(`Q-${randomUUID()}`, 'SKU-0021', 1))).body;
    await h.settle();
    const polledAt = async () =>
      (await h.platform.db.query<{ polled_at: Date }>('SELECT polled_at FROM orders.groups WHERE order_id = $1', [o.id])).rows[0]!.polled_at;
    const before = await polledAt();
    // Every statement run in a transaction during the next pass, with its parameters.
    const inTransactions: unknown[][] = [];
    const db = h.platform.db;
    const transaction = db.transaction.bind(db);
    const spy = jest.spyOn(db, 'transaction').mockImplementation((fn) =>
      transaction((tx) => fn({ query: (sql, params) => (inTransactions.push([...(params ?? [])]), tx.query(sql, params)) })),
    );
    try {
      h.advance(1000);
      await h.platform.services.orders!.runOnce();
    } finally {
      spy.mockRestore();
    }
    expect((await polledAt()).getTime()).toBeGreaterThan(before.getTime());
    expect(inTransactions.filter((params) => params.includes(o.id))).toEqual([]);
  });

  test('WMS throttled: the worker honours Retry-After and sends nothing to WMS until it has passed', async () => {
    await fault('wms', { mode: 'throttle', retryAfterSeconds: 120 });
    try {
      const o = (await h.call('sandbox', 'POST', '/v2/orders', shipOrder(`T-${randomUUID()}`, 'SKU-0030', 1))).body;
      await h.settle();
      const state = (await h.call('sandbox', 'GET', `/v2/orders/${o.id}`)).body.sync.wms;
      expect(state).toEqual(expect.objectContaining({ status: 'retrying', lastError: expect.stringContaining('429') }));
      const due = Date.parse(state.nextAttemptAt) - Date.parse(state.lastAttemptAt);
      expect(due).toBeGreaterThanOrEqual(120_000);
      await fault('wms', { mode: 'none' });
      // Recovered, but the asked-for pause has not passed: nothing goes to WMS.
      await h.settle();
      expect((await h.call('sandbox', 'GET', `/v2/orders/${o.id}`)).body.sync.wms.status).toBe('retrying');
      h.advance(121_000);
      await h.settle();
      expect((await h.call('sandbox', 'GET', `/v2/orders/${o.id}`)).body.sync.wms.status).toBe('synced');
    } finally {
      await fault('wms', { mode: 'none' });
    }
  });

  test('scenario 3: ERP down while 100 orders arrive (with retries and duplicates); after recovery ERP holds exactly 100', async () => {
    await fault('erp', { mode: 'down' });
    const orders = Array.from({ length: 100 }, (_, i) => ({ key: randomUUID(), body: shipOrder(`ERP-${i}-${randomUUID()}`, 'SKU-0040', 1) }));
    const first = await Promise.all(orders.map((o) => h.call('sandbox', 'POST', '/v2/orders', o.body, { 'Idempotency-Key': o.key })));
    expect(first.every((r) => r.status === 201)).toBe(true);
    // Client retries with the same keys, and the channel's retry job with new keys.
    const retries = await Promise.all(orders.slice(0, 20).map((o) => h.call('sandbox', 'POST', '/v2/orders', o.body, { 'Idempotency-Key': o.key })));
    expect(retries.every((r) => r.status === 201 && r.headers.get('idempotency-replayed') === 'true')).toBe(true);
    const duplicates = await Promise.all(orders.slice(20, 40).map((o) => h.call('sandbox', 'POST', '/v2/orders', o.body)));
    expect(duplicates.every((r) => r.status === 200)).toBe(true);
    const ids = first.map((r) => r.body.id as string);

    for (let minute = 0; minute < 20; minute++) {
      await h.settle(5);
      h.advance(60_000);
    }
    expect((await h.call('sandbox', 'GET', `/v2/orders/${ids[0]}`)).body.sync.erp.status).not.toBe('synced');
    const metrics = await (await fetch(`${h.platform.url}/metrics`)).text();
    expect(Number(/^concord_orders_awaiting_erp (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(100);

    await fault('erp', { mode: 'none' });
    h.advance(600_000);
    await h.settle(200);
    const counts = await Promise.all(ids.map(async (id) => (await salesOrders(id)).length));
    expect(counts.every((n) => n === 1)).toBe(true);
    const states = await Promise.all(ids.map(async (id) => (await h.call('sandbox', 'GET', `/v2/orders/${id}`)).body.sync.erp.status));
    expect(states.every((s) => s === 'synced')).toBe(true);
    // Oldest first: ERP numbered the sales orders in the order the orders were accepted.
    const { rows } = await h.platform.db.query<{ external_ref: string }>(
      `SELECT external_ref FROM orders.sync_jobs WHERE system = 'erp' AND action = 'create' AND order_id = ANY($1::text[]) ORDER BY id`,
      [ids],
    );
    const numbers = rows.map((r) => Number(r.external_ref.slice(3)));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  });

  test('events: the relay publishes the outbox; an order’s events keep their per-order sequence and the trace', async () => {
    const traceId = randomUUID().replace(/-/g, '');
    const o = (await h.call('sandbox', 'POST', '/v2/orders', marketplaceOrder(`MKT-${randomUUID()}`), { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'X-Correlation-ID': 'corr-events-1' })).body;
    await h.settle();
    await h.call('sandbox', 'POST', `/v2/orders/${o.id}/cancel`, { reason: 'customer_request' });
    const { rows } = await h.platform.db.query<{ type: string; sequence: number }>(
      `SELECT type, (payload->>'sequence')::int AS sequence FROM events.outbox WHERE subject = $1 ORDER BY position`,
      [o.id],
    );
    const created = await h.platform.db.query<{ traceparent: string; correlationid: string }>(
      `SELECT payload->>'traceparent' AS traceparent, payload->>'correlationid' AS correlationid FROM events.outbox WHERE subject = $1 AND type = 'order.created'`,
      [o.id],
    );
    expect(created.rows[0]).toEqual({ traceparent: expect.stringMatching(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`)), correlationid: 'corr-events-1' });
    expect(rows).toEqual([
      { type: 'order.created', sequence: 1 },
      { type: 'order.allocated', sequence: 2 },
      { type: 'order.cancelled', sequence: 3 },
    ]);
    while ((await h.platform.services.events.relay.runOnce()).published > 0);
    const left = await h.platform.db.query(`SELECT 1 FROM events.outbox WHERE subject = $1 AND published_at IS NULL`, [o.id]);
    expect(left.rows).toEqual([]);
  });

  test('ERP keeps failing one document (5xx) while the system is otherwise healthy: 8 counted attempts, then exception', async () => {
    await h.settle();
    const order = (await h.call('sandbox', 'POST', '/v2/orders', shipOrder(`POISON-${randomUUID()}`, 'SKU-0043', 1))).body;
    // A worker whose ERP answers 500 to this order's sales order, with a breaker that other orders' successes
    // would keep closed (here: a threshold never reached), so every attempt counts.
    const fail = (status: number) => async () => ({ error: { title: 'Internal Server Error', status }, response: new Response(null, { status }) });
    const ok = async () => ({ data: { id: 'FO-999999' }, response: new Response(null, { status: 201 }) });
    const clients = { erp: { POST: fail(500) }, wms: { POST: ok }, pos: { POST: ok } } as unknown as SystemClients;
    let t = Date.now();
    const never = () => createCircuitBreaker({ failureThreshold: 1_000_000, now: () => t });
    const exceptions: string[] = [];
    const worker = createSyncWorker({
      db: h.platform.db, clients, breakers: { erp: never(), wms: never(), pos: never() }, appendEvents, logger: createLogger({ level: 'silent' }),
      now: () => new Date(t), onException: (system) => exceptions.push(system),
    });
    const erpJob = async () => (await h.platform.db.query<{ status: string; attempts: number }>(`SELECT status, attempts FROM orders.sync_jobs WHERE order_id = $1 AND system = 'erp'`, [order.id])).rows[0]!;
    for (let i = 0; i < 20 && (await erpJob()).status === 'pending'; i++) {
      await worker.runOnce();
      t += 10 * 60_000;
    }
    expect(await erpJob()).toEqual({ status: 'exception', attempts: 8 });
    expect(exceptions).toEqual(['erp']);
    const seen = (await h.call('sandbox', 'GET', `/v2/orders/${order.id}`)).body.sync.erp;
    expect(seen).toEqual(expect.objectContaining({ status: 'exception', lastError: 'HTTP 500: Internal Server Error' }));
  });

  test('ERP refuses the sales order: the sync goes to exception, shown to ops; retried once ERP is fixed, ERP gets it once', async () => {
    const order = (await h.call('sandbox', 'POST', '/v2/orders', shipOrder(`EXC-${randomUUID()}`, 'SKU-0041', 1))).body;
    // ERP's master data changed after Concord copied it: the item is inactive there, so ERP refuses the order (422).
    const setActive = (active: boolean) => h.platform.db.query(`UPDATE erp.items SET active = $1 WHERE sku = 'SKU-0041'`, [active]);
    await setActive(false);
    try {
      await h.settle();
    } finally {
      await setActive(true);
    }
    const stuck = (await h.call('sandbox', 'GET', `/v2/orders/${order.id}`)).body;
    expect(stuck.sync.erp).toEqual(expect.objectContaining({ status: 'exception', lastError: expect.stringContaining('HTTP 422') }));
    h.advance(10 * 60_000);
    await h.settle();
    // Exception is terminal for the worker: fixing ERP alone sends nothing.
    expect(await salesOrders(order.id)).toEqual([]);
    const metrics = await (await fetch(`${h.platform.url}/metrics`)).text();
    expect(Number(/^concord_orders_in_exception (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    expect((await h.call('admin', 'GET', '/admin/v1/ops/summary')).body.ordersInException).toBeGreaterThanOrEqual(1);

    const listed = await h.call('admin', 'GET', '/admin/v1/ops/exceptions?workflow=order&system=erp&limit=100');
    expect(listed.status).toBe(200);
    const mine = listed.body.items.find((x: { subjectId: string }) => x.subjectId === order.id);
    expect(mine).toEqual(expect.objectContaining({ id: expect.stringMatching(/^osj_\d+$/), workflow: 'order', system: 'erp', action: 'create', status: 'exception', attempts: 1, lastError: expect.stringContaining('Inactive items') }));
    expect((await h.call('admin', 'GET', '/admin/v1/ops/exceptions?workflow=return')).body.items.every((x: { workflow: string }) => x.workflow === 'return')).toBe(true);
    expect((await h.call('admin', 'GET', '/admin/v1/ops/exceptions?cursor=bm90LWEtY3Vyc29y')).status).toBe(400);
    expect((await h.call('sandbox', 'GET', '/admin/v1/ops/exceptions')).status).toBe(403);
    expect((await h.call('admin', 'POST', '/admin/v1/ops/exceptions/osj_999999999/retry')).status).toBe(404);

    const retried = await h.call('admin', 'POST', `/admin/v1/ops/exceptions/${mine.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual(expect.objectContaining({ id: mine.id, status: 'pending', attempts: 0 }));
    expect((await h.call('sandbox', 'GET', `/v2/orders/${order.id}`)).body.sync.erp.status).toBe('retrying');
    await h.settle();
    expect((await h.call('sandbox', 'GET', `/v2/orders/${order.id}`)).body.sync.erp.status).toBe('synced');
    expect(await salesOrders(order.id)).toHaveLength(1);
    // Retrying again changes nothing: the call is done.
    const again = await h.call('admin', 'POST', `/admin/v1/ops/exceptions/${mine.id}/retry`);
    expect([again.status, again.body.status]).toEqual([200, 'done']);
    expect((await h.call('admin', 'GET', '/admin/v1/ops/exceptions?workflow=order&limit=100')).body.items.map((x: { id: string }) => x.id)).not.toContain(mine.id);
  });
}

describe('order intake on PGlite with the in-process bus', () => suite('embedded'));
describeWithService('postgres', 'order intake on PostgreSQL with NATS JetStream', () => suite('postgres+nats'));

import { randomUUID } from 'node:crypto';
import { describeWithService } from '../../platform/testing/services';
import type { Backend, Harness } from '../orders/testing/harness';
import { startHarness } from '../orders/testing/harness';
import { position, stockEvents } from './testing/helpers';

// The availability API end to end, through the gateway with real tokens, on PGlite with the in-process bus and on
// PostgreSQL with NATS JetStream. The sweeper is driven by the tests (`runOnce`) on a movable clock.

const PROBLEM = 'https://concord.dev/problems/';
const skus = (from: number, count: number) => Array.from({ length: count }, (_, i) => `SKU-${String(from + i).padStart(4, '0')}`);

function suite(backend: Backend) {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(backend);
  });
  afterAll(async () => h?.close());

  const availability = async (query: string) => h.call('sandbox', 'GET', `/v1/availability?${query}`);
  const reserve = (body: Record<string, unknown>, headers?: Record<string, string>) => h.call('sandbox', 'POST', '/v1/reservations', body, headers);
  const atpOf = (p: { on_hand: number; reserved: number; safety_stock: number; damaged: number; quality_control: number }) =>
    Math.max(0, p.on_hand - p.reserved - p.safety_stock - p.damaged - p.quality_control);

  test('the location hierarchy lists parents before children', async () => {
    const res = await h.call('sandbox', 'GET', '/v1/locations');
    expect(res.status).toBe(200);
    const ids = res.body.items.map((l: { id: string }) => l.id);
    expect(ids).toHaveLength(14);
    expect(ids.slice(0, 4)).toEqual(['NET', 'CENTRAL', 'NORTH', 'SOUTH']);
    expect(res.body.items.find((l: { id: string }) => l.id === 'S1')).toEqual(expect.objectContaining({ type: 'store', parentId: 'NORTH', pickupEnabled: true }));
  });

  test('availability per location, per region and for the network sums the locations', async () => {
    const dc1 = await position(h, 'SKU-0003', 'DC1');
    const one = await availability('sku=SKU-0003&locationId=DC1');
    expect(one.status).toBe(200);
    expect(one.body.scope).toEqual({ locationId: 'DC1', type: 'dc' });
    expect(one.body.items).toHaveLength(1);
    expect(one.body.items[0].positions).toEqual([expect.objectContaining({ sku: 'SKU-0003', locationId: 'DC1', onHand: dc1.on_hand, atp: atpOf(dc1) })]);
    expect(one.body.items[0].total).toEqual(expect.objectContaining({ locationId: 'DC1', atp: atpOf(dc1) }));

    const region = await availability('sku=SKU-0003&region=NORTH');
    expect(region.body.scope).toEqual({ locationId: 'NORTH', type: 'region' });
    const north = region.body.items[0];
    expect(north.positions.map((p: { locationId: string }) => p.locationId)).toEqual(['DC1', 'S1', 'S2']);
    let sum = 0;
    for (const id of ['DC1', 'S1', 'S2']) sum += atpOf(await position(h, 'SKU-0003', id));
    expect(north.total).toEqual(expect.objectContaining({ locationId: 'NORTH', atp: sum }));

    const network = await availability('sku=SKU-0003');
    expect(network.body.scope).toEqual({ locationId: 'NET', type: 'network' });
    const net = network.body.items[0];
    expect(net.positions.map((p: { locationId: string }) => p.locationId)).toEqual(['DC1', 'DC2', 'DS1', 'S1', 'S2', 'S3', 'S4', 'S5', 'S6']);
    expect(net.total.atp).toBe(net.positions.reduce((s: number, p: { atp: number }) => s + p.atp, 0));
    expect(net.total.onHand).toBe(net.positions.reduce((s: number, p: { onHand: number }) => s + p.onHand, 0));

    // A node that does not carry the SKU answers no position and a zero total.
    const none = await availability('sku=SKU-0150&locationId=S1');
    expect(none.body.items[0]).toEqual({ sku: 'SKU-0150', positions: [], total: expect.objectContaining({ locationId: 'S1', onHand: 0, atp: 0 }) });
  });

  test('batch queries answer in the order asked, each SKU once, and take at most 100 SKUs', async () => {
    const batch = await h.call('sandbox', 'POST', '/v1/availability/query', { skus: ['SKU-0235', 'SKU-0231', 'SKU-0235'], locationId: 'DC1' });
    expect(batch.status).toBe(200);
    expect(batch.body.items.map((i: { sku: string }) => i.sku)).toEqual(['SKU-0235', 'SKU-0231']);

    const hundred = await availability(`skus=${skus(1, 100).join(',')}&region=SOUTH`);
    expect(hundred.status).toBe(200);
    expect(hundred.body.items).toHaveLength(100);

    // More than 100 is the handler's `too-many-skus`; past the schema's input size limit (1000) it is `validation`.
    const tooMany = await availability(`skus=${skus(1, 101).join(',')}`);
    expect([tooMany.status, tooMany.body.type]).toEqual([400, `${PROBLEM}too-many-skus`]);
    const batchTooMany = await h.call('sandbox', 'POST', '/v1/availability/query', { skus: skus(1, 140) });
    expect([batchTooMany.status, batchTooMany.body.detail]).toEqual([400, 'At most 100 SKUs per availability query; 140 were given.']);
    const huge = await h.call('sandbox', 'POST', '/v1/availability/query', { skus: Array.from({ length: 1001 }, (_, i) => `SKU-${String(i + 1).padStart(4, '0')}`) });
    expect([huge.status, huge.body.type]).toEqual([400, `${PROBLEM}validation`]);
    const direct = await h.platform.services.availability!.services.v1.queryAvailability(
      { body: { skus: skus(1, 140) }, params: {}, query: {}, headers: {} },
      { correlationId: 'c-1', scopes: ['availability:read'] },
    );
    expect(direct).toEqual({ status: 400, body: expect.objectContaining({ type: `${PROBLEM}too-many-skus`, detail: 'At most 100 SKUs per availability query; 140 were given.' }) });
  });

  test('invalid queries have their own problem types', async () => {
    const cases: Array<[string, number, string]> = [
      ['sku=SKU-0001&skus=SKU-0002', 400, 'validation'],
      ['locationId=S1', 400, 'validation'],
      ['sku=SKU-0001&locationId=S1&region=NORTH', 400, 'validation'],
      ['sku=SKU-9999', 422, 'unknown-sku'],
      ['sku=SKU-0001&region=DC1', 422, 'unknown-location'],
      ['sku=SKU-0001&locationId=NORTH', 422, 'unknown-location'],
      ['sku=SKU-0001&locationId=X9', 422, 'unknown-location'],
    ];
    for (const [query, status, kind] of cases) {
      const res = await availability(query);
      expect([query, res.status, res.body.type]).toEqual([query, status, PROBLEM + kind]);
    }
  });

  test('channel ATP: the marketplace sees 30 % of the sellable stock less its own holds, web all of the ATP', async () => {
    const p = await position(h, 'SKU-0005', 'DC1');
    const sellable = p.on_hand - p.safety_stock;
    const cap = Math.floor((sellable * 30) / 100);
    const mkt = await availability('sku=SKU-0005&locationId=DC1&channel=marketplace');
    expect(mkt.body.channel).toBe('marketplace');
    expect(mkt.body.items[0].channelAtp).toBe(cap);
    expect((await availability('sku=SKU-0005&locationId=DC1&channel=web')).body.items[0].channelAtp).toBe(atpOf(p));

    expect((await reserve({ sku: 'SKU-0005', locationId: 'DC1', quantity: 2, channel: 'marketplace' })).status).toBe(201);
    expect((await availability('sku=SKU-0005&locationId=DC1&channel=marketplace')).body.items[0].channelAtp).toBe(cap - 2);
    expect((await availability('sku=SKU-0005&locationId=DC1&channel=web')).body.items[0].channelAtp).toBe(atpOf(p) - 2);
    const over = await reserve({ sku: 'SKU-0005', locationId: 'DC1', quantity: cap - 1, channel: 'marketplace' });
    expect([over.status, over.body.type]).toEqual([409, `${PROBLEM}insufficient-stock`]);
    // Over a region, channel ATP is the sum of what the channel may reserve at each node.
    const region = (await availability('sku=SKU-0005&region=NORTH&channel=marketplace')).body.items[0];
    let expected = 0;
    for (const id of ['DC1', 'S1', 'S2']) {
      const q = await position(h, 'SKU-0005', id);
      expected += Math.max(0, Math.min(atpOf(q), Math.floor(((q.on_hand - q.safety_stock) * 30) / 100) - (id === 'DC1' ? 2 : 0)));
    }
    expect(region.channelAtp).toBe(expected);
  });

  test('allocation under concurrency: 40 racing reservations never exceed the marketplace cap or the ATP', async () => {
    await h.platform.db.query(`UPDATE inventory.positions SET on_hand = 10, reserved = 0 WHERE sku = 'SKU-0233' AND location_id = 'DC1'`);
    const channels = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 'marketplace' : 'web'));
    const results = await Promise.all(channels.map((channel) => reserve({ sku: 'SKU-0233', locationId: 'DC1', quantity: 1, channel })));
    const won = (channel: string) => results.filter((r, i) => r.status === 201 && channels[i] === channel).length;
    expect(results.every((r) => r.status === 201 || (r.status === 409 && r.body.type === `${PROBLEM}insufficient-stock`))).toBe(true);
    expect(won('marketplace')).toBeLessThanOrEqual(3);
    expect(won('marketplace') + won('web')).toBe(10);
    expect(await position(h, 'SKU-0233', 'DC1')).toEqual(expect.objectContaining({ on_hand: 10, reserved: 10 }));
    const held = await h.platform.db.query<{ channel: string; n: number }>(
      `SELECT channel, SUM(quantity)::int AS n FROM inventory.reservations WHERE sku = 'SKU-0233' AND location_id = 'DC1' AND status = 'active' GROUP BY channel`,
    );
    expect(Object.fromEntries(held.rows.map((r) => [r.channel, r.n]))).toEqual({ ...(won('marketplace') ? { marketplace: won('marketplace') } : {}), web: won('web') });

    // The marketplace alone, racing for fresh stock: exactly its cap.
    await h.platform.db.query(`UPDATE inventory.positions SET on_hand = 20, reserved = 0 WHERE sku = 'SKU-0234' AND location_id = 'DC1'`);
    const mkt = await Promise.all(Array.from({ length: 20 }, () => reserve({ sku: 'SKU-0234', locationId: 'DC1', quantity: 1, channel: 'marketplace' })));
    expect(mkt.filter((r) => r.status === 201)).toHaveLength(6);
    expect((await position(h, 'SKU-0234', 'DC1')).reserved).toBe(6);
  });

  test('reservations: create is idempotent, get and release; a released one cannot be released again', async () => {
    const before = await position(h, 'SKU-0007', 'S2');
    const key = randomUUID();
    const body = { sku: 'SKU-0007', locationId: 'S2', quantity: 2, channel: 'web', ttlSeconds: 600 };
    const created = await reserve(body, { 'Idempotency-Key': key });
    expect(created.status).toBe(201);
    const r = created.body;
    expect(r).toEqual(expect.objectContaining({ sku: 'SKU-0007', locationId: 'S2', quantity: 2, channel: 'web', status: 'active' }));
    expect(created.headers.get('location')).toBe(`/v1/reservations/${r.id}`);
    expect(Date.parse(r.expiresAt) - Date.parse(r.createdAt)).toBe(600_000);
    const replay = await reserve(body, { 'Idempotency-Key': key });
    expect([replay.status, replay.headers.get('idempotency-replayed'), replay.body]).toEqual([201, 'true', r]);
    expect((await position(h, 'SKU-0007', 'S2')).reserved).toBe(before.reserved + 2);

    expect((await h.call('sandbox', 'GET', `/v1/reservations/${r.id}`)).body).toEqual(r);
    const released = await h.call('sandbox', 'POST', `/v1/reservations/${r.id}/release`);
    expect([released.status, released.body.status]).toEqual([200, 'released']);
    expect((await position(h, 'SKU-0007', 'S2')).reserved).toBe(before.reserved);
    const again = await h.call('sandbox', 'POST', `/v1/reservations/${r.id}/release`);
    expect([again.status, again.body.type]).toEqual([409, `${PROBLEM}reservation-not-active`]);
    expect((await h.call('sandbox', 'GET', '/v1/reservations/rsv_01JD3Q9A1B2C3D4E5F6G7H8J9K')).status).toBe(404);

    const events = await stockEvents(h, 'SKU-0007', 'S2');
    expect(events.map((e) => [e.type, (e.data.previousAtp as number) - (e.data.atp as number)])).toEqual([
      ['inventory.availability-changed', 2],
      ['inventory.availability-changed', -2],
    ]);

    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ...body, sku: 'SKU-9999' }, 422, 'unknown-sku'],
      [{ ...body, locationId: 'NORTH' }, 422, 'unknown-location'],
      [{ ...body, sku: 'SKU-0150' }, 409, 'insufficient-stock'],
      [{ ...body, quantity: 10_000 }, 409, 'insufficient-stock'],
    ];
    for (const [b, status, kind] of cases) {
      const res = await reserve(b);
      expect([res.status, res.body.type]).toEqual([status, PROBLEM + kind]);
    }
  });

  test('a partner sees only its own reservations', async () => {
    const r = (await reserve({ sku: 'SKU-0008', locationId: 'S3', quantity: 1, channel: 'partner' })).body;
    const partner = await h.call('admin', 'POST', '/admin/v1/partners', { name: 'Other Partner', contactEmail: 'other@example.com' });
    const app = await h.call('admin', 'POST', '/admin/v1/apps', {
      name: 'Other app',
      plan: 'internal',
      scopes: ['availability:read', 'availability:write'],
      partnerId: partner.body.id,
    });
    const other = { client_id: app.body.clientId ?? app.body.client_id, client_secret: app.body.clientSecret ?? app.body.client_secret };
    expect((await h.call(other, 'GET', `/v1/reservations/${r.id}`)).status).toBe(404);
    expect((await h.call(other, 'POST', `/v1/reservations/${r.id}/release`)).status).toBe(404);
    expect((await h.call('sandbox', 'GET', `/v1/reservations/${r.id}`)).body.status).toBe('active');
  });

  test('reservations expire after their TTL: they read expired at once, and the sweeper gives the units back', async () => {
    const before = await position(h, 'SKU-0009', 'DC2');
    const r = (await reserve({ sku: 'SKU-0009', locationId: 'DC2', quantity: 3, channel: 'callcenter', ttlSeconds: 60 })).body;
    expect((await position(h, 'SKU-0009', 'DC2')).reserved).toBe(before.reserved + 3);
    expect(await h.platform.services.availability!.runOnce()).toBe(0);

    h.advance(61_000);
    expect((await h.call('sandbox', 'GET', `/v1/reservations/${r.id}`)).body.status).toBe('expired');
    const late = await h.call('sandbox', 'POST', `/v1/reservations/${r.id}/release`);
    expect([late.status, late.body.type]).toEqual([409, `${PROBLEM}reservation-not-active`]);
    expect((await position(h, 'SKU-0009', 'DC2')).reserved).toBe(before.reserved + 3);

    expect(await h.platform.services.availability!.runOnce()).toBeGreaterThanOrEqual(1);
    expect((await position(h, 'SKU-0009', 'DC2')).reserved).toBe(before.reserved);
    const stored = await h.platform.db.query<{ status: string }>('SELECT status FROM inventory.reservations WHERE id = $1', [r.id]);
    expect(stored.rows[0]!.status).toBe('expired');
    const events = await stockEvents(h, 'SKU-0009', 'DC2');
    expect(events[events.length - 1]).toEqual({
      type: 'inventory.availability-changed',
      data: expect.objectContaining({ sku: 'SKU-0009', locationId: 'DC2', atp: atpOf(before), previousAtp: atpOf(before) - 3, lowStock: false, threshold: 5 }),
    });
    expect(await h.platform.services.availability!.runOnce()).toBe(0);
  });
}

describe('availability API on PGlite with the in-process bus', () => suite('embedded'));
describeWithService('postgres', 'availability API on PostgreSQL with NATS JetStream', () => suite('postgres+nats'));

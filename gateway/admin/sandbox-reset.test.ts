import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import type { Harness } from '../../process-apis/orders/testing/harness';
import { marketplaceOrder, startHarness } from '../../process-apis/orders/testing/harness';
import { demoStock } from '../../system-apis/demo-data';
import { runCli } from '../../test/helpers/cli';
import type { AppRegistry } from '../apps';
import { createAdminService } from './service';

// A platform start and a CLI run through Node take tens of seconds each on a loaded machine.
jest.setTimeout(300_000);

describe('POST /admin/v1/sandbox/reset on a started platform', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('embedded');
  });
  afterAll(() => h?.close());

  const position = async (sku: string, locationId: string) =>
    (await h.platform.db.query<{ on_hand: number; reserved: number }>('SELECT on_hand, reserved FROM inventory.positions WHERE sku = $1 AND location_id = $2', [sku, locationId])).rows[0]!;
  const seed = (sku: string, locationId: string) => demoStock.find((s) => s.sku === sku && s.locationId === locationId)!;

  it("removes the partner's orders, reservations and idempotency keys, restores demo stock, keeps other partners' orders; the CLI prints counts", async () => {
    // Another partner with its own app and order, which a reset of the sandbox partner leaves alone.
    const partner = await h.call('admin', 'POST', '/admin/v1/partners', { name: `Other ${randomUUID()}`, contactEmail: 'ops@other.example' });
    expect(partner.status).toBe(201);
    const app = await h.call('admin', 'POST', '/admin/v1/apps', { name: 'other-app', plan: 'sandbox', scopes: ['orders:read', 'orders:write'], partnerId: partner.body.id });
    expect(app.status).toBe(201);
    const other = { client_id: app.body.clientId, client_secret: app.body.clientSecret };
    const theirs = await h.call(other, 'POST', '/v2/orders', marketplaceOrder(`MKT-${randomUUID()}`));
    expect(theirs.status).toBe(201);

    const key = randomUUID();
    const body = marketplaceOrder(`MKT-${randomUUID()}`);
    const first = await h.call('sandbox', 'POST', '/v2/orders', body, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    expect((await position('SKU-0002', 'DC1')).reserved).toBeGreaterThan(0);

    const reset = await h.call('admin', 'POST', '/admin/v1/sandbox/reset', { partnerId: 'prt_sandbox' });
    expect(reset.status).toBe(200);
    expect(reset.body).toEqual({ orders: 1, reservations: expect.any(Number), returns: 0, idempotencyKeys: expect.any(Number), stockPositions: demoStock.length });
    expect(reset.body.reservations).toBeGreaterThanOrEqual(2);
    expect(reset.body.idempotencyKeys).toBeGreaterThanOrEqual(1);

    expect(await h.call('sandbox', 'GET', `/v2/orders/${first.body.id}`)).toMatchObject({ status: 404 });
    expect(await h.call(other, 'GET', `/v2/orders/${theirs.body.id}`)).toMatchObject({ status: 200 });
    // Stock is back to seed, except what the other partner's order still reserves.
    const dc1 = await position('SKU-0002', 'DC1');
    expect(dc1.on_hand).toBe(seed('SKU-0002', 'DC1').onHand);
    expect(dc1.reserved).toBe(2);

    // The same order with the same key is taken again, as new: not a replay, not a duplicate.
    const again = await h.call('sandbox', 'POST', '/v2/orders', body, { 'Idempotency-Key': key });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotency-replayed')).toBeNull();

    const dataDir = dirname(h.platform.bootstrap!.file);
    const [human, json] = await Promise.all([
      runCli(['sandbox', 'reset', '--partner', 'prt_sandbox', '--url', h.platform.url, '--data-dir', dataDir]),
      runCli(['sandbox', 'reset', '--all', '--json', '--url', h.platform.url, '--data-dir', dataDir]),
    ]);
    expect(human.stderr).toBe('');
    expect(human.stdout).toMatch(/Sandbox data reset for partner prt_sandbox:\n\s+orders removed\s+[01] /);
    expect(human.stdout).toMatch(new RegExp(`stock positions restored ${demoStock.length} `));
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(expect.objectContaining({ stockPositions: demoStock.length }));
    expect(await h.call(other, 'GET', `/v2/orders/${theirs.body.id}`)).toMatchObject({ status: 404 });

    const unknown = await h.call('admin', 'POST', '/admin/v1/sandbox/reset', { partnerId: 'prt_nobody' });
    expect(unknown.status).toBe(404);
    const both = await h.call('admin', 'POST', '/admin/v1/sandbox/reset', { partnerId: 'prt_sandbox', all: true });
    expect(both.status).toBe(400);
  });
});

describe('resetSandbox with the sandbox off', () => {
  it('refuses with 409 sandbox-disabled and removes nothing', async () => {
    const reset = jest.fn();
    const service = createAdminService({
      registry: {} as AppRegistry,
      signingKeys: { list: jest.fn(), rotate: jest.fn() },
      plans: { list: jest.fn(), get: jest.fn() },
      sandbox: { enabled: false, reset },
    });
    const caller = { correlationId: 'corr-1' } as Parameters<typeof service.resetSandbox>[1];
    const res = await service.resetSandbox({ body: { all: true } } as Parameters<typeof service.resetSandbox>[0], caller);
    expect(res).toEqual({ status: 409, body: expect.objectContaining({ type: 'https://concord.dev/problems/sandbox-disabled', status: 409, correlationId: 'corr-1' }) });
    expect(reset).not.toHaveBeenCalled();
  });
});

import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../../platform/config';
import { createLogger } from '../../../platform/logger';
import type { RunningPlatform } from '../../../platform/server/start';
import { startPlatform } from '../../../platform/server/start';
import { REPO_ROOT, makeTempDir } from '../../../platform/testing/temp-dir';
import { marketplaceOrder } from '../../../process-apis/orders/testing/harness';
import { startExampleErp } from '../testing';
import type { ExampleErp } from '../testing';

/**
 * The whole path of issue 16: Concord embedded with `systems.erp` pointing at the example adapter (WMS and POS stay
 * sandbox), an order through POST /v2/orders, the order worker driven by hand, and the vendor's documents counted.
 */
describe('order intake end to end against the example ERP adapter', () => {
  let erp: ExampleErp;
  let platform: RunningPlatform;
  let dir: Awaited<ReturnType<typeof makeTempDir>>;
  let token: string;
  let offset = 0;

  beforeAll(async () => {
    erp = await startExampleErp();
    dir = await makeTempDir();
    const file = join(dir.path, 'concord.yaml');
    await writeFile(file, ['upstreams:', '  erp-adapter:', '    url: ${E2E_ERP_URL}', 'systems:', '  erp: erp-adapter', ''].join('\n'));
    const config = loadConfig(
      {
        PORT: '0',
        CONCORD_DATA_DIR: join(dir.path, 'data'),
        CONCORD_CONFIG: file,
        E2E_ERP_URL: erp.url,
        CONCORD_PLANS: '{"sandbox":{"ratePerSecond":100000,"burst":100000},"internal":{"ratePerSecond":100000,"burst":100000}}',
      },
      { root: REPO_ROOT },
    );
    platform = await startPlatform(config, createLogger({ level: 'silent' }), () => {}, { background: false, now: () => new Date(Date.now() + offset) });
    // Several tests place the scenario 1 order; give the two SKUs room so stock never decides the outcome.
    await platform.db.query(`UPDATE inventory.positions SET on_hand = on_hand + 1000 WHERE sku IN ('SKU-0001', 'SKU-0002')`);
    const { client_id, client_secret } = platform.bootstrap!.sandbox;
    const res = await fetch(`${platform.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id, client_secret }),
    });
    token = ((await res.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => {
    await platform?.close();
    await dir?.remove();
    await erp?.close();
  });

  const post = async (body: unknown, key: string) => {
    const res = await fetch(`${platform.url}/v2/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'Idempotency-Key': key },
      body: JSON.stringify(body),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserted field by field
    return { status: res.status, body: (await res.json()) as any };
  };
  const settle = async () => {
    for (let i = 0; i < 20; i++) {
      const r = await platform.services.orders!.runOnce();
      if (r.attempted === 0 && r.tracked === 0) return;
    }
  };

  const erpJob = async (orderId: string) =>
    (
      await platform.db.query<{ status: string; attempts: number; next_attempt_at: Date; last_attempt_at: Date | null }>(
        `SELECT status, attempts, next_attempt_at, last_attempt_at FROM orders.sync_jobs WHERE order_id = $1 AND system = 'erp' AND action = 'create'`,
        [orderId],
      )
    ).rows[0]!;

  it('copies the item master from the adapter at start', async () => {
    const { rows } = await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM refdata.items');
    expect(rows[0]!.n).toBeGreaterThan(0);
    // ERP's sandbox is not seeded when a real ERP is configured, so the copy can only have come from the adapter.
    expect((await platform.db.query('SELECT 1 FROM erp.sandbox_seed')).rows).toHaveLength(0);
  });

  it('scenario 1: one order, replayed and deduplicated, posted to the vendor exactly once', async () => {
    const body = marketplaceOrder(`MKT-${randomUUID()}`);
    const key = randomUUID();
    const created = await post(body, key);
    expect(created.status).toBe(201);
    const replay = await post(body, key);
    expect(replay).toEqual(created);
    const again = await post(body, randomUUID());
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(created.body.id);

    await settle();
    expect(erp.stub.salesDocsFor(created.body.id)).toHaveLength(1);
  });

  it('a lost vendor answer (the vendor booked, the answer never came) leaves one vendor document', async () => {
    const created = await post(marketplaceOrder(`MKT-${randomUUID()}`), randomUUID());
    expect(created.status).toBe(201);
    erp.stub.faults.set({ mode: 'lose-response', times: 1 });
    for (let i = 0; i < 5; i++) {
      await settle();
      offset += 10 * 60_000;
    }
    // The fault was met (consumed), yet the order is synced with a single document.
    expect(erp.stub.faults.get()).toEqual({ mode: 'none' });
    expect(await erpJob(created.body.id)).toMatchObject({ status: 'done' });
    expect(erp.stub.salesDocsFor(created.body.id)).toHaveLength(1);
  });

  it('a vendor outage: intake keeps answering 201, the orders wait, then each is posted once, oldest first', async () => {
    erp.stub.faults.set({ mode: 'down', times: 1000 });
    const first = await post(marketplaceOrder(`MKT-${randomUUID()}`), randomUUID());
    const second = await post(marketplaceOrder(`MKT-${randomUUID()}`), randomUUID());
    expect([first.status, second.status]).toEqual([201, 201]);
    await settle();
    expect(erp.stub.salesDocsFor(first.body.id)).toHaveLength(0);
    expect(await erpJob(first.body.id)).toMatchObject({ status: 'pending' });
    expect(await erpJob(second.body.id)).toMatchObject({ status: 'pending' });

    erp.stub.faults.set({ mode: 'none' });
    for (let i = 0; i < 5; i++) {
      offset += 10 * 60_000;
      await settle();
    }
    const [a, b] = [erp.stub.salesDocsFor(first.body.id), erp.stub.salesDocsFor(second.body.id)];
    expect([a.length, b.length]).toEqual([1, 1]);
    expect(a[0]!.VBELN).toBeLessThan(b[0]!.VBELN);
  });

  it('scenario 3: the vendor throttles with a wait; the worker backs off at least that long', async () => {
    erp.stub.faults.set({ mode: 'throttle', waitMs: 120_000, times: 1000 });
    const created = await post(marketplaceOrder(`MKT-${randomUUID()}`), randomUUID());
    expect(created.status).toBe(201);
    await platform.services.orders!.runOnce();
    const job = await erpJob(created.body.id);
    expect(job.status).toBe('pending');
    expect(job.next_attempt_at.getTime() - job.last_attempt_at!.getTime()).toBeGreaterThanOrEqual(120_000);
    expect(erp.stub.salesDocsFor(created.body.id)).toHaveLength(0);

    erp.stub.faults.set({ mode: 'none' });
    offset += 121_000;
    await settle();
    expect(erp.stub.salesDocsFor(created.body.id)).toHaveLength(1);
  });
});

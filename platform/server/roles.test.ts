import { randomUUID } from 'node:crypto';
import { ROLES, loadConfig, servesPortal } from '../config';
import { createLogger } from '../logger';
import { dropNamespace, testNamespace } from '../events/testing/nats';
import { createTempDatabase, describeWithService } from '../testing/services';
import { REPO_ROOT, makeTempDir } from '../testing/temp-dir';
import { shipOrder } from '../../process-apis/orders/testing/harness';
import type { RunningPlatform } from './start';
import { startPlatform } from './start';

// `concord start --role gateway|process|system|worker`: four instances sharing one PostgreSQL, the gateway
// calling the process and system roles over HTTP (undici), the worker posting to ERP over HTTP.

describeWithService('postgres', 'roles split over HTTP', () => {
  let dir: { path: string; remove(): Promise<void> };
  let pg: { url: string; drop(): Promise<void> };
  const running: Record<string, RunningPlatform> = {};
  const nats = process.env.CONCORD_TEST_NATS_URL ?? '';
  const namespace = testNamespace();

  const start = (role: 'gateway' | 'process' | 'system' | 'worker', env: Record<string, string> = {}) =>
    startPlatform(
      loadConfig(
        {
          PORT: '0',
          CONCORD_DATA_DIR: dir.path,
          DATABASE_URL: pg.url,
          NATS_URL: nats,
          CONCORD_NATS_NAMESPACE: namespace,
          CONCORD_RESPONSE_VALIDATION: 'enforce',
          CONCORD_PLANS: '{"sandbox":{"ratePerSecond":1000,"burst":1000}}',
          ...env,
        },
        { root: REPO_ROOT, role },
      ),
      createLogger({ level: 'silent' }),
    );

  beforeAll(async () => {
    dir = await makeTempDir();
    pg = await createTempDatabase();
    running.system = await start('system');
    running.process = await start('process', { CONCORD_SYSTEM_URL: running.system.url });
    running.worker = await start('worker', { CONCORD_SYSTEM_URL: running.system.url });
    running.gateway = await start('gateway', {
      CONCORD_PROCESS_URL: running.process.url,
      CONCORD_SYSTEM_URL: running.system.url,
      CONCORD_UPSTREAM_TIMEOUT_MS: '500',
    });
  });
  afterAll(async () => {
    for (const role of ['gateway', 'worker', 'process', 'system']) await running[role]?.close();
    await pg?.drop();
    await dropNamespace(nats, namespace);
    await dir?.remove();
  });

  const creds = () => running.system!.bootstrap!;
  const token = async (c: { client_id: string; client_secret: string }) => {
    const res = await fetch(`${running.gateway!.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret }),
    });
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const call = async (who: 'sandbox' | 'admin', method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${running.gateway!.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${await token(creds()[who])}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  test('an order goes gateway → process role; the worker posts it to ERP on the system role; a retry replays', async () => {
    const key = randomUUID();
    const body = shipOrder(`ROLE-${randomUUID()}`, 'SKU-0060', 1);
    const created = await call('sandbox', 'POST', '/v2/orders', body, { 'Idempotency-Key': key });
    expect(created.status).toBe(201);
    expect(created.headers.get('ratelimit-policy')).toMatch(/^"sandbox";/);
    const order = (await created.json()) as { id: string };
    const replay = await call('sandbox', 'POST', '/v2/orders', body, { 'Idempotency-Key': key });
    expect([replay.status, replay.headers.get('idempotency-replayed')]).toEqual([201, 'true']);

    // The worker role runs on its own schedule; wait for its effect, not for a time.
    let erp: { items: unknown[] } = { items: [] };
    for (let i = 0; i < 200 && erp.items.length === 0; i++) {
      erp = (await (await call('admin', 'GET', `/system/erp/v1/sales-orders?externalRef=${order.id}`)).json()) as { items: unknown[] };
      if (erp.items.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(erp.items).toHaveLength(1);
  });

  test('the portal is served by the gateway only, which is where `concord start` says it is', async () => {
    expect((await fetch(`${running.gateway!.url}/portal/`)).status).not.toBe(404);
    expect((await fetch(`${running.process!.url}/portal/`)).status).toBe(404);
    expect(ROLES.filter(servesPortal)).toEqual(['all', 'gateway']);
  });

  test('an upstream slower than the timeout is 504 upstream-timeout', async () => {
    expect((await call('admin', 'PUT', '/system/wms/v1/sandbox/faults', { mode: 'slow', delayMs: 3000 })).status).toBe(200);
    try {
      const res = await call('admin', 'GET', '/system/wms/v1/fulfilment-orders');
      expect(res.status).toBe(504);
      expect(((await res.json()) as { type: string }).type).toBe('https://concord.dev/problems/upstream-timeout');
    } finally {
      await call('admin', 'PUT', '/system/wms/v1/sandbox/faults', { mode: 'none' });
    }
  });

  test('with the process role gone, calls fail fast: the breaker opens and answers 503 with Retry-After', async () => {
    await running.process!.close();
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await call('sandbox', 'GET', '/v2/orders')).status);
    expect(statuses.every((s) => s === 503)).toBe(true);
    const open = await call('sandbox', 'GET', '/v2/orders');
    expect(open.status).toBe(503);
    expect(Number(open.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const problem = (await open.json()) as { type: string; detail: string };
    expect(problem.type).toBe('https://concord.dev/problems/upstream-unavailable');
    expect(problem.detail).not.toMatch(/127\.0\.0\.1|localhost/);
    const metrics = await (await fetch(`${running.gateway!.url}/metrics`)).text();
    expect(metrics).toMatch(/concord_circuit_breaker_state\{target="upstream:process"\} 2/);
  });
});

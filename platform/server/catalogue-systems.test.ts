import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { routes } from '../../generated/routes';
import { catalogueUpstreamOf } from '../../gateway/upstream/catalogue-upstream';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { REPO_ROOT, makeTempDir } from '../testing/temp-dir';
import type { RunningPlatform } from './start';
import { startPlatform } from './start';

/**
 * Real systems behind the system contracts: `systems:` in the catalogue maps a system to an upstream this test
 * runs, and the gateway's full chain (token, scopes, validation, pipeline) serves that system's operations from it.
 */
const silent = createLogger({ level: 'silent' });

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

async function fakeSystem(): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    req.resume();
    res.setHeader('content-type', 'application/json');
    if (req.url === '/system/erp/v1/items/SKU-REAL-1') {
      res.end(JSON.stringify({ sku: 'SKU-REAL-1', name: 'From the real ERP', price: { amount: 1999, currency: 'EUR' }, taxRateBp: 2000, active: true }));
      return;
    }
    res.end(JSON.stringify({ items: [], nextCursor: null }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

async function startWith(catalogueYaml: string, env: Record<string, string> = {}) {
  const dir = await makeTempDir();
  const file = join(dir.path, 'concord.yaml');
  await writeFile(file, catalogueYaml);
  const config = loadConfig({ PORT: '0', CONCORD_DATA_DIR: join(dir.path, 'data'), CONCORD_CONFIG: file, ...env }, { root: REPO_ROOT });
  const platform = await startPlatform(config, silent, () => {}, { background: false });
  return { platform, dir, config };
}

async function adminToken(platform: RunningPlatform): Promise<string> {
  const { client_id, client_secret } = platform.bootstrap!.admin;
  const res = await fetch(`${platform.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id, client_secret }).toString(),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

describe('ERP served by a catalogue upstream while WMS and POS stay sandbox', () => {
  let erp: Awaited<ReturnType<typeof fakeSystem>>;
  let running: Awaited<ReturnType<typeof startWith>>;
  let token: string;
  beforeAll(async () => {
    erp = await fakeSystem();
    running = await startWith(
      ['upstreams:', '  erp-real:', '    url: ${TEST_ERP_URL}', '    auth: { type: header, name: X-Erp-Key, value: "${TEST_ERP_KEY}" }', 'systems:', '  erp: erp-real', ''].join('\n'),
      { TEST_ERP_URL: erp.url, TEST_ERP_KEY: 'erp-key-1' },
    );
    token = await adminToken(running.platform);
  });
  afterAll(async () => {
    await running?.platform.close();
    await running?.dir.remove();
    await new Promise((r) => erp?.server.close(r));
  });

  const call = (path: string, headers: Record<string, string> = {}) => fetch(`${running.platform.url}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });

  it('serves an erp.v1 operation from the upstream, with Concord’s credential instead of the partner’s', async () => {
    const res = await call('/system/erp/v1/items/SKU-REAL-1', { 'x-correlation-id': 'corr-erp-1' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'From the real ERP' });
    const seen = erp.seen.find((s) => s.url === '/system/erp/v1/items/SKU-REAL-1')!;
    expect(seen.headers).toMatchObject({ 'x-correlation-id': 'corr-erp-1', 'x-erp-key': 'erp-key-1' });
    expect(seen.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(seen.headers.authorization).toBeUndefined();
  });

  it('still authenticates and authorizes at the gateway: no token, no call to the upstream', async () => {
    const before = erp.seen.length;
    expect((await fetch(`${running.platform.url}/system/erp/v1/items/SKU-REAL-1`)).status).toBe(401);
    expect(erp.seen.length).toBe(before);
  });

  it('keeps WMS and POS on the sandbox, seeded; ERP’s sandbox is neither seeded nor its faults served', async () => {
    expect((await call('/system/wms/v1/fulfilment-orders')).status).toBe(200);
    expect((await call('/system/pos/v1/sandbox/faults')).status).toBe(200);
    const faults = await call('/system/erp/v1/sandbox/faults');
    expect(faults.status).toBe(404);
    expect(await faults.json()).toMatchObject({ type: 'https://concord.dev/problems/sandbox-disabled' });
    const seeded = async (system: string) => (await running.platform.db.query(`SELECT 1 FROM ${system}.sandbox_seed`)).rows.length;
    expect([await seeded('erp'), await seeded('wms'), await seeded('pos')]).toEqual([0, 1, 1]);
  });

  it('lists the upstream’s state in /readyz', async () => {
    const ready = await fetch(`${running.platform.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: 'ok', 'upstream:erp-real': 'ok' } });
  });
});

describe('CONCORD_SANDBOX=false with ERP, WMS and POS all catalogue upstreams', () => {
  let system: Awaited<ReturnType<typeof fakeSystem>>;
  let running: Awaited<ReturnType<typeof startWith>>;
  beforeAll(async () => {
    system = await fakeSystem();
    running = await startWith(
      ['upstreams:', '  erp-real: { url: "${SYS_URL}" }', '  wms-real: { url: "${SYS_URL}" }', '  pos-real: { url: "${SYS_URL}" }', 'systems: { erp: erp-real, wms: wms-real, pos: pos-real }', ''].join('\n'),
      { SYS_URL: system.url, CONCORD_SANDBOX: 'false' },
    );
  });
  afterAll(async () => {
    await running?.platform.close();
    await running?.dir.remove();
    await new Promise((r) => system?.server.close(r));
  });

  it('answers no system operation 501: every one reaches its upstream (route table, called one by one)', async () => {
    const token = await adminToken(running.platform);
    const systemRoutes = routes.filter((r) => ['erp', 'wms', 'pos'].includes(r.upstream) && !r.path.includes('/sandbox/'));
    expect(systemRoutes.length).toBeGreaterThan(30);
    const statuses: Record<string, number> = {};
    for (const r of systemRoutes.filter((r) => r.method === 'GET')) {
      const res = await fetch(`${running.platform.url}${r.path.replace(/\{[^}]+\}/g, 'X1')}`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      statuses[`${r.method} ${r.path}`] = res.status;
    }
    expect(Object.values(statuses).filter((s) => s === 501)).toEqual([]);
    // Each GET without path parameters (those need ids of the right shape) reached the fake system under the
    // contract's own path; every operation, whatever its method, is routed to its system's upstream.
    const reached = new Set(system.seen.map((s) => s.url.split('?')[0]));
    for (const key of Object.keys(statuses).filter((k) => !k.includes('{'))) expect(reached).toContain(key.split(' ')[1]);
    const catalogue = running.config.catalogue;
    expect(systemRoutes.filter((r) => catalogueUpstreamOf(catalogue, r) !== `${r.upstream}-real`)).toEqual([]);
    // Nothing of the sandbox was seeded.
    for (const s of ['erp', 'wms', 'pos']) expect((await running.platform.db.query(`SELECT 1 FROM ${s}.sandbox_seed`)).rows).toEqual([]);
  });
});

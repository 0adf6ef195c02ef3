import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Catalogue } from '../catalogue/types';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { createTempDatabase, describeWithService } from '../testing/services';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { REPO_ROOT, copyContracts, makeTempDir } from '../testing/temp-dir';
import type { Seen } from '../testing/user-service';
import { EXTERNAL_CONTRACTS, closedPort, startUserService, upstream } from '../testing/user-service';
import type { RunningPlatform } from './start';
import { startPlatform } from './start';

// "Bring your own API": a user's own HTTP service (started here, on its own port) and its contracts in directories
// the catalogue names. Nothing but YAML is written for it; the platform serves it through the gateway's full chain.
const FIXTURES = EXTERNAL_CONTRACTS;

describeWithService('postgres', 'contracts without code: a user service behind catalogue contract directories', () => {
  let dir: { path: string; remove(): Promise<void> };
  let pg: { url: string; drop(): Promise<void> };
  let service: Server;
  let platform: RunningPlatform;
  let catalogue: Catalogue;
  const seen: Seen[] = [];
  let loyaltyToken: string;
  let sandboxToken: string;

  const config = (cat: Catalogue, root = REPO_ROOT) => ({
    ...loadConfig(
      {
        PORT: '0',
        CONCORD_DATA_DIR: dir.path,
        DATABASE_URL: pg.url,
        CONCORD_RESPONSE_VALIDATION: 'enforce',
        CONCORD_PLANS: '{"sandbox":{"ratePerSecond":1000,"burst":1000}}',
      },
      { root },
    ),
    catalogue: cat,
  });

  const token = async (clientId: string, clientSecret: string): Promise<string> => {
    const res = await fetch(`${platform.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const call = (path: string, init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    fetch(`${platform.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });

  beforeAll(async () => {
    dir = await makeTempDir();
    pg = await createTempDatabase();
    service = await startUserService(seen);
    const url = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
    catalogue = {
      // `gift-cards` points at a port nothing listens on: that service is down.
      upstreams: { loyalty: upstream('loyalty', url), 'gift-cards': upstream('gift-cards', await closedPort()) },
      systems: { erp: 'sandbox', wms: 'sandbox', pos: 'sandbox' },
      contracts: [
        { dir: join(FIXTURES, 'loyalty'), profile: 'concord' },
        { dir: join(FIXTURES, 'stock'), profile: 'import', upstream: 'loyalty' },
        { dir: join(FIXTURES, 'broken'), profile: 'concord' },
        { dir: join(FIXTURES, 'offline'), profile: 'import', upstream: 'gift-cards' },
      ],
    };
    platform = await startPlatform(config(catalogue), createLogger({ level: 'silent' }));

    // The directory's scopes are known to the gateway: an admin grants them to an app like Concord's own.
    const admin = platform.bootstrap!.admin;
    const created = await call('/admin/v1/apps', {
      method: 'POST',
      token: await token(admin.client_id, admin.client_secret),
      body: { name: 'Loyalty kiosk', plan: 'sandbox', scopes: ['loyalty:read', 'loyalty:write'] },
    });
    expect(created.status).toBe(201);
    const app = (await created.json()) as { clientId: string; clientSecret: string };
    loyaltyToken = await token(app.clientId, app.clientSecret);
    const sandbox = platform.bootstrap!.sandbox;
    sandboxToken = await token(sandbox.client_id, sandbox.client_secret);
  }, 180_000);

  afterAll(async () => {
    await platform?.close();
    await new Promise((r) => service?.close(r));
    await pg?.drop();
    await dir?.remove();
  });

  test('authentication and scopes come from the contract: 401 without a token, 403 without the scope', async () => {
    const anonymous = await call('/loyalty/v1/members/m-1');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    const wrongScope = await call('/loyalty/v1/members/m-1', { token: sandboxToken });
    expect(wrongScope.status).toBe(403);
    expect(seen.filter((s) => s.url.startsWith('/loyalty'))).toHaveLength(0);
  });

  test('a valid call reaches the user service and answers its body, with rate limit headers and metrics', async () => {
    const res = await call('/loyalty/v1/members/m-1', { token: loyaltyToken, headers: { 'x-correlation-id': 'byo-corr-1' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 'm-1', points: 120, tier: 'gold' });
    expect(res.headers.get('ratelimit')).toBeTruthy();
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/loyalty/v1/members/m-1', headers: expect.objectContaining({ 'x-correlation-id': 'byo-corr-1' }) });
    const metrics = await (await fetch(`${platform.url}/metrics`)).text();
    expect(metrics).toMatch(/operation="loyalty\.v1\.getMember"/);
  });

  test('request validation: a body or a path parameter outside the contract is 400 and never reaches the service', async () => {
    const before = seen.length;
    const badBody = await call('/loyalty/v1/members/m-1/points', { method: 'POST', token: loyaltyToken, body: { points: 0 }, headers: { 'Idempotency-Key': randomUUID() } });
    expect(badBody.status).toBe(400);
    const badPath = await call('/loyalty/v1/members/NOT-A-MEMBER', { token: loyaltyToken });
    expect(badPath.status).toBe(400);
    expect(seen.length).toBe(before);
  });

  test('idempotency is enforced by the gateway: a retry is replayed, the service sees one credit', async () => {
    const missing = await call('/loyalty/v1/members/m-2/points', { method: 'POST', token: loyaltyToken, body: { points: 10 } });
    expect(missing.status).toBe(400);
    const key = randomUUID();
    const first = await call('/loyalty/v1/members/m-2/points', { method: 'POST', token: loyaltyToken, body: { points: 10 }, headers: { 'Idempotency-Key': key } });
    expect(first.status).toBe(201);
    const firstBody = await first.json();
    const retry = await call('/loyalty/v1/members/m-2/points', { method: 'POST', token: loyaltyToken, body: { points: 10 }, headers: { 'Idempotency-Key': key } });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotency-replayed')).toBe('true');
    expect(await retry.json()).toEqual(firstBody);
    expect(seen.filter((s) => s.method === 'POST' && s.url === '/loyalty/v1/members/m-2/points')).toHaveLength(1);
  });

  test('response validation: the service answering outside its contract is a 502', async () => {
    const res = await call('/loyalty/v1/members/m-bad', { token: loyaltyToken });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { type: string }).type).toBe('https://concord.dev/problems/invalid-upstream-response');
  });

  test('a deprecated operation says so, with its sunset', async () => {
    const res = await call('/loyalty/v1/members/m-1/tier', { token: loyaltyToken });
    expect(res.status).toBe(200);
    expect(res.headers.get('deprecation')).toBeTruthy();
    expect(res.headers.get('sunset')).toMatch(/2099/);
  });

  test('import profile: a vendor OpenAPI 3.0 document without security or extensions is served with its defaults', async () => {
    expect(await call('/stock/v2/items/sku-1')).toHaveProperty('status', 401);
    // Any Concord token, no scope; nullable fields validate as the 3.0 document meant.
    const res = await call('/stock/v2/items/sku-1?minQty=1', { token: sandboxToken });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sku: 'sku-1', quantity: null, note: null });
    // exclusiveMinimum: true with minimum: 0 means > 0.
    expect((await call('/stock/v2/items/sku-1?minQty=0', { token: sandboxToken })).status).toBe(400);
  });

  test('a broken contract directory is reported down in /readyz and the rest is served', async () => {
    const ready = await fetch(`${platform.url}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { contracts: Array<{ source: string; state: string; reason?: string; warnings: number; operations: number }> };
    const bySource = Object.fromEntries(body.contracts.map((c) => [c.source, c]));
    expect(bySource['contracts/']).toMatchObject({ state: 'up' });
    expect(bySource[join(FIXTURES, 'loyalty')]).toMatchObject({ state: 'up', operations: 3, warnings: 0 });
    expect(bySource[join(FIXTURES, 'stock')]).toMatchObject({ state: 'up', operations: 1, warnings: 2 });
    expect(bySource[join(FIXTURES, 'broken')]).toMatchObject({ state: 'down', reason: expect.stringContaining("'#/components/schemas/Missing' cannot be resolved") });
    expect((await call('/returns-portal/v1/labels', { token: loyaltyToken })).status).toBe(404);
    // Concord's own APIs are untouched.
    expect((await call('/v1/orders/ord_0000000000', { token: sandboxToken })).status).not.toBe(503);
  });

  test('an upstream that is down fails its own calls (503 problem) and nothing else', async () => {
    const down = await call('/gift-cards/v1/cards/GC-1', { token: sandboxToken });
    expect(down.status).toBe(503);
    expect(((await down.json()) as { type: string }).type).toBe('https://concord.dev/problems/upstream-unavailable');
    expect((await call('/loyalty/v1/members/m-1', { token: loyaltyToken })).status).toBe(200);
  });

  test('the portal catalogue lists the external APIs', async () => {
    const admin = platform.portalAdmin!;
    const login = await fetch(`${platform.url}/portal/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: admin.email, password: admin.password }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const apis = await fetch(`${platform.url}/portal/v1/apis`, { headers: { cookie } });
    expect(apis.status).toBe(200);
    const names = ((await apis.json()) as { items: Array<{ name: string; versions: Array<{ id: string }> }> }).items.map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(['loyalty', 'store-stock', 'orders']));
    const doc = await fetch(`${platform.url}/portal/v1/apis/loyalty.v1/document`, { headers: { cookie } });
    expect(doc.status).toBe(200);
    expect(((await doc.json()) as { info: { title: string } }).info.title).toBe('Loyalty API');
  });

  test('a contract naming an upstream the catalogue lacks stops start-up, naming the file, the operation and the upstream', async () => {
    const without: Catalogue = { ...catalogue, upstreams: {}, contracts: [catalogue.contracts[0]!] };
    await expect(startPlatform(config(without), createLogger({ level: 'silent' }))).rejects.toThrow(
      /loyalty\.v1\.yaml: getMember \(GET \/loyalty\/v1\/members\/\{memberId\}\) -> 'loyalty'/,
    );
  });

  test('start --root with contracts that differ from generated/ serves them from a manifest built at start-up', async () => {
    // The user drops the loyalty contract under contracts/ and adds its scopes to the scope catalogue: no generate.
    const scratch = await copyContracts();
    let second: RunningPlatform | undefined;
    try {
      await cp(join(FIXTURES, 'loyalty', 'loyalty.v1.yaml'), join(scratch.root, 'contracts/openapi/process/loyalty.v1.yaml'));
      const http = join(scratch.root, 'contracts/openapi/common/http.yaml');
      const doc = parseDocument(await readFile(http, 'utf8'));
      for (const scope of ['loyalty:read', 'loyalty:write']) doc.setIn(['components', 'securitySchemes', 'oauth2', 'flows', 'clientCredentials', 'scopes', scope], 'Loyalty');
      await writeFile(http, doc.toString());

      second = await startPlatform(config({ ...catalogue, contracts: [] }, scratch.root), createLogger({ level: 'silent' }));
      expect(second.contractSources).toEqual([expect.objectContaining({ source: 'contracts/', state: 'up' })]);
      const member = await fetch(`${second.url}/loyalty/v1/members/m-3`, { headers: { authorization: `Bearer ${loyaltyToken}` } });
      expect(member.status).toBe(200);
      expect(await member.json()).toEqual({ id: 'm-3', points: 120, tier: 'gold' });
      const invalid = await fetch(`${second.url}/loyalty/v1/members/NOPE`, { headers: { authorization: `Bearer ${loyaltyToken}` } });
      expect(invalid.status).toBe(400);
    } finally {
      await second?.close();
      await scratch.remove();
    }
  }, 180_000);
});

import { stat } from 'node:fs/promises';
import { decodeProtectedHeader } from 'jose';
import { loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import type { RunningPlatform } from '../platform/server/start';
import { startPlatform } from '../platform/server/start';
import { REPO_ROOT, makeTempDir } from '../platform/testing/temp-dir';
import { runCli } from '../test/helpers/cli';

// The gateway end to end on the embedded default: the app registry's first-start credentials, the token
// endpoint, JWKS, authentication, scopes and rate limits, all through real HTTP.

let dir: { path: string; remove(): Promise<void> };
let platform: RunningPlatform;
let admin: { client_id: string; client_secret: string; api_key: string };
let sandbox: { client_id: string; client_secret: string; api_key: string };

beforeAll(async () => {
  dir = await makeTempDir();
  // A 60 s window (60 points at 1/s) so that no test run crosses a window boundary.
  // Every response is checked against its contract: a violation would be a 502 and fail the test that saw it.
  const config = loadConfig(
    { PORT: '0', CONCORD_DATA_DIR: dir.path, CONCORD_PLANS: '{"sandbox":{"ratePerSecond":1,"burst":60}}', CONCORD_RESPONSE_VALIDATION: 'enforce' },
    { root: REPO_ROOT },
  );
  platform = await startPlatform(config, createLogger({ level: 'silent' }));
  if (!platform.bootstrap) throw new Error('expected first-start credentials');
  ({ admin, sandbox } = platform.bootstrap);
});
afterAll(async () => {
  await platform?.close();
  await dir?.remove();
});

const url = (path: string) => `${platform.url}${path}`;
const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});
async function token(creds: { client_id: string; client_secret: string }, scope?: string): Promise<string> {
  const res = await fetch(url('/oauth/token'), form({ grant_type: 'client_credentials', client_id: creds.client_id, client_secret: creds.client_secret, ...(scope ? { scope } : {}) }));
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

describe('first start', () => {
  it('creates the admin and sandbox apps and writes credentials.json with mode 0600', async () => {
    expect(admin.client_id).toBe('app_admin');
    expect(sandbox.client_id).toBe('app_sandbox');
    expect((await stat(platform.bootstrap!.file)).mode & 0o777).toBe(0o600);
  });
});

describe('POST /oauth/token', () => {
  it('issues an ES256 JWT for form-encoded client credentials, not cacheable', async () => {
    const res = await fetch(url('/oauth/token'), form({ grant_type: 'client_credentials', client_id: sandbox.client_id, client_secret: sandbox.client_secret }));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { scope: string; access_token: string };
    expect(body).toEqual(expect.objectContaining({ token_type: 'Bearer', expires_in: 900 }));
    expect(body.scope.split(' ')).toEqual(expect.arrayContaining(['orders:read', 'orders:write']));
    const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1] ?? '', 'base64url').toString());
    expect(claims).toEqual(expect.objectContaining({ iss: 'urn:concord:gateway', aud: 'urn:concord:api', sub: 'app_sandbox', partner: 'prt_sandbox', jti: expect.any(String) }));
    expect(claims.exp - claims.iat).toBe(900);
    expect(decodeProtectedHeader(body.access_token).alg).toBe('ES256');
  });

  it('accepts JSON bodies and HTTP Basic client authentication', async () => {
    const json = await fetch(url('/oauth/token'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: sandbox.client_id, client_secret: sandbox.client_secret }),
    });
    expect(json.status).toBe(200);
    const basic = await fetch(url('/oauth/token'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${sandbox.client_id}:${sandbox.client_secret}`).toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
    expect(basic.status).toBe(200);
  });

  it('answers errors as RFC 6749 §5.2: a wrong secret is 401 invalid_client', async () => {
    const wrong = await fetch(url('/oauth/token'), form({ grant_type: 'client_credentials', client_id: sandbox.client_id, client_secret: 'cs_wrong' }));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(await wrong.json()).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    const grant = await fetch(url('/oauth/token'), form({ grant_type: 'password', client_id: 'x', client_secret: 'y' }));
    expect(await grant.json()).toEqual(expect.objectContaining({ error: 'unsupported_grant_type' }));
    const scope = await fetch(url('/oauth/token'), form({ grant_type: 'client_credentials', client_id: sandbox.client_id, client_secret: sandbox.client_secret, scope: 'admin' }));
    expect(scope.status).toBe(400);
    expect(await scope.json()).toEqual(expect.objectContaining({ error: 'invalid_scope' }));
  });

  it('publishes the signing key in /.well-known/jwks.json', async () => {
    const t = await token(sandbox);
    const jwks = (await (await fetch(url('/.well-known/jwks.json'))).json()) as { keys: unknown[] };
    expect(jwks.keys).toEqual(expect.arrayContaining([expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: decodeProtectedHeader(t).kid })]));
    expect(JSON.stringify(jwks)).not.toContain('"d"');
  });
});

describe('authentication and scopes', () => {
  it('a call without credentials is 401 problem+json with a Bearer challenge', async () => {
    const res = await fetch(url('/v1/orders'), { headers: { 'x-correlation-id': 'no-creds' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="concord"/);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toEqual(expect.objectContaining({ type: 'https://concord.dev/problems/unauthorized', correlationId: 'no-creds' }));
  });

  it('a valid token reaches the operation; a tampered one is 401 invalid_token', async () => {
    const t = await token(sandbox);
    const ok = await fetch(url('/v1/orders'), { headers: bearer(t) });
    expect(ok.status).toBe(200); // authenticated, authorized and served
    const [h, p, s] = t.split('.');
    const tampered = `${h}.${p}.${s!.slice(0, -4)}AAAA`;
    const bad = await fetch(url('/v1/orders'), { headers: bearer(tampered) });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('an API key works where the contract allows it, and only there', async () => {
    const read = await fetch(url('/v1/orders'), { headers: { 'x-api-key': sandbox.api_key } });
    expect(read.status).toBe(200);
    const write = await fetch(url('/v1/orders'), { method: 'POST', headers: { 'x-api-key': sandbox.api_key, 'content-type': 'application/json' }, body: '{}' });
    expect(write.status).toBe(401);
    expect(((await write.json()) as { detail: string }).detail).toMatch(/does not accept API keys/);
    const wrong = await fetch(url('/v1/orders'), { headers: { 'x-api-key': 'ck_nope_nope' } });
    expect(wrong.status).toBe(401);
  });

  it('a missing scope is 403 with WWW-Authenticate insufficient_scope; internal APIs refuse partner apps', async () => {
    const readOnly = await token(sandbox, 'orders:read');
    const res = await fetch(url('/v1/orders'), { method: 'POST', headers: { ...bearer(readOnly), 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="concord", error="insufficient_scope", scope="orders:write"');
    expect(((await res.json()) as { type: string }).type).toBe('https://concord.dev/problems/insufficient-scope');

    const partner = await token(sandbox);
    const internal = await fetch(url('/admin/v1/plans'), { headers: bearer(partner) });
    expect(internal.status).toBe(403);
    const system = await fetch(url('/system/erp/v1/items'), { headers: bearer(partner) });
    expect(system.status).toBe(403);

    const adminToken = await token(admin);
    const allowed = await fetch(url('/system/erp/v1/items'), { headers: bearer(adminToken) });
    expect([401, 403]).not.toContain(allowed.status);
  });
});

describe('rate limits', () => {
  it('every limited response carries RateLimit and RateLimit-Policy; over budget is 429 with Retry-After', async () => {
    const t = await token(sandbox);
    const first = await fetch(url('/v1/orders'), { headers: bearer(t) });
    expect(first.headers.get('ratelimit-policy')).toBe('"sandbox";q=60;w=60');
    expect(first.headers.get('ratelimit')).toMatch(/^"sandbox";r=\d+;t=\d+$/);

    // createOrder costs 5 points (x-concord-rate-limit-cost); the rest of the 60-point window runs out.
    let last: Response | undefined;
    for (let i = 0; i < 13; i++) {
      last = await fetch(url('/v1/orders'), { method: 'POST', headers: { ...bearer(t), 'content-type': 'application/json' }, body: '{}' });
      if (last.status === 429) break;
      expect(last.status).toBe(400); // admitted, then refused by request validation
    }
    expect(last?.status).toBe(429);
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(last?.headers.get('ratelimit')).toMatch(/^"sandbox";r=0;t=\d+$/);
    expect(await last?.json()).toEqual(expect.objectContaining({ type: 'https://concord.dev/problems/rate-limited', status: 429 }));

    // Another app's budget is its own.
    const adminToken = await token(admin);
    expect((await fetch(url('/admin/v1/plans'), { headers: bearer(adminToken) })).status).not.toBe(429);
  });
});

describe('the admin API and the CLI on a running instance', () => {
  it('serves plans and apps to the admin app only', async () => {
    const adminToken = await token(admin);
    const plans = await fetch(url('/admin/v1/plans'), { headers: bearer(adminToken) });
    expect(plans.status).toBe(200);
    expect(await plans.json()).toEqual(
      expect.objectContaining({ items: expect.arrayContaining([expect.objectContaining({ name: 'sandbox', ratePerSecond: 1, burst: 60 })]) }),
    );
    const apps = (await (await fetch(url('/admin/v1/apps'), { headers: bearer(adminToken) })).json()) as { items: Array<Record<string, unknown>> };
    expect(apps.items.map((a) => a.clientId)).toEqual(expect.arrayContaining(['app_admin', 'app_sandbox']));
    expect(JSON.stringify(apps)).not.toContain(sandbox.client_secret);
  });

  it('`concord apps create --json` registers an app whose credentials work; suspending it locks it out', async () => {
    const cli = (args: string[]) => runCli([...args, '--url', platform.url, '--data-dir', dir.path]);
    const created = await cli(['apps', 'create', '--name', 'Midlands 3PL', '--plan', 'partner', '--scopes', 'availability:read orders:read', '--partner', 'prt_sandbox', '--json']);
    expect(created.code).toBe(0);
    const creds = JSON.parse(created.stdout) as { client_id: string; client_secret: string; api_key: string };
    expect(Object.keys(creds).sort()).toEqual(['api_key', 'client_id', 'client_secret']);

    const t = await token(creds);
    expect((await fetch(url('/v1/availability?sku=SKU-0001'), { headers: bearer(t) })).status).toBe(200);
    expect((await fetch(url('/v1/availability?sku=SKU-0001'), { headers: { 'x-api-key': creds.api_key } })).status).toBe(200);

    expect((await cli(['apps', 'suspend', creds.client_id])).code).toBe(0);
    const refused = await fetch(url('/oauth/token'), form({ grant_type: 'client_credentials', client_id: creds.client_id, client_secret: creds.client_secret }));
    expect(await refused.json()).toEqual(expect.objectContaining({ error: 'unauthorized_client' }));
    expect((await fetch(url('/v1/availability?sku=SKU-0001'), { headers: bearer(t) })).status).toBe(401);
  });
});

describe('secret rotation (issue 18)', () => {
  it('keeps tokens issued before by default; with --revoke-tokens refuses them, and new tokens work', async () => {
    const cli = (args: string[]) => runCli([...args, '--url', platform.url, '--data-dir', dir.path]);
    const partner = await cli(['partners', 'create', '--name', 'Rotation Test Ltd', '--email', 'ops@rotation.example', '--json']);
    expect(partner.code).toBe(0);
    const partnerId = (JSON.parse(partner.stdout) as { id: string }).id;
    expect(JSON.parse((await cli(['partners', 'list', '--json'])).stdout).items.map((p: { id: string }) => p.id)).toContain(partnerId);
    const created = await cli(['apps', 'create', '--name', 'Rotating', '--plan', 'partner', '--scopes', 'availability:read', '--partner', partnerId, '--json']);
    const creds = JSON.parse(created.stdout) as { client_id: string; client_secret: string };
    const availability = (t: string) => fetch(url('/v1/availability?sku=SKU-0001'), { headers: bearer(t) }).then((r) => r.status);

    const before = await token(creds);
    const plain = JSON.parse((await cli(['apps', 'rotate-secret', creds.client_id, '--json'])).stdout) as { client_secret: string };
    expect(await availability(before)).toBe(200);

    const afterPlain = await token({ client_id: creds.client_id, client_secret: plain.client_secret });
    const revoking = await cli(['apps', 'rotate-secret', creds.client_id, '--revoke-tokens', '--json']);
    expect(revoking.code).toBe(0);
    expect(await availability(before)).toBe(401);
    expect(await availability(afterPlain)).toBe(401);
    const fresh = await token({ client_id: creds.client_id, client_secret: (JSON.parse(revoking.stdout) as { client_secret: string }).client_secret });
    expect(JSON.parse(Buffer.from(fresh.split('.')[1] ?? '', 'base64url').toString()).gen).toBe(1);
    expect(await availability(fresh)).toBe(200);
  });
});

describe('hostile input (issue 18)', () => {
  it('answers NUL in a query or body and an out-of-range integer with a 400 naming the pointer', async () => {
    const t = await token(sandbox);
    const query = await fetch(url('/v2/orders?sourceOrderId=%00'), { headers: bearer(t) });
    expect(query.status).toBe(400);
    expect(query.headers.get('x-content-type-options')).toBe('nosniff');
    expect(((await query.json()) as { errors: Array<{ pointer: string }> }).errors[0]?.pointer).toBe('#/query/sourceOrderId');
    const adminToken = await token(admin);
    const partner = await fetch(url('/admin/v1/partners'), {
      method: 'POST',
      headers: { ...bearer(adminToken), 'content-type': 'application/json' },
      body: '{"name":"Evil\\u0000Corp","contactEmail":"a@b.example"}',
    });
    expect(partner.status).toBe(400);
    expect(((await partner.json()) as { errors: Array<{ pointer: string }> }).errors[0]?.pointer).toBe('/name');
  });
});

describe('GET /metrics', () => {
  it('exposes requests by operation, app and status, latency, rate-limit rejections and process metrics', async () => {
    const res = await fetch(url('/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/concord_http_requests_total\{operation="orders\.v1\.listOrders",app="app_sandbox",status="200"\} [1-9]/);
    expect(text).toMatch(/concord_http_requests_total\{operation="orders\.v1\.createOrder",app="app_sandbox",status="429"\} [1-9]/);
    expect(text).toMatch(/concord_http_request_duration_seconds_bucket\{le="[0-9.]+",operation="auth\.v1\.issueToken"\} [1-9]/);
    expect(text).toMatch(/concord_rate_limit_rejections_total\{plan="sandbox"\} [1-9]/);
    expect(text).toContain('concord_process_resident_memory_bytes');
  });
});

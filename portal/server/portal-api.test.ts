import { gunzipSync } from 'node:zlib';
import { loadConfig } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import type { RunningPlatform } from '../../platform/server/start';
import { startPlatform } from '../../platform/server/start';
import { REPO_ROOT, makeTempDir } from '../../platform/testing/temp-dir';

// The portal API end to end over real HTTP on the embedded default: accounts, sessions and CSRF, apps scoped to
// the organisation, usage, the catalogue and the admin API through an admin's session. Every response is checked
// against its contract (a violation would be a 502).

let dir: { path: string; remove(): Promise<void> };
let platform: RunningPlatform;

beforeAll(async () => {
  dir = await makeTempDir();
  const config = loadConfig(
    // Sandbox apps get a burst of 3 and 1 request/s, so a quick run of calls meets 429s.
    // Behind a "proxy": each simulated browser comes from its own X-Forwarded-For address, as sign-up and sign-in
    // budgets are per address.
    { PORT: '0', CONCORD_DATA_DIR: dir.path, CONCORD_PLANS: '{"sandbox":{"ratePerSecond":1,"burst":3}}', CONCORD_RESPONSE_VALIDATION: 'enforce', CONCORD_TRUST_PROXY: '1' },
    { root: REPO_ROOT },
  );
  platform = await startPlatform(config, createLogger({ level: process.env.TEST_LOG ?? 'silent' }), () => {}, { background: false });
});
afterAll(async () => {
  await platform?.close();
  await dir?.remove();
});

const url = (path: string) => `${platform.url}${path}`;

/** A browser-like client: keeps the session cookie and sends the CSRF token on unsafe requests. */
interface Browser {
  cookie?: string;
  csrf?: string;
  user?: { id: string; email: string; role: string; partner: { id: string; name: string } };
}

let addresses = 0;
async function call(b: Browser | undefined, method: string, path: string, body?: unknown, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { 'x-forwarded-for': `10.0.${Math.floor(++addresses / 250)}.${addresses % 250}`, ...extra };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (b?.cookie) headers.cookie = b.cookie;
  if (b?.csrf && method !== 'GET' && !('x-csrf-token' in extra)) headers['x-csrf-token'] = b.csrf;
  return fetch(url(path), { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

const cookieOf = (res: Response) => res.headers.get('set-cookie') ?? '';

async function remember(res: Response): Promise<Browser> {
  const body = (await res.json()) as { user: Browser['user']; csrfToken: string };
  return { cookie: cookieOf(res).split(';')[0], csrf: body.csrfToken, user: body.user };
}

let seq = 0;
async function signUp(organisation = `Org ${++seq}`): Promise<Browser> {
  const res = await call(undefined, 'POST', '/portal/v1/signup', { email: `dev${++seq}@example.com`, password: 'correct-horse-battery', organisation });
  expect(res.status).toBe(201);
  return remember(res);
}

async function signInAdmin(): Promise<Browser> {
  const admin = platform.portalAdmin!;
  const res = await call(undefined, 'POST', '/portal/v1/login', { email: admin.email, password: admin.password });
  expect(res.status).toBe(200);
  return remember(res);
}

async function registerApp(b: Browser, plan: 'sandbox' | 'partner' = 'sandbox') {
  const res = await call(b, 'POST', '/portal/v1/apps', { name: `App ${++seq}`, plan });
  expect(res.status).toBe(201);
  return (await res.json()) as { clientId: string; clientSecret: string; apiKey: string; app: { plan: string; requestedPlan?: string; status: string; apiKeys: Array<{ keyId: string }> } };
}

async function tokenFor(clientId: string, clientSecret: string) {
  return fetch(url('/oauth/token'), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString(),
  });
}

describe('accounts and sessions', () => {
  it('signs up into a new organisation with an HttpOnly, SameSite=Strict session cookie', async () => {
    const res = await call(undefined, 'POST', '/portal/v1/signup', { email: 'Ada@Example.com', password: 'correct-horse-battery', organisation: 'Ada Retail' });
    expect(res.status).toBe(201);
    const cookie = cookieOf(res);
    expect(cookie).toMatch(/^concord_session=[A-Za-z0-9_-]{40,}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const b = await remember(res);
    expect(b.user).toMatchObject({ email: 'ada@example.com', role: 'partner', partner: { name: 'Ada Retail' } });
    const me = await call(b, 'GET', '/portal/v1/session');
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { id: string } }).user.id).toBe(b.user!.id);
  });

  it('marks the cookie Secure behind a TLS proxy', async () => {
    const res = await call(undefined, 'POST', '/portal/v1/signup', { email: 'tls@example.com', password: 'correct-horse-battery', organisation: 'TLS' }, { 'x-forwarded-proto': 'https' });
    expect(cookieOf(res)).toMatch(/; Secure$/);
  });

  it('stores only hashes of passwords and session tokens', async () => {
    const b = await signUp();
    const row = (await platform.db.query<{ password_hash: string }>(`SELECT password_hash FROM concord.portal_users WHERE id = $1`, [b.user!.id])).rows[0]!;
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row.password_hash).not.toContain('correct-horse-battery');
    const token = b.cookie!.split('=')[1]!;
    const sessions = (await platform.db.query<{ token_hash: string }>(`SELECT token_hash FROM concord.portal_sessions WHERE user_id = $1`, [b.user!.id])).rows;
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.token_hash).not.toBe(token);
  });

  it('refuses a taken email (409), a short password (400), and answers a wrong email and a wrong password alike (401)', async () => {
    const b = await signUp();
    expect((await call(undefined, 'POST', '/portal/v1/signup', { email: b.user!.email.toUpperCase(), password: 'correct-horse-battery', organisation: 'X' })).status).toBe(409);
    expect((await call(undefined, 'POST', '/portal/v1/signup', { email: 'short@example.com', password: 'short', organisation: 'X' })).status).toBe(400);
    const wrongPassword = await call(undefined, 'POST', '/portal/v1/login', { email: b.user!.email, password: 'not-the-password' });
    const unknownEmail = await call(undefined, 'POST', '/portal/v1/login', { email: 'nobody@example.com', password: 'not-the-password' });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(((await wrongPassword.json()) as { detail: string }).detail).toBe(((await unknownEmail.json()) as { detail: string }).detail);
  });

  it('locks sign-in for an email after 5 failures, even with the right password, and says when to retry', async () => {
    const b = await signUp();
    for (let i = 0; i < 5; i++) expect((await call(undefined, 'POST', '/portal/v1/login', { email: b.user!.email, password: 'wrong-password-1' })).status).toBe(401);
    const locked = await call(undefined, 'POST', '/portal/v1/login', { email: b.user!.email, password: 'correct-horse-battery' });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await locked.json()) as { type: string }).type).toBe('https://concord.dev/problems/rate-limited');
  });

  it('takes each guess from the budget before checking it: 10 concurrent wrong passwords get 5 answers and 5 429s', async () => {
    const b = await signUp();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => call(undefined, 'POST', '/portal/v1/login', { email: b.user!.email, password: 'wrong-password-1' }).then((r) => r.status)),
    );
    expect(results.filter((s) => s === 401)).toHaveLength(5);
    expect(results.filter((s) => s === 429)).toHaveLength(5);
  });

  it('limits sign-ups per client address (20 per 15 minutes)', async () => {
    const from = { 'x-forwarded-for': '192.0.2.77' };
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      statuses.push((await call(undefined, 'POST', '/portal/v1/signup', { email: `flood${i}@example.com`, password: 'correct-horse-battery', organisation: `Flood ${i}` }, from)).status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 201)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it('sends secrets and CSRF tokens with Cache-Control: no-store', async () => {
    const b = await signUp();
    expect((await call(b, 'GET', '/portal/v1/session')).headers.get('cache-control')).toBe('no-store');
    expect((await call(b, 'POST', '/portal/v1/apps', { name: 'Cached?', plan: 'sandbox' })).headers.get('cache-control')).toBe('no-store');
  });

  it('signs out: the cookie is cleared and the session no longer works', async () => {
    const b = await signUp();
    const out = await call(b, 'POST', '/portal/v1/logout');
    expect(out.status).toBe(204);
    expect(cookieOf(out)).toMatch(/^concord_session=; .*Max-Age=0/);
    expect((await call(b, 'GET', '/portal/v1/session')).status).toBe(401);
  });

  it('needs the session cookie: no cookie, a made-up cookie, or a bearer token are 401', async () => {
    expect((await call(undefined, 'GET', '/portal/v1/apps')).status).toBe(401);
    expect((await call({ cookie: 'concord_session=made-up' }, 'GET', '/portal/v1/apps')).status).toBe(401);
    const sandbox = platform.bootstrap!.sandbox;
    const token = ((await (await tokenFor(sandbox.client_id, sandbox.client_secret)).json()) as { access_token: string }).access_token;
    expect((await call(undefined, 'GET', '/portal/v1/apps', undefined, { authorization: `Bearer ${token}` })).status).toBe(401);
  });

  it('refuses unsafe requests without the session CSRF token (403), or with another session token', async () => {
    const b = await signUp();
    const other = await signUp();
    const none = await call(b, 'POST', '/portal/v1/apps', { name: 'x', plan: 'sandbox' }, { 'x-csrf-token': '' });
    expect(none.status).toBe(403);
    expect(((await none.json()) as { type: string }).type).toBe('https://concord.dev/problems/csrf-token-invalid');
    expect((await call(b, 'POST', '/portal/v1/apps', { name: 'x', plan: 'sandbox' }, { 'x-csrf-token': other.csrf! })).status).toBe(403);
    // As many characters as the real token, but not as many bytes: still a plain 403.
    expect((await call(b, 'POST', '/portal/v1/apps', { name: 'x', plan: 'sandbox' }, { 'x-csrf-token': '\u00e9'.repeat(b.csrf!.length) })).status).toBe(403);
    expect((await call(b, 'GET', '/portal/v1/apps')).status).toBe(200);
  });
});

describe('apps', () => {
  it('registers a sandbox app, active at once, whose credentials are shown once and work', async () => {
    const b = await signUp();
    const created = await registerApp(b);
    expect(created.app).toMatchObject({ plan: 'sandbox', status: 'active' });
    expect(created.app.requestedPlan).toBeUndefined();
    expect((await tokenFor(created.clientId, created.clientSecret)).status).toBe(200);
    const listed = await (await call(b, 'GET', '/portal/v1/apps')).text();
    expect(listed).toContain(created.clientId);
    expect(listed).not.toContain(created.clientSecret);
    expect(listed).not.toContain(created.apiKey);
  });

  it('refuses a name the contract lets through but the registry cannot store (blank) with 400, not 500', async () => {
    const b = await signUp();
    const res = await call(b, 'POST', '/portal/v1/apps', { name: '   ', plan: 'sandbox' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { type: string }).type).toBe('https://concord.dev/problems/validation');
  });

  it('registers a partner-plan app on sandbox with the partner plan awaiting approval', async () => {
    const b = await signUp();
    const created = await registerApp(b, 'partner');
    expect(created.app).toMatchObject({ plan: 'sandbox', requestedPlan: 'partner' });
  });

  it('rotates the secret (the old one stops working), creates and revokes keys, and suspends the app', async () => {
    const b = await signUp();
    const created = await registerApp(b);
    const rotated = await call(b, 'POST', `/portal/v1/apps/${created.clientId}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const { clientSecret } = (await rotated.json()) as { clientSecret: string };
    expect((await tokenFor(created.clientId, created.clientSecret)).status).toBe(401);
    expect((await tokenFor(created.clientId, clientSecret)).status).toBe(200);

    const key = await call(b, 'POST', `/portal/v1/apps/${created.clientId}/api-keys`);
    expect(key.status).toBe(201);
    const { keyId, apiKey } = (await key.json()) as { keyId: string; apiKey: string };
    const withKey = () => fetch(url('/v1/availability?sku=SKU-0001'), { headers: { 'x-api-key': apiKey } });
    expect((await withKey()).status).not.toBe(401);
    expect((await call(b, 'DELETE', `/portal/v1/apps/${created.clientId}/api-keys/${keyId}`)).status).toBe(204);
    expect((await withKey()).status).toBe(401);

    const suspended = await call(b, 'POST', `/portal/v1/apps/${created.clientId}/suspend`);
    expect(suspended.status).toBe(200);
    expect(((await suspended.json()) as { status: string }).status).toBe('suspended');
    expect((await tokenFor(created.clientId, clientSecret)).status).toBe(400);
  });

  it("never shows one organisation another's apps or usage", async () => {
    const a = await signUp();
    const b = await signUp();
    const appOfA = await registerApp(a);
    const listedForB = (await (await call(b, 'GET', '/portal/v1/apps')).json()) as { items: Array<{ clientId: string }> };
    expect(listedForB.items.map((i) => i.clientId)).not.toContain(appOfA.clientId);
    for (const [method, path] of [
      ['GET', `/portal/v1/apps/${appOfA.clientId}`],
      ['GET', `/portal/v1/apps/${appOfA.clientId}/usage`],
      ['POST', `/portal/v1/apps/${appOfA.clientId}/rotate-secret`],
      ['POST', `/portal/v1/apps/${appOfA.clientId}/api-keys`],
      ['DELETE', `/portal/v1/apps/${appOfA.clientId}/api-keys/${appOfA.app.apiKeys[0]!.keyId}`],
      ['POST', `/portal/v1/apps/${appOfA.clientId}/suspend`],
    ] as const) {
      expect({ method, path, status: (await call(b, method, path)).status }).toEqual({ method, path, status: 404 });
    }
    // Nothing B tried changed A's app.
    expect((await tokenFor(appOfA.clientId, appOfA.clientSecret)).status).toBe(200);
  });

  it("shows an app's requests, errors and 429s per day, as the gateway recorded them", async () => {
    const b = await signUp();
    const created = await registerApp(b);
    const { access_token } = (await (await tokenFor(created.clientId, created.clientSecret)).json()) as { access_token: string };
    const statuses: number[] = [];
    // One validation error (a malformed sku), then a run of calls that outruns the burst of 3.
    statuses.push((await fetch(url('/v1/availability?sku=!!'), { headers: { authorization: `Bearer ${access_token}` } })).status);
    for (let i = 0; i < 6; i++) statuses.push((await fetch(url('/v1/availability?sku=SKU-0001'), { headers: { authorization: `Bearer ${access_token}` } })).status);
    const res = await call(b, 'GET', `/portal/v1/apps/${created.clientId}/usage?days=3`);
    expect(res.status).toBe(200);
    const usage = (await res.json()) as { days: Array<{ date: string; requests: number; errors: number; throttled: number }> };
    expect(usage.days).toHaveLength(3);
    const today = usage.days[2]!;
    expect(today.date).toBe(new Date().toISOString().slice(0, 10));
    expect(today).toMatchObject({
      requests: statuses.length,
      errors: statuses.filter((s) => s >= 400 && s !== 429).length,
      throttled: statuses.filter((s) => s === 429).length,
    });
    expect(today.throttled).toBeGreaterThan(0);
    expect(today.errors).toBeGreaterThan(0);
    expect(usage.days[0]).toMatchObject({ requests: 0, errors: 0, throttled: 0 });
  });
});

describe('catalogue', () => {
  it('shows partners the process APIs with every version and status, and never the system APIs', async () => {
    const b = await signUp();
    const { items } = (await (await call(b, 'GET', '/portal/v1/apis')).json()) as { items: Array<{ name: string; versions: Array<{ id: string; status: string; sunset?: string }> }> };
    const names = items.map((i) => i.name);
    expect(names).toEqual(expect.arrayContaining(['orders', 'returns', 'availability']));
    expect(names).not.toContain('erp');
    expect(names).not.toContain('admin');
    const orders = items.find((i) => i.name === 'orders')!;
    expect(orders.versions.map((v) => v.id)).toEqual(['orders.v1', 'orders.v2']);
    expect(orders.versions[1]!.status).toBe('current');
    expect((await call(b, 'GET', '/portal/v1/apis/erp.v1/document')).status).toBe(404);
  });

  it('shows internal admins the system APIs too', async () => {
    const admin = await signInAdmin();
    const { items } = (await (await call(admin, 'GET', '/portal/v1/apis')).json()) as { items: Array<{ name: string }> };
    expect(items.map((i) => i.name)).toEqual(expect.arrayContaining(['orders', 'erp', 'wms', 'pos']));
    expect((await call(admin, 'GET', '/portal/v1/apis/erp.v1/document')).status).toBe(200);
  });

  it('serves the bundled document, the changelog from the previous major, and the client tarball', async () => {
    const b = await signUp();
    const doc = (await (await call(b, 'GET', '/portal/v1/apis/orders.v2/document')).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(JSON.stringify(doc)).not.toContain('../common/');
    const changelog = (await (await call(b, 'GET', '/portal/v1/apis/orders.v2/changelog')).json()) as { previous: string; changes: unknown[] };
    expect(changelog.previous).toBe('orders.v1');
    expect(changelog.changes.length).toBeGreaterThan(0);
    const tgz = await call(b, 'GET', '/portal/v1/apis/orders.v2/client');
    expect(tgz.status).toBe(200);
    expect(tgz.headers.get('content-type')).toBe('application/gzip');
    expect(tgz.headers.get('content-disposition')).toMatch(/^attachment; filename="[a-z0-9.-]+\.tgz"$/);
    expect(gunzipSync(Buffer.from(await tgz.arrayBuffer())).toString('latin1')).toContain('package/package.json');
  });
});

describe('admin views through an admin session', () => {
  it('refuses partner sessions on the admin API', async () => {
    const b = await signUp();
    expect((await call(b, 'GET', '/admin/v1/apps')).status).toBe(403);
    expect((await call(b, 'GET', '/admin/v1/ops/summary')).status).toBe(403);
  });

  it('lets an admin approve a partner plan request, with the CSRF token', async () => {
    const b = await signUp();
    const created = await registerApp(b, 'partner');
    const admin = await signInAdmin();
    const pending = (await (await call(admin, 'GET', `/admin/v1/apps?partnerId=${b.user!.partner.id}`)).json()) as { items: Array<{ clientId: string; requestedPlan?: string }> };
    expect(pending.items.find((a) => a.clientId === created.clientId)?.requestedPlan).toBe('partner');
    const path = `/admin/v1/apps/${created.clientId}/plan-requests/approve`;
    expect((await call(admin, 'POST', path, undefined, { 'x-csrf-token': '' })).status).toBe(403);
    const approved = await call(admin, 'POST', path);
    expect(approved.status).toBe(200);
    expect((await (await call(b, 'GET', `/portal/v1/apps/${created.clientId}`)).json()) as object).toMatchObject({ plan: 'partner' });
    expect((await call(admin, 'GET', '/admin/v1/ops/summary')).status).toBe(200);
  });
});

import { randomBytes } from 'node:crypto';
import { routes } from '../../generated/routes';
import type { Database } from '../../platform/db/database';
import { migrate } from '../../platform/db/migrate';
import { openPglite } from '../../platform/db/pglite';
import type { CallerContext } from '../../platform/http/handler-types';
import { makeTempDir } from '../../platform/testing/temp-dir';
import type { AppRegistry } from '../apps';
import { RegistryError, appMigrations, createAppRegistry, seedPlans } from '../apps';
import { countingHasher, scopeCatalogue } from '../apps/test-support';
import type { SigningKeyStore } from '../auth';
import { authMigrations, createSigningKeyStore } from '../auth';
import { planReader } from './plans';
import type { AdminService } from './service';
import { createAdminService } from './service';

// The service adds no SQL of its own (the registry suite covers both databases), so PGlite alone is enough here.

const CALLER: CallerContext = { correlationId: 'corr-admin-test', clientId: 'app_admin', scopes: ['admin'] };
const SCOPES = ['orders:read', 'orders:write'];
const DEFERRED = ['listDeadLetters', 'replayAllDeadLetters', 'getDeadLetter', 'replayDeadLetter', 'getOpsSummary', 'listSyncExceptions', 'retrySyncException'];

type Op = keyof AdminService;
type Req<K extends Op> = Parameters<AdminService[K]>[0];
type Res<K extends Op> = Awaited<ReturnType<AdminService[K]>>;

const adminRoute = (operationId: string) => {
  const route = routes.find((r) => r.api === 'admin' && r.operationId === operationId);
  if (!route) throw new Error(`no admin route ${operationId}`);
  return route;
};

/**
 * Holds a response to the contract: the status is declared, the body passes the generated validator for its
 * media type (none for a body-less status), and every header the service sets is declared, Location included.
 */
function expectContract(operationId: string, res: { status: number; body?: unknown; headers?: Readonly<Record<string, string>> }): void {
  const route = adminRoute(operationId);
  const declared = route.responses[String(res.status)];
  if (!declared) throw new Error(`${operationId} does not declare ${res.status}: ${JSON.stringify(res.body)}`);
  if (res.body === undefined) {
    expect(declared.contentTypes).toEqual([]);
  } else {
    const type = res.status >= 400 ? 'application/problem+json' : 'application/json';
    const validate = route.validate.responses?.[String(res.status)]?.[type];
    if (!validate) throw new Error(`${operationId} has no ${type} validator for ${res.status}`);
    if (!validate(res.body)) throw new Error(`${operationId} ${res.status} breaks the contract: ${JSON.stringify(validate.errors)}\n${JSON.stringify(res.body)}`);
  }
  for (const name of Object.keys(res.headers ?? {})) expect(declared.headers).toContain(name);
  if (declared.headers.includes('Location')) expect(res.headers?.Location).toMatch(/^\/admin\/v1\//);
}

/** Narrows a response union to one status, failing with the body when it is another. */
function expectStatus<R extends { status: number }, S extends R['status']>(res: R, status: S): Extract<R, { status: S }> {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res)}`);
  return res as Extract<R, { status: S }>;
}

describe('admin service on PGlite', () => {
  let db: Database;
  let removeDir: () => Promise<void>;
  let registry: AppRegistry;
  let keys: SigningKeyStore;
  let clock: Date;
  let service: AdminService;

  beforeAll(async () => {
    const dir = await makeTempDir();
    removeDir = dir.remove;
    db = await openPglite(dir.path);
    await migrate(db, [...appMigrations, ...authMigrations]);
    await seedPlans(db);
    registry = createAppRegistry({ db, knownScopes: await scopeCatalogue(), hasher: countingHasher() });
    clock = new Date('2030-01-01T00:00:00Z');
    keys = createSigningKeyStore({ db, masterKey: randomBytes(32), now: () => clock });
    await keys.ensureActiveKey();
    service = createAdminService({ registry, signingKeys: keys, plans: planReader(db), now: () => clock });
  });
  afterAll(async () => {
    await db?.close();
    await removeDir?.();
  });

  /** Calls an operation as the gateway would, and checks the answer against the contract before returning it. */
  // NoInfer: K comes from the operation name only, not from the type expectStatus wants back.
  async function call<K extends Op>(op: K, req: Partial<Req<NoInfer<K>>> = {}): Promise<Res<NoInfer<K>>> {
    const handler = service[op] as unknown as (r: Req<K>, c: CallerContext) => Promise<Res<K>>;
    const res = await handler({ params: {}, query: {}, headers: {}, body: undefined, ...req } as Req<K>, CALLER);
    expectContract(op, res);
    return res;
  }

  let partnerCount = 0;
  const newPartner = async () =>
    expectStatus(await call('createPartner', { body: { name: `Partner ${++partnerCount}`, contactEmail: 'ops@partner.example' } }), 201).body;
  const newApp = async (over: Partial<Req<'createApp'>['body']> = {}) =>
    expectStatus(await call('createApp', { body: { name: 'Web shop', plan: 'sandbox', scopes: SCOPES, ...over } }), 201);

  it('serves every admin operation of the contract except the deferred dead-letter and ops ones', () => {
    const adminOps = routes.filter((r) => r.api === 'admin').map((r) => r.operationId);
    expect(Object.keys(service).sort()).toEqual(adminOps.filter((op) => !DEFERRED.includes(op)).sort());
    for (const op of DEFERRED) expect(service).not.toHaveProperty(op);
  });

  it('creates a partner with a Location, gets it, and answers 404 for an unknown one', async () => {
    const created = expectStatus(await call('createPartner', { body: { name: 'Marketplace', contactEmail: 'mp@example.com' } }), 201);
    expect(created.headers).toEqual({ Location: `/admin/v1/partners/${created.body.id}` });
    expect(expectStatus(await call('getPartner', { params: { partnerId: created.body.id } }), 200).body).toEqual(created.body);

    const missing = expectStatus(await call('getPartner', { params: { partnerId: 'prt_nosuch' } }), 404);
    expect(missing.body).toMatchObject({ type: 'https://concord.dev/problems/not-found', status: 404, correlationId: CALLER.correlationId });
  });

  it('creates an app: secret and key are in the 201 only, and they work', async () => {
    const partner = await newPartner();
    const created = await newApp({ partnerId: partner.id });
    const { clientId, clientSecret, apiKey, app } = created.body;
    expect(created.headers).toEqual({ Location: `/admin/v1/apps/${clientId}` });
    expect(app).toMatchObject({ clientId, partnerId: partner.id, plan: 'sandbox', scopes: SCOPES, status: 'active' });
    expect(await registry.verifyClientSecret(clientId, clientSecret)).toMatchObject({ app: { clientId } });
    expect(await registry.verifyApiKey(apiKey)).toMatchObject({ app: { clientId } });

    const got = expectStatus(await call('getApp', { params: { clientId } }), 200).body;
    const listed = expectStatus(await call('listApps', { query: { partnerId: partner.id } }), 200).body;
    expect(got).toEqual(app);
    for (const later of [JSON.stringify(got), JSON.stringify(listed)]) {
      expect(later).not.toContain(clientSecret);
      expect(later).not.toContain(apiKey);
    }
  });

  it('answers a body field the registry refuses with a 400 validation problem naming it', async () => {
    const partner = await newPartner();
    const cases: Array<[Partial<Req<'createApp'>['body']>, string]> = [
      [{ plan: 'gold' }, '/plan'],
      [{ partnerId: 'prt_nosuchpartner' }, '/partnerId'],
      [{ scopes: ['orders:read', 'nosuch:scope'] }, '/scopes/1'],
      [{ partnerId: partner.id, scopes: ['orders:read', 'admin'] }, '/scopes/1'],
      [{ name: '   ' }, '/name'],
    ];
    for (const [body, pointer] of cases) {
      const res = expectStatus(await call('createApp', { body: { name: 'X', plan: 'sandbox', scopes: SCOPES, ...body } }), 400);
      expect(res.body).toMatchObject({
        type: 'https://concord.dev/problems/validation',
        title: 'Request validation failed',
        status: 400,
        correlationId: CALLER.correlationId,
        errors: [{ pointer, message: expect.any(String) }],
      });
    }
  });

  it('lists apps and partners page by page, filtered by partner; a bad cursor is a 400 on the query', async () => {
    const partner = await newPartner();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await newApp({ partnerId: partner.id, name: `App ${i}` })).body.clientId);
    await newApp({ name: 'Not the partner’s' });

    const first = expectStatus(await call('listApps', { query: { partnerId: partner.id, limit: 2 } }), 200).body;
    expect(first.items.map((a) => a.clientId)).toEqual(ids.slice(0, 2));
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = expectStatus(await call('listApps', { query: { partnerId: partner.id, limit: 2, cursor: first.nextCursor ?? '' } }), 200).body;
    expect(second).toEqual({ items: [expect.objectContaining({ clientId: ids[2], partnerId: partner.id })], nextCursor: null });

    const suspended = expectStatus(await call('listApps', { query: { partnerId: partner.id, status: 'suspended' } }), 200).body;
    expect(suspended.items).toEqual([]);

    const partners = expectStatus(await call('listPartners', { query: { limit: 1 } }), 200).body;
    expect(partners.items).toHaveLength(1);
    const rest = expectStatus(await call('listPartners', { query: { cursor: partners.nextCursor ?? '', limit: 100 } }), 200).body;
    expect(rest.items.map((p) => p.id)).toContain(partner.id);
    expect(rest.items.map((p) => p.id)).not.toContain(partners.items[0]?.id);

    for (const op of ['listApps', 'listPartners'] as const) {
      const bad = expectStatus(await call(op, { query: { cursor: 'not-a-cursor' } }), 400);
      expect(bad.body.errors).toEqual([{ pointer: '#/query/cursor', message: expect.any(String) }]);
      expect(bad.body.correlationId).toBe(CALLER.correlationId);
    }
  });

  it('suspends and reactivates an app, repeatably; an unknown app is 404', async () => {
    const { clientId, clientSecret } = (await newApp()).body;
    for (let i = 0; i < 2; i++) expect(expectStatus(await call('suspendApp', { params: { clientId } }), 200).body.status).toBe('suspended');
    expect(await registry.verifyClientSecret(clientId, clientSecret)).toEqual({ app: null, reason: 'suspended' });
    for (let i = 0; i < 2; i++) expect(expectStatus(await call('activateApp', { params: { clientId } }), 200).body.status).toBe('active');
    expect(await registry.verifyClientSecret(clientId, clientSecret)).toMatchObject({ app: { clientId, status: 'active' } });

    for (const op of ['suspendApp', 'activateApp', 'getApp'] as const) {
      const res = expectStatus(await call(op, { params: { clientId: 'app_nosuchapp' } }), 404);
      expect(res.body).toMatchObject({ type: 'https://concord.dev/problems/not-found', title: 'Not found', correlationId: CALLER.correlationId });
    }
  });

  it('rotates a secret: the new one works, the old one stops; an unknown app is 404', async () => {
    const { clientId, clientSecret } = (await newApp()).body;
    const rotated = expectStatus(await call('rotateAppSecret', { params: { clientId } }), 200).body;
    expect(rotated.clientId).toBe(clientId);
    expect(rotated.clientSecret).not.toBe(clientSecret);
    expect(await registry.verifyClientSecret(clientId, rotated.clientSecret)).toMatchObject({ app: { clientId } });
    expect(await registry.verifyClientSecret(clientId, clientSecret)).toEqual({ app: null, reason: 'invalid' });
    expectStatus(await call('rotateAppSecret', { params: { clientId: 'app_nosuchapp' } }), 404);
  });

  it('creates and revokes API keys', async () => {
    const { clientId, apiKey: firstKey } = (await newApp()).body;
    const created = expectStatus(await call('createApiKey', { params: { clientId } }), 201);
    const { keyId, apiKey } = created.body;
    expect(created.headers).toEqual({ Location: `/admin/v1/apps/${clientId}/api-keys/${keyId}` });
    expect(await registry.verifyApiKey(apiKey)).toMatchObject({ app: { clientId }, keyId });

    for (let i = 0; i < 2; i++) expect(await call('revokeApiKey', { params: { clientId, keyId } })).toEqual({ status: 204, body: undefined });
    expect(await registry.verifyApiKey(apiKey)).toEqual({ app: null, reason: 'invalid' });
    expect(await registry.verifyApiKey(firstKey)).toMatchObject({ app: { clientId } });
    const app = expectStatus(await call('getApp', { params: { clientId } }), 200).body;
    expect(app.apiKeys.find((k) => k.keyId === keyId)?.revokedAt).toEqual(expect.any(String));

    expectStatus(await call('revokeApiKey', { params: { clientId, keyId: 'ak_nosuchkey00' } }), 404);
    expectStatus(await call('createApiKey', { params: { clientId: 'app_nosuchapp' } }), 404);
  });

  it('requests, approves and rejects plan changes, with 409 when nothing is pending or nothing would change', async () => {
    const { clientId } = (await newApp()).body;
    const params = { clientId };

    const same = expectStatus(await call('requestPlanChange', { params, body: { plan: 'sandbox' } }), 409);
    expect(same.body).toMatchObject({ type: 'https://concord.dev/problems/conflict', title: 'Conflict', status: 409, correlationId: CALLER.correlationId });
    const unknown = expectStatus(await call('requestPlanChange', { params, body: { plan: 'gold' } }), 400);
    expect(unknown.body.errors).toEqual([{ pointer: '/plan', message: expect.stringContaining('gold') }]);
    expectStatus(await call('rejectPlanChange', { params }), 409);
    expectStatus(await call('approvePlanChange', { params }), 409);

    expect(expectStatus(await call('requestPlanChange', { params, body: { plan: 'partner' } }), 200).body).toMatchObject({ plan: 'sandbox', requestedPlan: 'partner' });
    const rejected = expectStatus(await call('rejectPlanChange', { params }), 200).body;
    expect(rejected.plan).toBe('sandbox');
    expect(rejected).not.toHaveProperty('requestedPlan');

    expectStatus(await call('requestPlanChange', { params, body: { plan: 'partner' } }), 200);
    const approved = expectStatus(await call('approvePlanChange', { params }), 200).body;
    expect(approved.plan).toBe('partner');
    expect(approved).not.toHaveProperty('requestedPlan');
    const again = expectStatus(await call('approvePlanChange', { params }), 409);
    expect(again.body.detail).toContain('no pending plan request');

    expectStatus(await call('requestPlanChange', { params: { clientId: 'app_nosuchapp' }, body: { plan: 'partner' } }), 404);
  });

  it('lists plans and gets one; an unknown plan is 404', async () => {
    const list = expectStatus(await call('listPlans'), 200).body;
    expect(list.items.map((p) => p.name)).toEqual(['sandbox', 'partner', 'internal']);
    expect(expectStatus(await call('getPlan', { params: { planName: 'partner' } }), 200).body).toMatchObject({ ratePerSecond: 100, burst: 200 });
    expectStatus(await call('getPlan', { params: { planName: 'gold' } }), 404);
  });

  it('lists and rotates signing keys; a retiring key past its window is no longer listed', async () => {
    const before = expectStatus(await call('listSigningKeys'), 200).body.items;
    expect(before).toEqual([{ kid: expect.stringMatching(/^sig_/), alg: 'ES256', status: 'active', createdAt: clock.toISOString() }]);

    clock = new Date(clock.getTime() + 60_000);
    const after = expectStatus(await call('rotateSigningKey'), 200).body.items;
    expect(after).toHaveLength(2);
    expect(after[0]).toMatchObject({ status: 'active', createdAt: clock.toISOString() });
    expect(after[0]?.kid).not.toBe(before[0]?.kid);
    expect(after[1]).toEqual({ ...before[0], status: 'retiring', retiringSince: clock.toISOString() });
    expect(expectStatus(await call('listSigningKeys'), 200).body.items).toEqual(after);

    clock = new Date(clock.getTime() + (keys.retentionSeconds + 1) * 1000);
    expect(expectStatus(await call('listSigningKeys'), 200).body.items).toEqual([after[0]]);
  });

  it('rethrows a registry failure the operation does not declare, rather than answer outside the contract', async () => {
    const failing = createAdminService({
      registry: { ...registry, suspendApp: () => Promise.reject(new RegistryError('conflict', 'surprise')) },
      signingKeys: keys,
      plans: planReader(db),
    });
    const req = { params: { clientId: 'app_whatever' }, query: {}, headers: {}, body: undefined };
    await expect(failing.suspendApp(req, CALLER)).rejects.toThrow('surprise');
  });
});

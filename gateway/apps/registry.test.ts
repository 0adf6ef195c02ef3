import * as contract from '../../generated/validators/platform/admin.v1.responses';
import type { Database } from '../../platform/db/database';
import { migrate } from '../../platform/db/migrate';
import { appMigrations } from './migrations';
import { getPlan, listPlans, seedPlans } from './plans';
import type { AppRegistry, AppRegistryOptions } from './registry';
import { createAppRegistry } from './registry';
import { countingHasher, manualClock, scopeCatalogue } from './test-support';
import { describeOnBothDatabases } from '../../platform/testing/databases';

const SANDBOX_SCOPES = ['orders:read', 'orders:write', 'returns:read'];

/** One suite, run against the embedded twin and the real server; one database per run, shared by the tests. */
function registrySuite(open: () => Promise<{ db: Database; cleanup(): Promise<void> }>): void {
  let db: Database;
  let cleanup: () => Promise<void>;
  let knownScopes: ReadonlySet<string>;

  beforeAll(async () => {
    ({ db, cleanup } = await open());
    await migrate(db, appMigrations);
    await seedPlans(db);
    knownScopes = await scopeCatalogue();
  });
  afterAll(async () => {
    await db?.close();
    await cleanup?.();
  });

  /** A registry as one gateway instance would hold it; tests that need two instances call this twice. */
  function instance(options: Partial<AppRegistryOptions> = {}) {
    const clock = manualClock();
    const hasher = countingHasher();
    const registry = createAppRegistry({ db, knownScopes, now: clock.now, hasher, ...options });
    return { registry, clock, hasher };
  }

  let partners = 0;
  const newPartner = (registry: AppRegistry) => registry.createPartner({ name: `Partner ${++partners}`, contactEmail: 'ops@partner.example' });

  const dump = async (): Promise<string> => {
    const tables = ['apps', 'api_keys', 'partners', 'plans'];
    const rows = await Promise.all(tables.map((t) => db.query<{ j: string }>(`SELECT row_to_json(t)::text AS j FROM concord.${t} t`)));
    return rows.flatMap((r) => r.rows.map((x) => x.j)).join('\n');
  };

  it('creates an app whose secret and key verify; wrong ones do not; only hashes are stored', async () => {
    const { registry } = instance();
    const partner = await newPartner(registry);
    const created = await registry.createApp({ name: 'Web shop', plan: 'sandbox', scopes: SANDBOX_SCOPES, partnerId: partner.id });
    const other = await registry.createApp({ name: 'Other', plan: 'sandbox', scopes: ['orders:read'] });

    expect(contract.createApp_response_201(created)).toBe(true);
    expect(created.app).toMatchObject({ clientId: created.clientId, partnerId: partner.id, plan: 'sandbox', scopes: SANDBOX_SCOPES, status: 'active' });
    expect(created.clientSecret).toMatch(/^cs_[A-Za-z0-9_-]{43}$/);
    const [key] = created.app.apiKeys;
    expect(key && created.apiKey.startsWith(`${key.prefix}_`)).toBe(true);
    expect(await registry.getApp(created.clientId)).toEqual(created.app);

    expect(await registry.verifyClientSecret(created.clientId, created.clientSecret)).toEqual({ app: created.app });
    expect(await registry.verifyApiKey(created.apiKey)).toEqual({ app: created.app, keyId: key?.keyId });

    const invalid = { app: null, reason: 'invalid' };
    const tail = created.apiKey.slice(-43);
    const wrongTail = `${tail[0] === 'A' ? 'B' : 'A'}${tail.slice(1)}`;
    expect(await registry.verifyClientSecret(created.clientId, `${created.clientSecret}x`)).toEqual(invalid);
    expect(await registry.verifyClientSecret(created.clientId, other.clientSecret)).toEqual(invalid);
    expect(await registry.verifyClientSecret(other.clientId, created.clientSecret)).toEqual(invalid);
    expect(await registry.verifyClientSecret('app_nosuchapp', created.clientSecret)).toEqual(invalid);
    expect(await registry.verifyClientSecret(created.clientId, 'x'.repeat(10_000))).toEqual(invalid);
    expect(await registry.verifyApiKey(created.apiKey.slice(0, -43) + wrongTail)).toEqual(invalid);
    expect(await registry.verifyApiKey(other.apiKey.slice(0, -43) + tail)).toEqual(invalid);
    expect(await registry.verifyApiKey('not-a-key')).toEqual(invalid);
    expect(await registry.verifyApiKey(created.clientSecret)).toEqual(invalid);

    const stored = await dump();
    expect(stored).toContain('scrypt$');
    for (const plain of [created.clientSecret, created.clientSecret.slice(3), created.apiKey, tail, other.clientSecret, other.apiKey]) {
      expect(stored).not.toContain(plain);
    }
    const listed = await registry.listApps({ partnerId: partner.id });
    for (const shown of [created.app, await registry.getApp(created.clientId), listed]) expect(JSON.stringify(shown)).not.toContain('scrypt');
  });

  it('verifies from the cache without running scrypt again, until the TTL passes', async () => {
    const { registry, hasher, clock } = instance({ verifyCacheTtlMs: 60_000 });
    const { clientId, clientSecret, apiKey } = await registry.createApp({ name: 'Hot path', plan: 'sandbox', scopes: ['orders:read'] });
    expect(hasher.hashes).toBe(2);

    for (let i = 0; i < 3; i++) {
      expect((await registry.verifyClientSecret(clientId, clientSecret)).app?.clientId).toBe(clientId);
      expect((await registry.verifyApiKey(apiKey)).app?.clientId).toBe(clientId);
    }
    expect(hasher.verifies).toBe(2);

    // Failures are never cached: each wrong secret costs a real check.
    await registry.verifyClientSecret(clientId, `${clientSecret}x`);
    await registry.verifyClientSecret(clientId, `${clientSecret}x`);
    expect(hasher.verifies).toBe(4);

    clock.advance(59_999);
    await registry.verifyClientSecret(clientId, clientSecret);
    expect(hasher.verifies).toBe(4);
    clock.advance(1);
    await registry.verifyClientSecret(clientId, clientSecret);
    expect(hasher.verifies).toBe(5);

    // The cached app is shared between requests, so it cannot be changed in place.
    const { app } = await registry.verifyClientSecret(clientId, clientSecret);
    expect(() => app?.scopes.push('admin')).toThrow(TypeError);
  });

  it('rotateSecret: the old secret fails at once, even after it was cached; the new one works', async () => {
    const { registry } = instance();
    const { clientId, clientSecret: old, apiKey } = await registry.createApp({ name: 'Rotating', plan: 'sandbox', scopes: ['orders:read'] });
    expect((await registry.verifyClientSecret(clientId, old)).app).not.toBeNull();

    const rotated = await registry.rotateSecret(clientId);
    expect(contract.rotateAppSecret_response_200(rotated)).toBe(true);
    expect(rotated.clientSecret).not.toBe(old);
    expect(await registry.verifyClientSecret(clientId, old)).toEqual({ app: null, reason: 'invalid' });
    expect((await registry.verifyClientSecret(clientId, rotated.clientSecret)).app?.clientId).toBe(clientId);
    // The API key is a separate credential and keeps working.
    expect((await registry.verifyApiKey(apiKey)).app?.clientId).toBe(clientId);
    await expect(registry.rotateSecret('app_nosuchapp')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('another instance sees a rotation once its cached verification expires (the documented TTL)', async () => {
    const a = instance({ verifyCacheTtlMs: 60_000 });
    const b = instance({ verifyCacheTtlMs: 60_000 });
    const { clientId, clientSecret: old } = await a.registry.createApp({ name: 'Two instances', plan: 'sandbox', scopes: ['orders:read'] });
    expect((await b.registry.verifyClientSecret(clientId, old)).app).not.toBeNull();
    await a.registry.rotateSecret(clientId);
    expect((await a.registry.verifyClientSecret(clientId, old)).app).toBeNull();
    expect((await b.registry.verifyClientSecret(clientId, old)).app).not.toBeNull();
    b.clock.advance(60_000);
    expect((await b.registry.verifyClientSecret(clientId, old)).app).toBeNull();
  });

  it('suspend: secret and key fail with reason suspended even when cached; activate restores them', async () => {
    const { registry } = instance();
    const { clientId, clientSecret, apiKey } = await registry.createApp({ name: 'Suspended', plan: 'sandbox', scopes: ['orders:read'] });
    expect((await registry.verifyClientSecret(clientId, clientSecret)).app).not.toBeNull();
    expect((await registry.verifyApiKey(apiKey)).app).not.toBeNull();

    const suspended = await registry.suspendApp(clientId);
    expect(suspended.status).toBe('suspended');
    expect(contract.getApp_response_200(suspended)).toBe(true);
    expect(await registry.verifyClientSecret(clientId, clientSecret)).toEqual({ app: null, reason: 'suspended' });
    expect(await registry.verifyApiKey(apiKey)).toEqual({ app: null, reason: 'suspended' });
    // Only the holder of the right secret learns that the app is suspended.
    expect(await registry.verifyClientSecret(clientId, `${clientSecret}x`)).toEqual({ app: null, reason: 'invalid' });
    expect((await registry.suspendApp(clientId)).status).toBe('suspended');
    expect((await registry.listApps({ status: 'suspended', limit: 100 })).items.map((a) => a.clientId)).toContain(clientId);

    expect((await registry.activateApp(clientId)).status).toBe('active');
    expect((await registry.verifyClientSecret(clientId, clientSecret)).app?.status).toBe('active');
    expect((await registry.verifyApiKey(apiKey)).app?.status).toBe('active');
    await expect(registry.suspendApp('app_nosuchapp')).rejects.toMatchObject({ code: 'not-found' });
    await expect(registry.activateApp('app_nosuchapp')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('revokeApiKey: the key stops working even when cached; other keys and the secret keep working', async () => {
    const { registry, clock } = instance();
    const { clientId, clientSecret, apiKey: first } = await registry.createApp({ name: 'Keys', plan: 'sandbox', scopes: ['orders:read'] });
    const firstId = (await registry.verifyApiKey(first)).keyId;
    clock.advance(1000);
    const second = await registry.createApiKey(clientId);
    expect(contract.createApiKey_response_201(second)).toBe(true);
    expect((await registry.verifyApiKey(second.apiKey)).keyId).toBe(second.keyId);
    expect(firstId).toBeDefined();

    await registry.revokeApiKey(clientId, firstId ?? '');
    expect(await registry.verifyApiKey(first)).toEqual({ app: null, reason: 'invalid' });
    expect((await registry.verifyApiKey(second.apiKey)).app?.clientId).toBe(clientId);
    expect((await registry.verifyClientSecret(clientId, clientSecret)).app?.clientId).toBe(clientId);

    const app = await registry.getApp(clientId);
    const revokedAt = app?.apiKeys.find((k) => k.keyId === firstId)?.revokedAt;
    expect(revokedAt).toBe(clock.now().toISOString());
    expect(app?.apiKeys.find((k) => k.keyId === second.keyId)?.revokedAt).toBeUndefined();
    // Revoking again changes nothing, not even the time.
    clock.advance(1000);
    await registry.revokeApiKey(clientId, firstId ?? '');
    expect((await registry.getApp(clientId))?.apiKeys.find((k) => k.keyId === firstId)?.revokedAt).toBe(revokedAt);

    const stranger = await registry.createApp({ name: 'Stranger', plan: 'sandbox', scopes: ['orders:read'] });
    await expect(registry.revokeApiKey(stranger.clientId, second.keyId)).rejects.toMatchObject({ code: 'not-found' });
    expect((await registry.verifyApiKey(second.apiKey)).app?.clientId).toBe(clientId);
    await expect(registry.createApiKey('app_nosuchapp')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('rejects unknown plans, partners and scopes, and internal scopes for partner apps, before hashing anything', async () => {
    const { registry, hasher } = instance();
    const partner = await newPartner(registry);
    const base = { name: 'Bad', plan: 'sandbox', scopes: ['orders:read'] };
    await expect(registry.createApp({ ...base, plan: 'platinum' })).rejects.toMatchObject({ name: 'RegistryError', code: 'unknown-plan', pointer: '/plan' });
    await expect(registry.createApp({ ...base, partnerId: 'prt_nosuchpartner' })).rejects.toMatchObject({ code: 'unknown-partner', pointer: '/partnerId' });
    await expect(registry.createApp({ ...base, scopes: ['orders:read', 'orders:delete'] })).rejects.toMatchObject({ code: 'unknown-scope', pointer: '/scopes/1' });
    for (const internal of ['system:read', 'system:write', 'sandbox:admin', 'admin']) {
      await expect(registry.createApp({ ...base, partnerId: partner.id, scopes: ['orders:read', internal] })).rejects.toMatchObject({
        code: 'internal-scope-for-partner',
        pointer: '/scopes/1',
      });
    }
    await expect(registry.createApp({ ...base, scopes: [] })).rejects.toMatchObject({ code: 'invalid', pointer: '/scopes' });
    await expect(registry.createApp({ ...base, scopes: ['orders:read', 'orders:read'] })).rejects.toMatchObject({ code: 'invalid' });
    await expect(registry.createApp({ ...base, name: ' ' })).rejects.toMatchObject({ code: 'invalid', pointer: '/name' });
    await expect(registry.createApp({ ...base, clientId: 'nope' })).rejects.toMatchObject({ code: 'invalid' });
    await expect(registry.createPartner({ name: 'P', contactEmail: 'nobody' })).rejects.toMatchObject({ code: 'invalid', pointer: '/contactEmail' });
    expect(hasher.hashes).toBe(0);

    // Internal scopes are fine without a partner; a taken id is a conflict.
    const internalApp = await registry.createApp({ ...base, scopes: ['system:read', 'admin'], plan: 'internal' });
    await expect(registry.createApp({ ...base, clientId: internalApp.clientId })).rejects.toMatchObject({ code: 'conflict' });
    await expect(registry.createPartner({ name: 'Again', contactEmail: 'a@b.example', id: partner.id })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('plan changes: request, replace, approve, reject, and conflict when nothing is pending', async () => {
    const { registry } = instance();
    const { clientId, clientSecret } = await registry.createApp({ name: 'Growing', plan: 'sandbox', scopes: ['orders:read'] });
    expect((await registry.verifyClientSecret(clientId, clientSecret)).app?.plan).toBe('sandbox');

    expect(await registry.requestPlanChange(clientId, 'partner')).toMatchObject({ plan: 'sandbox', requestedPlan: 'partner' });
    expect(await registry.requestPlanChange(clientId, 'internal')).toMatchObject({ plan: 'sandbox', requestedPlan: 'internal' });
    await expect(registry.requestPlanChange(clientId, 'sandbox')).rejects.toMatchObject({ code: 'conflict' });
    await expect(registry.requestPlanChange(clientId, 'platinum')).rejects.toMatchObject({ code: 'unknown-plan', pointer: '/plan' });

    const approved = await registry.approvePlanChange(clientId);
    expect(approved.plan).toBe('internal');
    expect(approved).not.toHaveProperty('requestedPlan');
    expect(contract.getApp_response_200(approved)).toBe(true);
    // The rate limiter reads the plan from the verified app: a cached verification must not keep the old plan.
    expect((await registry.verifyClientSecret(clientId, clientSecret)).app?.plan).toBe('internal');
    await expect(registry.approvePlanChange(clientId)).rejects.toMatchObject({ code: 'conflict' });

    await registry.requestPlanChange(clientId, 'partner');
    const rejected = await registry.rejectPlanChange(clientId);
    expect(rejected.plan).toBe('internal');
    expect(rejected).not.toHaveProperty('requestedPlan');
    await expect(registry.rejectPlanChange(clientId)).rejects.toMatchObject({ code: 'conflict' });
    await expect(registry.approvePlanChange('app_nosuchapp')).rejects.toMatchObject({ code: 'not-found' });
    await expect(registry.requestPlanChange('app_nosuchapp', 'partner')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('listApps pages oldest first with an opaque cursor, and a partner filter returns only that partner', async () => {
    const { registry, clock } = instance();
    const [a, b] = [await newPartner(registry), await newPartner(registry)];
    const created: Array<{ clientId: string; createdAt: string }> = [];
    for (let i = 0; i < 7; i++) {
      // Pairs share a timestamp, so the client id tie-break is exercised too.
      if (i % 2 === 0) clock.advance(1000);
      const { app } = await registry.createApp({ name: `A${i}`, plan: 'sandbox', scopes: ['orders:read'], partnerId: a.id });
      created.push(app);
      await registry.createApp({ name: `B${i}`, plan: 'sandbox', scopes: ['orders:read'], ...(i < 3 ? { partnerId: b.id } : {}) });
    }
    // Byte order for the tie-break: the id columns use the "C" collation on every backend.
    const byteOrder = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
    const expected = [...created].sort((x, y) => byteOrder(x.createdAt, y.createdAt) || byteOrder(x.clientId, y.clientId)).map((x) => x.clientId);

    const walk = async (query: { partnerId?: string; limit: number }) => {
      const pages = [];
      let cursor: string | undefined;
      do {
        const page = await registry.listApps({ ...query, ...(cursor ? { cursor } : {}) });
        expect(contract.listApps_response_200(page)).toBe(true);
        pages.push(page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return pages;
    };

    const pagesA = await walk({ partnerId: a.id, limit: 3 });
    expect(pagesA.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pagesA.flat().map((x) => x.clientId)).toEqual(expected);
    expect(pagesA.flat().every((x) => x.partnerId === a.id)).toBe(true);

    const onlyB = (await walk({ partnerId: b.id, limit: 2 })).flat();
    expect(onlyB).toHaveLength(3);
    expect(onlyB.every((x) => x.partnerId === b.id)).toBe(true);

    const all = (await walk({ limit: 4 })).flat().map((x) => x.clientId);
    const { rows } = await db.query<{ client_id: string }>('SELECT client_id FROM concord.apps ORDER BY created_at, client_id');
    expect(all).toEqual(rows.map((r) => r.client_id));

    expect(await registry.listApps({ partnerId: 'prt_nosuchpartner' })).toEqual({ items: [], nextCursor: null });
    await expect(registry.listApps({ cursor: 'garbage' })).rejects.toMatchObject({ code: 'invalid', pointer: '/cursor' });
    await expect(registry.listApps({ limit: 0 })).rejects.toMatchObject({ code: 'invalid', pointer: '/limit' });
    await expect(registry.listApps({ limit: 101 })).rejects.toMatchObject({ code: 'invalid', pointer: '/limit' });
  });

  it('partners: create, get, and page oldest first', async () => {
    const { registry } = instance();
    const p = await registry.createPartner({ name: 'Marketplace', contactEmail: 'api@market.example' });
    expect(contract.createPartner_response_201(p)).toBe(true);
    expect(await registry.getPartner(p.id)).toEqual(p);
    expect(await registry.getPartner('prt_nosuchpartner')).toBeUndefined();
    const seen = [];
    let cursor: string | null = null;
    do {
      const page = await registry.listPartners({ limit: 2, ...(cursor ? { cursor } : {}) });
      expect(contract.listPartners_response_200(page)).toBe(true);
      seen.push(...page.items.map((x) => x.id));
      cursor = page.nextCursor;
    } while (cursor);
    const { rows } = await db.query<{ id: string }>('SELECT id FROM concord.partners ORDER BY created_at, id');
    expect(seen).toEqual(rows.map((r) => r.id));
  });

  it('plans: seeded defaults, overrides applied by a later seed', async () => {
    expect(contract.listPlans_response_200({ items: await listPlans(db) })).toBe(true);
    expect((await listPlans(db)).map((p) => [p.name, p.ratePerSecond, p.burst])).toEqual([
      ['sandbox', 10, 20],
      ['partner', 100, 200],
      ['internal', 1000, 2000],
    ]);
    try {
      await seedPlans(db, { sandbox: { ratePerSecond: 5 }, gold: { ratePerSecond: 300 } });
      expect(await getPlan(db, 'sandbox')).toEqual({ name: 'sandbox', ratePerSecond: 5, burst: 10 });
      expect(await getPlan(db, 'gold')).toEqual({ name: 'gold', ratePerSecond: 300, burst: 600 });
    } finally {
      await seedPlans(db);
    }
    expect(await getPlan(db, 'sandbox')).toMatchObject({ ratePerSecond: 10, burst: 20 });
    expect(await getPlan(db, 'nope')).toBeUndefined();
  });
}

describeOnBothDatabases('app registry', registrySuite);

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import type { RunningPlatform } from '../platform/server/start';
import { startPlatform } from '../platform/server/start';
import { createTempDatabase, describeWithService } from '../platform/testing/services';
import { REPO_ROOT, makeTempDir } from '../platform/testing/temp-dir';

// Production mode: two gateway instances on one PostgreSQL and one Redis share the rate-limit budget and the
// idempotency key space, as `concord start --role gateway` instances behind a load balancer would.

describeWithService('postgres', 'two gateway instances on PostgreSQL and Redis', () => {
  const redisUrl = process.env.CONCORD_TEST_REDIS_URL ?? '';
  const prefix = `concord-test-${randomBytes(4).toString('hex')}`;
  let db: { url: string; drop(): Promise<void> };
  const dirs: Array<{ path: string; remove(): Promise<void> }> = [];
  let a: RunningPlatform;
  let b: RunningPlatform;
  let token: string;

  beforeAll(async () => {
    if (!redisUrl) throw new Error('this suite needs Redis too (CONCORD_TEST_REDIS_URL)');
    db = await createTempDatabase();
    // Instances sharing a database must share the master key that seals the signing keys.
    const masterKey = randomBytes(32).toString('base64');
    const env = (dir: string) => ({
      PORT: '0',
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      CONCORD_REDIS_PREFIX: prefix,
      CONCORD_DATA_DIR: dir,
      CONCORD_MASTER_KEY: masterKey,
      CONCORD_PLANS: '{"sandbox":{"ratePerSecond":1,"burst":30}}',
    });
    for (let i = 0; i < 2; i++) dirs.push(await makeTempDir());
    const logger = createLogger({ level: 'silent' });
    a = await startPlatform(loadConfig(env(dirs[0]!.path), { root: REPO_ROOT }), logger);
    b = await startPlatform(loadConfig(env(dirs[1]!.path), { root: REPO_ROOT }), logger);
    const creds = a.bootstrap!.admin;
    const res = await fetch(`${b.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: creds.client_id, client_secret: creds.client_secret }),
    });
    token = ((await res.json()) as { access_token: string }).access_token;
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    if (redisUrl) {
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
    await db?.drop();
    for (const d of dirs) await d.remove();
  });

  it('only the first instance bootstraps; a token from one is accepted by the other', async () => {
    expect(a.bootstrap).toBeDefined();
    expect(b.bootstrap).toBeUndefined();
    expect((await fetch(`${a.url}/admin/v1/plans`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('share one idempotency key space: a retry on the other instance replays; a different body is 422', async () => {
    const post = (url: string, body: unknown) =>
      fetch(`${url}/admin/v1/partners`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `${prefix}-partner` },
        body: JSON.stringify(body),
      });
    const first = await post(a.url, { name: 'Midlands 3PL', contactEmail: 'ops@midlands3pl.example' });
    expect(first.status).toBe(201);
    const again = await post(b.url, { name: 'Midlands 3PL', contactEmail: 'ops@midlands3pl.example' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(await again.json()).toEqual(await first.json());
    const other = await post(b.url, { name: 'Another 3PL', contactEmail: 'ops@another.example' });
    expect(other.status).toBe(422);
  });

  it('share one rate-limit budget: calls through both instances count against the same plan', async () => {
    // The sandbox app's 30-point window is spent half through each instance; the next call is refused on both.
    const creds = a.bootstrap!.sandbox;
    const res = await fetch(`${a.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: creds.client_id, client_secret: creds.client_secret }),
    });
    const sandboxToken = ((await res.json()) as { access_token: string }).access_token;
    const call = (url: string) => fetch(`${url}/v1/orders`, { headers: { authorization: `Bearer ${sandboxToken}` } });
    for (let i = 0; i < 30; i++) expect((await call(i % 2 ? a.url : b.url)).status).toBe(200);
    expect((await call(a.url)).status).toBe(429);
    expect((await call(b.url)).status).toBe(429);
  });
});

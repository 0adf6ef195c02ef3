import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Redis } from 'ioredis';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteManifestEntry } from '../../../codegen/manifest-types';
import type { Database } from '../../../platform/db/database';
import { migrate } from '../../../platform/db/migrate';
import { openPglite } from '../../../platform/db/pglite';
import { createLogger } from '../../../platform/logger';
import { buildApp } from '../../../platform/server/app';
import { describeWithService } from '../../../platform/testing/services';
import { makeTempDir } from '../../../platform/testing/temp-dir';
import { computeFingerprint, createIdempotencyPolicy, createIdempotencyStore, idempotencyMigrations } from './index';
import type { IdempotencyOutcome, IdempotencyStore, IdempotencyStoreOptions } from './index';

const ROUTE: RouteManifestEntry = {
  api: 'orders',
  version: 1,
  group: 'process',
  contract: 'process/orders.v1.yaml',
  method: 'POST',
  path: '/v1/orders',
  operationId: 'createOrder',
  summary: 'Create an order',
  scopes: ['orders:write'],
  apiKey: false, bearer: true, session: false,
  public: false,
  upstream: 'orders',
  audience: 'partner',
  idempotency: 'required',
  rateLimitCost: 1,
  deprecated: false,
  parameters: [],
  requestBody: { required: true, contentTypes: ['application/json'] },
  responses: {},
  validate: {},
};

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** The upstream stand-in: counts its calls and does what the request's test headers ask. */
class Upstream {
  calls = 0;
  gate = deferred();
  entered = deferred();

  handle = async (req: FastifyRequest, reply: FastifyReply) => {
    this.calls += 1;
    const mode = req.headers['x-test-mode'];
    if (mode === 'wait') {
      this.entered.resolve();
      await this.gate.promise;
    }
    if (mode === 'throw') throw new Error('upstream exploded');
    if (mode === 'unavailable') return reply.code(503).send({ title: 'try later' });
    if (mode === 'out-of-stock') return reply.code(409).type('application/problem+json').send({ type: 'out-of-stock', status: 409 });
    if (mode === 'stream') return reply.code(200).type('text/plain').send(Readable.from([Buffer.from('chunk-1 '), Buffer.from(`call-${this.calls}`)]));
    return reply.code(201).header('location', `/v1/orders/o-${this.calls}`).send({ id: `o-${this.calls}`, received: req.body });
  };
}

interface Gateway {
  app: FastifyInstance;
  upstream: Upstream;
  outcomes: IdempotencyOutcome[];
}

/**
 * A server shell with one route wired the way the pipeline wires it: a fake authentication (onRequest) and a
 * fake validation that can be told to reject (preValidation) run before the policy's hooks, as they do in the
 * real pipeline.
 */
async function gateway(store: IdempotencyStore, route: RouteManifestEntry = ROUTE): Promise<Gateway> {
  const upstream = new Upstream();
  const outcomes: IdempotencyOutcome[] = [];
  const app = buildApp({ logger: createLogger({ level: 'silent' }), readiness: {}, isStarted: () => true });
  const hooks = createIdempotencyPolicy({ store, onOutcome: (o) => outcomes.push(o) }).forRoute(route);
  if (!hooks) throw new Error('expected hooks');
  app.route({
    method: route.method,
    url: route.path,
    onRequest: async (req) => {
      const clientId = req.headers['x-test-client'];
      if (typeof clientId === 'string') req.caller = { clientId, plan: 'sandbox', method: 'bearer', correlationId: req.id, scopes: [] };
    },
    preValidation: async (req, reply) => {
      if (req.headers['x-test-reject']) return reply.code(400).type('application/problem+json').send({ type: 'validation', status: 400 });
    },
    preHandler: hooks.preHandler!,
    onSend: hooks.onSend!,
    onResponse: hooks.onResponse!,
    handler: upstream.handle,
  });
  await app.ready();
  return { app, upstream, outcomes };
}

const post = (g: Gateway, opts: { key?: string; client?: string | null; body?: unknown; headers?: Record<string, string>; url?: string } = {}) =>
  g.app.inject({
    method: 'POST',
    url: opts.url ?? '/v1/orders',
    headers: {
      'content-type': 'application/json',
      ...(opts.key === undefined ? {} : { 'idempotency-key': opts.key }),
      ...(opts.client === null ? {} : { 'x-test-client': opts.client ?? 'app-1' }),
      ...opts.headers,
    },
    payload: JSON.stringify(opts.body ?? { sku: 'SKU-1', qty: 2 }),
  });

describe('idempotency policy through a Fastify app', () => {
  let db: Database;
  let removeDir: () => Promise<void>;
  let clock: Date;
  const now = () => clock;
  const advance = (seconds: number) => void (clock = new Date(clock.getTime() + seconds * 1000));
  const apps: FastifyInstance[] = [];
  const storeOn = (over: Partial<IdempotencyStoreOptions> = {}) => createIdempotencyStore({ db, now, ttlSeconds: 3600, lockSeconds: 30, ...over });
  const open = async (store: IdempotencyStore = storeOn(), route?: RouteManifestEntry) => {
    const g = await gateway(store, route);
    apps.push(g.app);
    return g;
  };

  beforeAll(async () => {
    const dir = await makeTempDir();
    removeDir = dir.remove;
    db = await openPglite(dir.path);
    await migrate(db, idempotencyMigrations);
  });
  afterAll(async () => {
    await db?.close();
    await removeDir?.();
  });
  beforeEach(() => {
    clock = new Date('2030-01-01T00:00:00Z');
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });

  test("the policy does not apply to a route whose idempotency is 'none'", () => {
    expect(createIdempotencyPolicy({ store: storeOn() }).forRoute({ ...ROUTE, idempotency: 'none' })).toBeUndefined();
  });

  test('same key, same body: the stored response is replayed with Idempotency-Replayed, and the handler ran once', async () => {
    const g = await open();
    const key = randomUUID();
    const first = await post(g, { key });
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotency-replayed']).toBeUndefined();

    // Key order in the JSON body does not change the fingerprint.
    const second = await post(g, { key, body: { qty: 2, sku: 'SKU-1' }, headers: { 'x-correlation-id': 'retry-1' } });
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotency-replayed']).toBe('true');
    expect(second.body).toBe(first.body);
    expect(second.json()).toEqual({ id: 'o-1', received: { sku: 'SKU-1', qty: 2 } });
    expect(second.headers.location).toBe('/v1/orders/o-1');
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    // Per-request headers belong to the retry, not to the stored response.
    expect(second.headers['x-correlation-id']).toBe('retry-1');
    expect(g.upstream.calls).toBe(1);
    expect(g.outcomes).toEqual(['stored', 'replayed']);
  });

  test('the draft\'s structured-field form of the key ("…") is the same key as the bare token', async () => {
    const g = await open();
    const key = randomUUID();
    expect((await post(g, { key })).statusCode).toBe(201);
    const quoted = await post(g, { key: `"${key}"` });
    expect(quoted.headers['idempotency-replayed']).toBe('true');
    expect(g.upstream.calls).toBe(1);
  });

  test('same key, different body: 422 idempotency-key-reuse, and the handler does not run again', async () => {
    const g = await open();
    const key = randomUUID();
    await post(g, { key });
    const reused = await post(g, { key, body: { sku: 'SKU-1', qty: 3 } });
    expect(reused.statusCode).toBe(422);
    expect(reused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(reused.json()).toMatchObject({ type: 'https://concord.dev/problems/idempotency-key-reuse', status: 422, correlationId: reused.headers['x-correlation-id'] });
    // The query is part of the request too.
    expect((await post(g, { key, url: '/v1/orders?dryRun=true' })).statusCode).toBe(422);
    expect(g.upstream.calls).toBe(1);
    expect(g.outcomes).toEqual(['stored', 'mismatch', 'mismatch']);
  });

  test('same key while the first request is in flight: 409 with Retry-After, then the result replays', async () => {
    const g = await open();
    const key = randomUUID();
    const first = post(g, { key, headers: { 'x-test-mode': 'wait' } });
    await g.upstream.entered.promise;

    const concurrent = await post(g, { key, headers: { 'x-test-mode': 'wait' } });
    expect(concurrent.statusCode).toBe(409);
    expect(concurrent.headers['retry-after']).toBe('1');
    expect(concurrent.json()).toMatchObject({ type: 'https://concord.dev/problems/idempotency-in-flight', status: 409 });

    g.upstream.gate.resolve();
    expect((await first).statusCode).toBe(201);
    const after = await post(g, { key, headers: { 'x-test-mode': 'wait' } });
    expect(after.headers['idempotency-replayed']).toBe('true');
    expect(g.upstream.calls).toBe(1);
    expect(g.outcomes).toEqual(['in-flight', 'stored', 'replayed']);
  });

  test('different apps with the same key are independent', async () => {
    const g = await open();
    const key = randomUUID();
    const a = await post(g, { key, client: 'app-a' });
    const b = await post(g, { key, client: 'app-b', body: { other: true } });
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(b.json()).toMatchObject({ id: 'o-2' });
    expect(b.headers['idempotency-replayed']).toBeUndefined();
    expect((await post(g, { key, client: 'app-a' })).json()).toMatchObject({ id: 'o-1' });
    expect((await post(g, { key, client: 'app-b', body: { other: true } })).json()).toMatchObject({ id: 'o-2' });
    expect(g.upstream.calls).toBe(2);
  });

  test('a missing key on a required route is 400 idempotency-key-missing; on an optional route the request just runs', async () => {
    const g = await open();
    const missing = await post(g);
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ type: 'https://concord.dev/problems/idempotency-key-missing', status: 400 });
    expect(g.upstream.calls).toBe(0);

    const optional = await open(storeOn(), { ...ROUTE, idempotency: 'optional' });
    expect((await post(optional)).statusCode).toBe(201);
    expect((await post(optional)).statusCode).toBe(201);
    expect(optional.upstream.calls).toBe(2);
    expect(optional.outcomes).toEqual([]);
  });

  test('a key over 255 characters (or empty, or not printable ASCII) is 400 validation naming the header', async () => {
    const g = await open();
    const tooLong = await post(g, { key: 'k'.repeat(256) });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json()).toMatchObject({
      type: 'https://concord.dev/problems/validation',
      errors: [{ pointer: '#/header/idempotency-key', message: 'Idempotency-Key must be at most 255 characters' }],
    });
    expect((await post(g, { key: '""' })).statusCode).toBe(400);
    expect((await post(g, { key: '"unterminated' })).statusCode).toBe(400);
    expect(g.upstream.calls).toBe(0);
    expect((await post(g, { key: `${randomUUID()}-${'k'.repeat(218)}` })).statusCode).toBe(201);
  });

  test('a request rejected before the handler (validation) stores nothing: a retry with the same key runs', async () => {
    const g = await open();
    const key = randomUUID();
    const rejected = await post(g, { key, headers: { 'x-test-reject': '1' } });
    expect(rejected.statusCode).toBe(400);
    const retry = await post(g, { key });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotency-replayed']).toBeUndefined();
    expect(g.upstream.calls).toBe(1);
  });

  test('a key expires after ttlSeconds: the same request then runs again', async () => {
    const g = await open();
    const key = randomUUID();
    await post(g, { key });
    advance(3599);
    expect((await post(g, { key })).headers['idempotency-replayed']).toBe('true');
    advance(1);
    const fresh = await post(g, { key });
    expect(fresh.statusCode).toBe(201);
    expect(fresh.headers['idempotency-replayed']).toBeUndefined();
    expect(fresh.json()).toMatchObject({ id: 'o-2' });
  });

  test('a handler that throws: 500, nothing stored, the key is released and a retry runs the handler', async () => {
    const g = await open();
    const key = randomUUID();
    const failed = await post(g, { key, headers: { 'x-test-mode': 'throw' } });
    expect(failed.statusCode).toBe(500);
    const retry = await post(g, { key });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotency-replayed']).toBeUndefined();
    expect(g.upstream.calls).toBe(2);
    expect(g.outcomes).toEqual(['released', 'stored']);
  });

  test('a 5xx answer is not stored, a business 4xx is: it is the answer to that request', async () => {
    const g = await open();
    const key = randomUUID();
    expect((await post(g, { key, headers: { 'x-test-mode': 'unavailable' } })).statusCode).toBe(503);
    const outOfStock = await post(g, { key, headers: { 'x-test-mode': 'out-of-stock' } });
    expect(outOfStock.statusCode).toBe(409);
    const replay = await post(g, { key });
    expect(replay.statusCode).toBe(409);
    expect(replay.headers['idempotency-replayed']).toBe('true');
    expect(replay.headers['content-type']).toBe(outOfStock.headers['content-type']);
    expect(replay.json()).toEqual({ type: 'out-of-stock', status: 409 });
    expect(g.upstream.calls).toBe(2);
  });

  test('a streamed response is read, stored and sent whole, and replays byte for byte', async () => {
    const g = await open();
    const key = randomUUID();
    const first = await post(g, { key, headers: { 'x-test-mode': 'stream' } });
    expect(first.body).toBe('chunk-1 call-1');
    const replay = await post(g, { key, headers: { 'x-test-mode': 'stream' } });
    expect(replay.body).toBe('chunk-1 call-1');
    expect(replay.headers['content-type']).toBe('text/plain');
    expect(g.upstream.calls).toBe(1);
  });

  test('a stale in-flight claim (its instance crashed before completing) is taken over after lockSeconds', async () => {
    const store = storeOn();
    const g = await open(store);
    const key = randomUUID();
    const body = { sku: 'SKU-9', qty: 1 };
    // The crashed instance claimed the key for this very request and never completed.
    const crashed = await store.begin('app-1', key, computeFingerprint({ method: 'POST', url: '/v1/orders', body }));
    expect(crashed.kind).toBe('proceed');

    expect((await post(g, { key, body })).statusCode).toBe(409);
    advance(29);
    expect((await post(g, { key, body })).statusCode).toBe(409);
    advance(1);
    const reclaimed = await post(g, { key, body });
    expect(reclaimed.statusCode).toBe(201);
    expect((await post(g, { key, body })).headers['idempotency-replayed']).toBe('true');
    expect(g.upstream.calls).toBe(1);
  });

  test('a store that fails answers 503 idempotency-unavailable and never runs the handler unguarded', async () => {
    const broken: IdempotencyStore = {
      begin: () => Promise.reject(new Error('database is down')),
      complete: () => Promise.reject(new Error('unreachable')),
      completeWithin: () => Promise.reject(new Error('unreachable')),
      abandon: () => Promise.reject(new Error('unreachable')),
      purgeExpired: () => Promise.resolve(0),
      releaseDeadClaims: () => Promise.resolve(0),
    };
    const g = await open(broken);
    const res = await post(g, { key: randomUUID() });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json()).toMatchObject({ type: 'https://concord.dev/problems/idempotency-unavailable' });
    expect(g.upstream.calls).toBe(0);
    expect(g.outcomes).toEqual(['store-error']);
  });

  test('without a caller: a public route uses the shared anonymous key space, any other route is a 500 wiring error', async () => {
    const publicRoute = await open(storeOn(), { ...ROUTE, public: true });
    const key = randomUUID();
    expect((await post(publicRoute, { key, client: null })).statusCode).toBe(201);
    expect((await post(publicRoute, { key, client: null })).headers['idempotency-replayed']).toBe('true');

    const g = await open();
    expect((await post(g, { key: randomUUID(), client: null })).statusCode).toBe(500);
    expect(g.upstream.calls).toBe(0);
  });

  describeWithService('redis', 'with claims in Redis', () => {
    let admin: Redis;
    let keyPrefix: string;
    const clients: Redis[] = [];

    beforeAll(() => {
      admin = new Redis(process.env.CONCORD_TEST_REDIS_URL ?? '');
    });
    afterAll(async () => {
      await admin.quit();
    });
    beforeEach(() => {
      keyPrefix = `concord-test:idem:${randomBytes(6).toString('hex')}`;
    });
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => c.quit()));
      const keys = await admin.keys(`${keyPrefix}:*`);
      if (keys.length > 0) await admin.del(...keys);
    });

    const instance = () => {
      const redis = new Redis(process.env.CONCORD_TEST_REDIS_URL ?? '');
      clients.push(redis);
      return open(storeOn({ redis, redisKeyPrefix: keyPrefix }));
    };

    test('two gateway instances share one key space: in flight on one is 409 on the other, then it replays there', async () => {
      const a = await instance();
      const b = await instance();
      const key = randomUUID();
      const first = post(a, { key, headers: { 'x-test-mode': 'wait' } });
      await a.upstream.entered.promise;
      expect((await post(b, { key })).statusCode).toBe(409);
      expect((await post(b, { key, body: { sku: 'other' } })).statusCode).toBe(422);
      a.upstream.gate.resolve();
      expect((await first).statusCode).toBe(201);

      const onB = await post(b, { key });
      expect(onB.statusCode).toBe(201);
      expect(onB.headers['idempotency-replayed']).toBe('true');
      expect(onB.json()).toMatchObject({ id: 'o-1' });
      expect(a.upstream.calls + b.upstream.calls).toBe(1);
      expect(await admin.keys(`${keyPrefix}:*`)).toEqual([]);
    });

    test('a handler that throws releases the Redis lock at once', async () => {
      const a = await instance();
      const key = randomUUID();
      expect((await post(a, { key, headers: { 'x-test-mode': 'throw' } })).statusCode).toBe(500);
      expect(await admin.keys(`${keyPrefix}:*`)).toEqual([]);
      expect((await post(a, { key })).statusCode).toBe(201);
    });
  });
});

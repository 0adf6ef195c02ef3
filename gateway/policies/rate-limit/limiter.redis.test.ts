import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { describeWithService } from '../../../platform/testing/services';
import { parseRateLimitConfig } from './config';
import type { RateLimitDecision } from './decision';
import { RedisNotReadyError, createRateLimiter } from './limiter';
import type { RateLimiter } from './limiter';

const redisUrl = (): string => process.env.CONCORD_TEST_REDIS_URL ?? '';

// Windows here are long (tens of seconds) so that no run, however slow, crosses one mid-test: Redis keeps real time.
const PLANS = { shared: { ratePerSecond: 1, burst: 30 }, small: { ratePerSecond: 1, burst: 5 } };

async function consumeTimes(rl: RateLimiter, times: number, appId: string, plan = 'shared', cost = 1): Promise<RateLimitDecision[]> {
  const decisions: RateLimitDecision[] = [];
  for (let i = 0; i < times; i += 1) decisions.push(await rl.consume({ appId, plan, cost }));
  return decisions;
}

/** A port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describeWithService('redis', 'rate limiter on Redis', () => {
  let keyPrefix: string;
  let admin: Redis;
  const cleanup: Array<() => Promise<unknown> | void> = [];

  beforeAll(() => {
    admin = new Redis(redisUrl());
  });
  afterAll(async () => {
    await admin.quit();
  });

  beforeEach(() => {
    keyPrefix = `concord-test:rl:${randomBytes(6).toString('hex')}`;
  });
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
    const keys = await admin.keys(`${keyPrefix}:*`);
    if (keys.length > 0) await admin.del(...keys);
  });

  function gatewayClient(): Redis {
    const client = new Redis(redisUrl());
    cleanup.push(() => client.quit());
    return client;
  }

  /** A client as a gateway would configure it for fast failure, pointing at a port where nothing listens. */
  async function unreachableClient(extra: RedisOptions = {}): Promise<Redis> {
    const client = new Redis(await closedPort(), '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      connectTimeout: 200,
      // ioredis arms this timer (default 2 s) even when disconnecting a stream that already closed; Jest would wait on it.
      disconnectTimeout: 10,
      ...extra,
    });
    client.on('error', () => {}); // the caller's concern; the limiter reports through onFallback
    cleanup.push(() => client.disconnect());
    return client;
  }

  function limiterOn(client: Redis | undefined, extra: Record<string, unknown> = {}, deps: Parameters<typeof createRateLimiter>[1] = {}): RateLimiter {
    const rl = createRateLimiter(parseRateLimitConfig({ plans: PLANS, keyPrefix, ...extra }), { ...deps, ...(client ? { redis: client } : {}) });
    cleanup.push(() => rl.close());
    return rl;
  }

  test('two gateway instances (two connections) share one budget: the 31st request overall is rejected', async () => {
    const a = limiterOn(gatewayClient());
    const b = limiterOn(gatewayClient());

    const fromA = await consumeTimes(a, 18, 'app-1');
    const fromB = await consumeTimes(b, 12, 'app-1');
    expect([...fromA, ...fromB].every((d) => d.allowed)).toBe(true);
    expect(fromA.at(-1)?.remaining).toBe(12);
    expect(fromB.map((d) => d.remaining)).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);

    const rejectedOnA = await a.consume({ appId: 'app-1', plan: 'shared', cost: 1 });
    const rejectedOnB = await b.consume({ appId: 'app-1', plan: 'shared', cost: 1 });
    for (const rejected of [rejectedOnA, rejectedOnB]) {
      expect(rejected).toMatchObject({ allowed: false, limit: 30, remaining: 0, policy: 'shared' });
      expect(rejected.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(rejected.retryAfterSeconds).toBeLessThanOrEqual(30);
    }

    // Another app is untouched, and the budget lives under the documented key with the window as its expiry.
    expect(await b.consume({ appId: 'app-2', plan: 'shared', cost: 1 })).toMatchObject({ allowed: true, remaining: 29 });
    const ttl = await admin.pttl(`${keyPrefix}:shared:app-1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30_000);
    expect(a.stats()).toEqual({ fallbacks: 0, rejections: 1 });
    expect(b.stats()).toEqual({ fallbacks: 0, rejections: 1 });
  });

  test('cost weighting counts in the shared budget too', async () => {
    const a = limiterOn(gatewayClient());
    const b = limiterOn(gatewayClient());
    expect(await a.consume({ appId: 'app-1', plan: 'shared', cost: 5 })).toMatchObject({ allowed: true, remaining: 25 });
    expect(await b.consume({ appId: 'app-1', plan: 'shared', cost: 25 })).toMatchObject({ allowed: true, remaining: 0 });
    expect(await a.consume({ appId: 'app-1', plan: 'shared', cost: 1 })).toMatchObject({ allowed: false });
    expect(Number(await admin.get(`${keyPrefix}:shared:app-1`))).toBe(31);
  });

  test('Redis down: the insurance limiter answers, enforces the per-instance limit, and each fallback is reported', async () => {
    const down = await unreachableClient();
    const onFallback = jest.fn();
    const onRejected = jest.fn();
    const rl = limiterOn(down, {}, { onFallback, onRejected });

    const decisions = await consumeTimes(rl, 6, 'app-1', 'small');
    expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([[true, 4], [true, 3], [true, 2], [true, 1], [true, 0], [false, 0]]);
    expect(decisions[5]?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(decisions[5]?.retryAfterSeconds).toBeLessThanOrEqual(5);
    expect(await rl.consume({ appId: 'app-2', plan: 'small', cost: 1 })).toMatchObject({ allowed: true, remaining: 4 });

    expect(onFallback).toHaveBeenCalledTimes(7);
    for (const [err] of onFallback.mock.calls) expect(err).toBeInstanceOf(Error);
    expect(onRejected).toHaveBeenCalledWith('small');
    expect(rl.stats()).toEqual({ fallbacks: 7, rejections: 1 });
  });

  test('Redis down without insurance: consume fails with the Redis error and nothing is reported as a fallback', async () => {
    // One failed attempt, then a long pause: the client sits in 'reconnecting' for the rest of the test.
    const down = await unreachableClient({ retryStrategy: () => 60_000 });
    const onFallback = jest.fn();
    const rl = limiterOn(down, { insurance: false }, { onFallback });

    // Not events.once: that rejects on the connection 'error' which comes first.
    const reconnecting = new Promise((resolve) => down.once('reconnecting', resolve));
    await expect(rl.consume({ appId: 'app-1', plan: 'small', cost: 1 })).rejects.toThrow(/enableOfflineQueue/);
    await reconnecting;
    // Between attempts the limiter does not even hand the command to the client.
    await expect(rl.consume({ appId: 'app-1', plan: 'small', cost: 1 })).rejects.toThrow(new RedisNotReadyError('Redis is not ready (status: reconnecting)'));
    expect(onFallback).not.toHaveBeenCalled();
    expect(rl.stats().fallbacks).toBe(0);
  });

  test("close() leaves the caller's Redis client open", async () => {
    const client = gatewayClient();
    const rl = createRateLimiter(parseRateLimitConfig({ plans: PLANS, keyPrefix }), { redis: client });
    await rl.consume({ appId: 'app-1', plan: 'small', cost: 1 });
    await rl.close();
    expect(client.status).toBe('ready');
    expect(await client.ping()).toBe('PONG');
    await expect(rl.consume({ appId: 'app-1', plan: 'small', cost: 1 })).rejects.toThrow('rate limiter is closed');
  });

  test('close() closes the connection the limiter opened itself from redisUrl', async () => {
    const name = `concord-rate-limit:${keyPrefix}`;
    const connected = async (): Promise<boolean> => ((await admin.client('LIST')) as string).includes(`name=${name} `);
    // Bounded polls for a state change that the server reports asynchronously; nothing asserts how long it took.
    const until = async (want: boolean): Promise<boolean> => {
      for (let i = 0; i < 100; i += 1) {
        if ((await connected()) === want) return true;
        await sleep(20);
      }
      return false;
    };

    const rl = createRateLimiter(parseRateLimitConfig({ plans: PLANS, keyPrefix, redisUrl: redisUrl() }));
    expect(await until(true)).toBe(true);
    expect(await rl.consume({ appId: 'app-1', plan: 'small', cost: 1 })).toMatchObject({ allowed: true, remaining: 4 });
    expect(rl.stats().fallbacks).toBe(0);
    expect(await admin.get(`${keyPrefix}:small:app-1`)).toBe('1');

    await rl.close();
    expect(await until(false)).toBe(true);
  });
});

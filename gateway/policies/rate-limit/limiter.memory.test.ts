import { parseRateLimitConfig, RateLimitConfigError } from './config';
import type { RateLimitDecision } from './decision';
import { createRateLimiter } from './limiter';
import type { RateLimiter, RateLimiterDeps } from './limiter';

// The in-memory store reads Date and sets timers; faking both freezes its windows, so nothing here depends on
// how fast the machine is, and a window reset is a jest.advanceTimersByTime away.
beforeEach(() => jest.useFakeTimers({ now: new Date('2026-03-01T12:00:00Z') }));
afterEach(() => jest.useRealTimers());

let limiter: RateLimiter | undefined;
afterEach(async () => {
  await limiter?.close();
  limiter = undefined;
});

function memoryLimiter(deps: RateLimiterDeps = {}, input: unknown = {}): RateLimiter {
  limiter = createRateLimiter(parseRateLimitConfig(input), deps);
  return limiter;
}

async function consumeTimes(rl: RateLimiter, times: number, appId: string, plan = 'sandbox', cost = 1): Promise<RateLimitDecision[]> {
  const decisions: RateLimitDecision[] = [];
  for (let i = 0; i < times; i += 1) decisions.push(await rl.consume({ appId, plan, cost }));
  return decisions;
}

describe('rate limiter in memory', () => {
  test('a sandbox app gets exactly its burst of 20, counting down, then rejections with Retry-After', async () => {
    const onRejected = jest.fn();
    const rl = memoryLimiter({ onRejected });
    const allowed = await consumeTimes(rl, 20, 'app-1');
    expect(allowed.map((d) => d.allowed)).toEqual(Array(20).fill(true));
    expect(allowed.map((d) => d.remaining)).toEqual([19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(allowed[0]).toEqual({ allowed: true, limit: 20, remaining: 19, resetSeconds: 2, policy: 'sandbox' });

    const rejected = await rl.consume({ appId: 'app-1', plan: 'sandbox', cost: 1 });
    expect(rejected).toEqual({ allowed: false, limit: 20, remaining: 0, resetSeconds: 2, retryAfterSeconds: 2, policy: 'sandbox' });
    expect(onRejected).toHaveBeenCalledTimes(1);
    expect(onRejected).toHaveBeenCalledWith('sandbox');
    expect(rl.stats()).toEqual({ fallbacks: 0, rejections: 1 });
  });

  test('Retry-After counts down with the window, is never below 1, and the quota is back once the window ends', async () => {
    const rl = memoryLimiter();
    await consumeTimes(rl, 20, 'app-1');
    jest.advanceTimersByTime(1500);
    const late = await rl.consume({ appId: 'app-1', plan: 'sandbox', cost: 1 });
    expect(late).toMatchObject({ allowed: false, resetSeconds: 1, retryAfterSeconds: 1 });

    jest.advanceTimersByTime(500);
    const fresh = await rl.consume({ appId: 'app-1', plan: 'sandbox', cost: 1 });
    expect(fresh).toEqual({ allowed: true, limit: 20, remaining: 19, resetSeconds: 2, policy: 'sandbox' });
  });

  test('cost weighting: a cost-5 call takes 5 points', async () => {
    const rl = memoryLimiter();
    const fives = await consumeTimes(rl, 4, 'app-1', 'sandbox', 5);
    expect(fives.map((d) => [d.allowed, d.remaining])).toEqual([[true, 15], [true, 10], [true, 5], [true, 0]]);
    expect(await rl.consume({ appId: 'app-1', plan: 'sandbox', cost: 1 })).toMatchObject({ allowed: false, remaining: 0 });
  });

  test('a call costing more than what is left is rejected', async () => {
    const rl = memoryLimiter();
    await consumeTimes(rl, 17, 'app-1');
    expect(await rl.consume({ appId: 'app-1', plan: 'sandbox', cost: 5 })).toMatchObject({ allowed: false, retryAfterSeconds: 2 });
  });

  test('two apps have separate budgets', async () => {
    const rl = memoryLimiter();
    await consumeTimes(rl, 20, 'app-1');
    expect(await rl.consume({ appId: 'app-1', plan: 'sandbox', cost: 1 })).toMatchObject({ allowed: false });
    expect(await rl.consume({ appId: 'app-2', plan: 'sandbox', cost: 1 })).toMatchObject({ allowed: true, remaining: 19 });
  });

  test('two plans differ: partner allows 200 where sandbox allows 20, and an app is counted per plan', async () => {
    const rl = memoryLimiter();
    const partner = await consumeTimes(rl, 200, 'app-p', 'partner');
    expect(partner.every((d) => d.allowed && d.limit === 200 && d.policy === 'partner')).toBe(true);
    expect(partner.at(-1)?.remaining).toBe(0);
    expect(await rl.consume({ appId: 'app-p', plan: 'partner', cost: 1 })).toMatchObject({ allowed: false, policy: 'partner' });
    expect(await rl.consume({ appId: 'app-p', plan: 'sandbox', cost: 1 })).toMatchObject({ allowed: true, limit: 20, remaining: 19 });
    expect(await rl.consume({ appId: 'app-i', plan: 'internal', cost: 1 })).toMatchObject({ limit: 2000, remaining: 1999, resetSeconds: 2 });
  });

  test('configured plans are enforced with their own window', async () => {
    const rl = memoryLimiter({}, { plans: { slow: { ratePerSecond: 1, burst: 3 } } });
    const decisions = await consumeTimes(rl, 4, 'app-1', 'slow');
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions[3]).toMatchObject({ limit: 3, resetSeconds: 3, retryAfterSeconds: 3 });
  });

  test('an unknown plan is a config error, thrown at consume time', async () => {
    const rl = memoryLimiter();
    const attempt = rl.consume({ appId: 'app-1', plan: 'gold', cost: 1 });
    await expect(attempt).rejects.toBeInstanceOf(RateLimitConfigError);
    await expect(attempt).rejects.toThrow("rate limit: unknown plan 'gold' (configured: sandbox, partner, internal)");
  });

  test('a cost that is not a whole number from 1 to the quota is a config error', async () => {
    const rl = memoryLimiter();
    for (const cost of [0, -1, 1.5, Number.NaN, 21]) {
      await expect(rl.consume({ appId: 'app-1', plan: 'sandbox', cost })).rejects.toThrow(RateLimitConfigError);
    }
    expect(await rl.consume({ appId: 'app-1', plan: 'sandbox', cost: 20 })).toMatchObject({ allowed: true, remaining: 0 });
  });

  test('close() is idempotent and a closed limiter refuses to decide', async () => {
    const rl = memoryLimiter();
    await rl.close();
    await rl.close();
    await expect(rl.consume({ appId: 'app-1', plan: 'sandbox', cost: 1 })).rejects.toThrow('rate limiter is closed');
  });
});

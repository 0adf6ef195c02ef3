import Ajv from 'ajv';
import { DEFAULT_PLANS, RateLimitConfigError, parseRateLimitConfig, rateLimitConfigSchema } from './config';

function rejection(input: unknown): string {
  try {
    parseRateLimitConfig(input);
  } catch (err) {
    expect(err).toBeInstanceOf(RateLimitConfigError);
    return (err as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

describe('rate-limit config', () => {
  test('an empty config gets the default plans, key prefix and insurance', () => {
    const expected = {
      plans: {
        sandbox: { ratePerSecond: 10, burst: 20 },
        partner: { ratePerSecond: 100, burst: 200 },
        internal: { ratePerSecond: 1000, burst: 2000 },
      },
      keyPrefix: 'concord:rl',
      insurance: true,
    };
    expect(parseRateLimitConfig(undefined)).toEqual(expected);
    expect(parseRateLimitConfig({})).toEqual(expected);
  });

  test('given plans replace the defaults, and the input object is left as it was', () => {
    const input = { plans: { gold: { ratePerSecond: 5, burst: 15 } }, redisUrl: 'redis://127.0.0.1:6379', insurance: false };
    const before = structuredClone(input);
    expect(parseRateLimitConfig(input)).toEqual({ ...before, keyPrefix: 'concord:rl' });
    expect(input).toEqual(before);
  });

  test('the defaults are not shared between parsed configs', () => {
    const first = parseRateLimitConfig({});
    first.plans.sandbox!.burst = 1;
    expect(parseRateLimitConfig({}).plans.sandbox).toEqual({ ratePerSecond: 10, burst: 20 });
    expect(DEFAULT_PLANS.sandbox).toEqual({ ratePerSecond: 10, burst: 20 });
  });

  test('burst below ratePerSecond names the field', () => {
    expect(rejection({ plans: { sandbox: { ratePerSecond: 10, burst: 5 } } })).toBe(
      'rate-limit config: plans.sandbox.burst (5) must be >= plans.sandbox.ratePerSecond (10)',
    );
  });

  test('a burst that is not a whole number of seconds at the plan rate names the field', () => {
    expect(rejection({ plans: { partner: { ratePerSecond: 100, burst: 150 } } })).toMatch(
      /^rate-limit config: plans\.partner\.burst \(150\) must be a multiple of plans\.partner\.ratePerSecond \(100\)/,
    );
  });

  test('a field of the wrong type names the field', () => {
    expect(rejection({ plans: { partner: { ratePerSecond: '100', burst: 200 } } })).toBe(
      'rate-limit config: plans.partner.ratePerSecond must be integer',
    );
    expect(rejection({ plans: { partner: { ratePerSecond: 0.5, burst: 1 } } })).toBe(
      'rate-limit config: plans.partner.ratePerSecond must be integer; plans.partner.ratePerSecond must be >= 1',
    );
    expect(rejection({ insurance: 'yes' })).toBe('rate-limit config: insurance must be boolean');
  });

  test('an unknown field names the field', () => {
    expect(rejection({ redisURL: 'redis://x' })).toBe('rate-limit config: redisURL is not a known field');
    expect(rejection({ plans: { sandbox: { ratePerSecond: 1, burst: 1, cost: 2 } } })).toBe(
      'rate-limit config: plans.sandbox.cost is not a known field',
    );
  });

  test('a missing plan field, a bad plan name, an empty plan list and a bad redisUrl are each named', () => {
    expect(rejection({ plans: { sandbox: { ratePerSecond: 10 } } })).toBe('rate-limit config: plans.sandbox.burst is required');
    expect(rejection({ plans: { 'Gold Tier': { ratePerSecond: 1, burst: 1 } } })).toMatch(
      /^rate-limit config: plans\.Gold Tier: plan names must match /,
    );
    expect(rejection({ plans: {} })).toBe('rate-limit config: plans must NOT have fewer than 1 properties');
    expect(rejection({ redisUrl: 'localhost:6379' })).toMatch(/^rate-limit config: redisUrl must match pattern/);
  });

  test('every problem is reported at once', () => {
    const message = rejection({ plans: { a: { ratePerSecond: 'x', burst: 1 } }, keyPrefix: '' });
    expect(message).toContain('plans.a.ratePerSecond must be integer');
    expect(message).toContain('keyPrefix must NOT have fewer than 1 characters');
  });

  test('the schema compiles in ajv strict mode on its own, for other tools that read it', () => {
    expect(() => new Ajv({ strict: true }).compile(rateLimitConfigSchema)).not.toThrow();
  });
});

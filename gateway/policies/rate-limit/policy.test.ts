import { RateLimitConfigError, rateLimitConfigSchema, rateLimitPolicy, rateLimitedProblem } from './index';

describe('rate-limit policy descriptor', () => {
  test('has its name and config schema', () => {
    expect(rateLimitPolicy.name).toBe('rate-limit');
    expect(rateLimitPolicy.configSchema).toBe(rateLimitConfigSchema);
  });

  test('create() validates the config before building anything', () => {
    expect(() => rateLimitPolicy.create({ plans: { sandbox: { ratePerSecond: 10, burst: 5 } } })).toThrow(RateLimitConfigError);
  });

  test('create() gives a limiter and matching headers: the pieces the pipeline needs for a 429', async () => {
    jest.useFakeTimers({ now: new Date('2026-03-01T12:00:00Z') });
    const policy = rateLimitPolicy.create({ plans: { tiny: { ratePerSecond: 1, burst: 1 } } });
    try {
      const ok = await policy.consume({ appId: 'app-1', plan: 'tiny', cost: 1 });
      expect(policy.headers(ok)).toEqual({ 'RateLimit-Policy': '"tiny";q=1;w=1', RateLimit: '"tiny";r=0;t=1' });
      const no = await policy.consume({ appId: 'app-1', plan: 'tiny', cost: 1 });
      expect(no.allowed).toBe(false);
      expect(policy.headers(no)).toEqual({ 'RateLimit-Policy': '"tiny";q=1;w=1', RateLimit: '"tiny";r=0;t=1', 'Retry-After': '1' });
      expect(rateLimitedProblem(no, 'corr-1')).toMatchObject({ status: 429, correlationId: 'corr-1' });
    } finally {
      await policy.close();
      jest.useRealTimers();
    }
  });
});

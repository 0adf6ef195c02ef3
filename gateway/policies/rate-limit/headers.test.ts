import { parseRateLimitConfig } from './config';
import { createRateLimitHeaders } from './headers';

const headersFor = createRateLimitHeaders(parseRateLimitConfig({}).plans);

describe('RateLimit headers (draft-ietf-httpapi-ratelimit-headers)', () => {
  test('an allowed decision: RateLimit-Policy and RateLimit in structured-field syntax, no Retry-After', () => {
    const headers = headersFor({ allowed: true, limit: 20, remaining: 7, resetSeconds: 2, policy: 'sandbox' });
    expect(headers).toEqual({ 'RateLimit-Policy': '"sandbox";q=20;w=2', RateLimit: '"sandbox";r=7;t=2' });
    expect('Retry-After' in headers).toBe(false);
  });

  test('a rejected decision adds Retry-After in whole seconds', () => {
    const headers = headersFor({ allowed: false, limit: 200, remaining: 0, resetSeconds: 1, retryAfterSeconds: 1, policy: 'partner' });
    expect(headers).toEqual({ 'RateLimit-Policy': '"partner";q=200;w=2', RateLimit: '"partner";r=0;t=1', 'Retry-After': '1' });
  });

  test('Retry-After is at least 1 even when the window is just ending', () => {
    const headers = headersFor({ allowed: false, limit: 2000, remaining: 0, resetSeconds: 0, policy: 'internal' });
    expect(headers['Retry-After']).toBe('1');
    expect(headers.RateLimit).toBe('"internal";r=0;t=0');
  });

  test('the policy of a configured plan carries its own quota and window', () => {
    const custom = createRateLimitHeaders(parseRateLimitConfig({ plans: { 'bulk.v2': { ratePerSecond: 5, burst: 300 } } }).plans);
    expect(custom({ allowed: true, limit: 300, remaining: 299, resetSeconds: 60, policy: 'bulk.v2' })).toEqual({
      'RateLimit-Policy': '"bulk.v2";q=300;w=60',
      RateLimit: '"bulk.v2";r=299;t=60',
    });
  });

  test('a decision for a plan the formatter was not built with is an error, not a wrong header', () => {
    expect(() => headersFor({ allowed: true, limit: 1, remaining: 0, resetSeconds: 1, policy: 'gold' })).toThrow("unknown plan 'gold'");
  });
});

import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults to the embedded platform on 127.0.0.1:8080 with data under .concord/', () => {
    const c = loadConfig({}, { root: '/srv/concord' });
    expect(c).toEqual(expect.objectContaining({ host: '127.0.0.1', port: 8080, dataDir: join('/srv/concord', '.concord'), sandbox: true, role: 'all' }));
    expect(c.databaseUrl).toBeUndefined();
    expect(c.redisUrl).toBeUndefined();
    expect(c.natsUrl).toBeUndefined();
  });

  it('reads PORT, CONCORD_DATA_DIR, DATABASE_URL, REDIS_URL, NATS_URL and CONCORD_SANDBOX', () => {
    const c = loadConfig(
      { PORT: '9090', CONCORD_DATA_DIR: '/var/lib/concord', DATABASE_URL: 'postgres://x@db/concord', REDIS_URL: 'redis://r:6379', NATS_URL: 'nats://n:4222', CONCORD_SANDBOX: 'false' },
      { root: '/srv/concord' },
    );
    expect(c).toEqual(
      expect.objectContaining({ port: 9090, dataDir: '/var/lib/concord', databaseUrl: 'postgres://x@db/concord', redisUrl: 'redis://r:6379', natsUrl: 'nats://n:4222', sandbox: false }),
    );
  });

  it.each(['abc', '-1', '70000', '80.5'])('rejects PORT=%s with a clear message', (port) => {
    expect(() => loadConfig({ PORT: port })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: port })).toThrow(/PORT must be an integer from 0 to 65535/);
  });
});

describe('CONCORD_TRUSTED_ISSUERS', () => {
  it('reads a JSON list of issuers and rejects malformed ones with a clear message', () => {
    const ok = loadConfig({ CONCORD_TRUSTED_ISSUERS: '[{"issuer":"https://idp","audience":"a","jwksUrl":"https://idp/jwks","plan":"partner"}]' });
    expect(ok.trustedIssuers).toEqual([{ issuer: 'https://idp', audience: 'a', jwksUrl: 'https://idp/jwks', plan: 'partner' }]);
    expect(loadConfig({}).trustedIssuers).toEqual([]);
    expect(() => loadConfig({ CONCORD_TRUSTED_ISSUERS: '{"issuer":"x"}' })).toThrow(/must be a JSON array/);
    expect(() => loadConfig({ CONCORD_TRUSTED_ISSUERS: '[{"issuer":"x","audience":"a","plan":"p"}]' })).toThrow(/entry 0 has no jwksUrl/);
  });
});

describe('roles', () => {
  const root = { root: '/repo' };
  test('every role but all needs DATABASE_URL, and the URLs of the roles it calls', () => {
    expect(() => loadConfig({}, { ...root, role: 'gateway' })).toThrow(/--role gateway needs DATABASE_URL/);
    const db = { DATABASE_URL: 'postgres://x@127.0.0.1/test' };
    expect(() => loadConfig(db, { ...root, role: 'gateway' })).toThrow(/needs CONCORD_PROCESS_URL/);
    expect(() => loadConfig({ ...db, CONCORD_PROCESS_URL: 'http://10.0.0.1:8081' }, { ...root, role: 'gateway' })).toThrow(/needs CONCORD_SYSTEM_URL/);
    expect(() => loadConfig(db, { ...root, role: 'worker' })).toThrow(/needs CONCORD_SYSTEM_URL/);
    expect(loadConfig(db, { ...root, role: 'system' }).role).toBe('system');
    const gw = loadConfig({ ...db, CONCORD_PROCESS_URL: 'http://10.0.0.1:8081/', CONCORD_SYSTEM_URL: 'https://sys.internal' }, { ...root, role: 'gateway' });
    expect([gw.processUrl, gw.systemUrl, gw.upstreamTimeoutMs]).toEqual(['http://10.0.0.1:8081', 'https://sys.internal', 10_000]);
  });

  test('CONCORD_GATEWAY_IDEMPOTENCY is off unless 1, and refuses anything but 0 or 1', () => {
    expect(loadConfig({}, root).gatewayIdempotency).toBeUndefined();
    expect(loadConfig({ CONCORD_GATEWAY_IDEMPOTENCY: '0' }, root).gatewayIdempotency).toBeUndefined();
    expect(loadConfig({ CONCORD_GATEWAY_IDEMPOTENCY: '1' }, root).gatewayIdempotency).toBe(true);
    expect(() => loadConfig({ CONCORD_GATEWAY_IDEMPOTENCY: 'yes' }, root)).toThrow(/CONCORD_GATEWAY_IDEMPOTENCY must be 0 or 1/);
  });

  test('CONCORD_TRUST_PROXY and CONCORD_SECURE_COOKIES: off by default, 1 or a proxy list, anything else refused', () => {
    expect(loadConfig({}, root).trustProxy).toBeUndefined();
    expect(loadConfig({ CONCORD_TRUST_PROXY: '1' }, root).trustProxy).toBe(true);
    expect(loadConfig({ CONCORD_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }, root).trustProxy).toBe('10.0.0.0/8, 127.0.0.1');
    expect(() => loadConfig({ CONCORD_TRUST_PROXY: 'yes' }, root)).toThrow(/CONCORD_TRUST_PROXY must be 0, 1 or a comma-separated list/);
    expect(loadConfig({}, root).portalSecureCookies).toBe(false);
    expect(loadConfig({ CONCORD_SECURE_COOKIES: '1' }, root).portalSecureCookies).toBe(true);
    expect(() => loadConfig({ CONCORD_SECURE_COOKIES: 'true' }, root)).toThrow(/CONCORD_SECURE_COOKIES must be 0 or 1/);
  });

  test('bad URLs, timeouts and NATS namespaces are refused by name', () => {
    expect(() => loadConfig({ CONCORD_PROCESS_URL: 'ftp://x' }, root)).toThrow(/CONCORD_PROCESS_URL must be an http\(s\) URL/);
    expect(() => loadConfig({ CONCORD_UPSTREAM_TIMEOUT_MS: '0' }, root)).toThrow(/CONCORD_UPSTREAM_TIMEOUT_MS must be a positive integer/);
    expect(() => loadConfig({ CONCORD_NATS_NAMESPACE: 'a.b' }, root)).toThrow(/CONCORD_NATS_NAMESPACE/);
  });
});

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

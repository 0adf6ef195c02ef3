import type { App } from '../apps';
import { CheckBusyError } from '../apps/check-limiter';
import { createFailureLimiter } from '../../platform/http/failure-limiter';
import type { TokenEndpointDeps } from './token-endpoint';
import { createTokenEndpoint, TOKEN_FAILURE_LIMITS } from './token-endpoint';

const APP = { clientId: 'app_good', scopes: ['orders:read'], status: 'active' } as unknown as App;

/** A registry that knows one secret per client and counts how often a secret is actually checked. */
function fakeRegistry(opts: { busy?: boolean } = {}) {
  let checks = 0;
  const cached = new Set<string>();
  const registry: TokenEndpointDeps['registry'] = {
    async verifyClientSecret(clientId, secret) {
      checks++;
      if (opts.busy) throw new CheckBusyError();
      if (secret !== `right-${clientId}`) return { app: null, reason: 'invalid' };
      cached.add(`${clientId}:${secret}`);
      return { app: { ...APP, clientId } };
    },
    cachedClientSecret: (clientId, secret) => (cached.has(`${clientId}:${secret}`) ? { ...APP, clientId } : undefined),
  };
  return { registry, checks: () => checks };
}

function endpoint(registry: TokenEndpointDeps['registry']) {
  return createTokenEndpoint({
    registry,
    issuer: { issue: async () => ({ access_token: 'jwt', token_type: 'Bearer', expires_in: 900, scope: 'orders:read' }) },
    keys: { publicJwks: async () => ({ keys: [] }) },
    failures: createFailureLimiter('test-oauth', TOKEN_FAILURE_LIMITS),
  });
}

const ask = (handlers: ReturnType<typeof endpoint>, clientId: string, secret: string, address = '10.0.0.1') =>
  handlers.issueToken(
    { body: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret }, headers: {}, query: {}, params: {} } as never,
    { correlationId: 'c-1', scopes: [], remoteAddress: address },
  );

describe('token endpoint failure throttling', () => {
  it(`after ${TOKEN_FAILURE_LIMITS.perSubject} failures for one client id answers 429 with Retry-After, without checking the secret`, async () => {
    const { registry, checks } = fakeRegistry();
    const handlers = endpoint(registry);
    for (let i = 0; i < TOKEN_FAILURE_LIMITS.perSubject; i++) expect((await ask(handlers, 'app_victim', 'wrong', `10.0.1.${i}`)).status).toBe(401);
    const refused = await ask(handlers, 'app_victim', 'wrong', '10.0.2.1');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers?.['Retry-After'])).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({ type: 'https://concord.dev/problems/rate-limited', status: 429 });
    expect(checks()).toBe(TOKEN_FAILURE_LIMITS.perSubject);
    // Another client is not affected.
    expect((await ask(handlers, 'app_other', 'right-app_other', '10.0.2.2')).status).toBe(200);
  });

  it(`after ${TOKEN_FAILURE_LIMITS.perAddress} failures from one address refuses it, whatever the client id`, async () => {
    const { registry } = fakeRegistry();
    const handlers = endpoint(registry);
    for (let i = 0; i < TOKEN_FAILURE_LIMITS.perAddress; i++) expect((await ask(handlers, `app_guess${i}`, 'wrong', '10.9.9.9')).status).toBe(401);
    expect((await ask(handlers, 'app_fresh', 'wrong', '10.9.9.9')).status).toBe(429);
    expect((await ask(handlers, 'app_fresh', 'wrong', '10.9.9.8')).status).toBe(401);
  });

  it('a secret verified lately still gets its token while its client id is throttled', async () => {
    const { registry } = fakeRegistry();
    const handlers = endpoint(registry);
    expect((await ask(handlers, 'app_victim', 'right-app_victim', '10.1.0.1')).status).toBe(200);
    for (let i = 0; i < TOKEN_FAILURE_LIMITS.perSubject; i++) await ask(handlers, 'app_victim', 'wrong', `10.1.1.${i}`);
    expect((await ask(handlers, 'app_victim', 'wrong', '10.1.2.1')).status).toBe(429);
    expect((await ask(handlers, 'app_victim', 'right-app_victim', '10.1.0.1')).status).toBe(200);
  });

  it('answers 503 with Retry-After at once when too many secret checks are running', async () => {
    const { registry } = fakeRegistry({ busy: true });
    const res = await ask(endpoint(registry), 'app_x', 'whatever');
    expect(res.status).toBe(503);
    expect(res.headers?.['Retry-After']).toBe('1');
  });
});

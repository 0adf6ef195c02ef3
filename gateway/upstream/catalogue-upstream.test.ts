import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import type { RouteManifestEntry } from '../../codegen/manifest-types';
import { withDefaults } from '../../platform/catalogue/defaults';
import type { UpstreamInput } from '../../platform/catalogue/defaults';
import { createLogger } from '../../platform/logger';
import { buildApp } from '../../platform/server/app';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { catalogueUpstreamOf, createCatalogueUpstreams } from './catalogue-upstream';
import { checkUpstreams } from '../routing/served-routes';
import type { Catalogue } from '../../platform/catalogue/types';
import type { CatalogueUpstreams } from './catalogue-upstream';

/**
 * The proxy to a catalogue upstream, on a bare app shell (correlation id and traceparent as in production) in front
 * of upstreams this test runs on port 0. Clocks and backoff sleeps are driven, never waited on.
 */

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Answer = (seen: Seen, res: ServerResponse) => void;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return `${'cert' in server ? 'https' : 'http'}://127.0.0.1:${port}`;
}

function recorder(answer: Answer) {
  const seen: Seen[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const s = { method: req.method!, url: req.url!, headers: req.headers, body };
      seen.push(s);
      answer(s, res);
    });
  };
  return { seen, handle };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const metrics = { circuitBreakerState: { set() {} }, upstreamFailures: { inc() {} } } as unknown as Pick<GatewayMetrics, 'circuitBreakerState' | 'upstreamFailures'>;
const route = { operationId: 'getItem' } as RouteManifestEntry;

describe('catalogue upstream proxy', () => {
  const servers: Server[] = [];
  const closers: Array<() => Promise<unknown>> = [];
  let clock = 1_000_000;
  const sleeps: number[] = [];

  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
    // closeAllConnections: an upstream that never answers must not hold the suite open.
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => (s.close(r), s.closeAllConnections()))));
  });

  async function upstream(answer: Answer) {
    const r = recorder(answer);
    const server = createHttpServer(r.handle);
    servers.push(server);
    return { url: await listen(server), seen: r.seen };
  }

  /** A gateway shell with one upstream `shop` serving GET and POST /api/items… through the catalogue proxy. */
  async function gateway(config: Omit<UpstreamInput, 'url'> & { url: string }): Promise<{ app: FastifyInstance; upstreams: CatalogueUpstreams }> {
    sleeps.length = 0;
    const upstreams = createCatalogueUpstreams(
      { upstreams: { shop: withDefaults('shop', config) }, systems: { erp: 'sandbox', wms: 'sandbox', pos: 'sandbox' }, contracts: [] },
      { metrics, now: () => clock, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
    );
    const app = buildApp({ logger: createLogger({ level: 'silent' }), readiness: {}, isStarted: () => true });
    const handler = upstreams.handlerFor('shop', route);
    app.get('/api/*', handler);
    app.post('/api/*', handler);
    await app.ready();
    closers.push(() => upstreams.close(), () => app.close());
    return { app, upstreams };
  }

  it('forwards correlation id and trace, never the partner credentials; adds and strips headers; rewrites the path', async () => {
    const up = await upstream((_s, res) => json(res, 200, { ok: true }, { 'x-upstream': 'yes' }));
    const { app } = await gateway({
      url: `${up.url}/base/`,
      headers: { add: { 'X-Tenant': 'acme' }, strip: ['X-Internal-Debug'] },
      path: { stripPrefix: '/api', addPrefix: '/v2' },
    });
    const traceId = 'ab'.repeat(16);
    const res = await app.inject({
      method: 'GET',
      url: '/api/items/42?expand=price',
      headers: {
        authorization: 'Bearer partner-token',
        'x-api-key': 'partner-key',
        cookie: 'session=1',
        'x-internal-debug': '1',
        'x-correlation-id': 'corr-123',
        traceparent: `00-${traceId}-${'cd'.repeat(8)}-01`,
        accept: 'application/json',
        'accept-encoding': 'gzip',
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-upstream']).toBe('yes');
    const [seen] = up.seen;
    expect(seen!.url).toBe('/base/v2/items/42?expand=price');
    expect(seen!.headers).toMatchObject({ 'x-correlation-id': 'corr-123', 'x-tenant': 'acme', accept: 'application/json' });
    expect(seen!.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    for (const h of ['authorization', 'x-api-key', 'cookie', 'x-internal-debug', 'accept-encoding']) expect(seen!.headers[h]).toBeUndefined();
  });

  it.each([
    ['a static header', { type: 'header', name: 'X-Erp-Token', value: 't0k' }, (s: Seen) => expect(s.headers['x-erp-token']).toBe('t0k')],
    ['an API key in a header', { type: 'apiKey', value: 'k3y', header: 'X-Key' }, (s: Seen) => expect(s.headers['x-key']).toBe('k3y')],
    ['an API key in the query', { type: 'apiKey', value: 'k 3y', query: 'api_key' }, (s: Seen) => expect(s.url).toBe('/api/items?page=2&api_key=k%203y')],
    ['HTTP Basic', { type: 'basic', username: 'concord', password: 'p:w' }, (s: Seen) => expect(s.headers.authorization).toBe(`Basic ${Buffer.from('concord:p:w').toString('base64')}`)],
  ] as const)('sends Concord’s own credential: %s', async (_name, auth, check) => {
    const up = await upstream((_s, res) => json(res, 200, {}));
    const { app } = await gateway({ url: up.url, auth: auth as UpstreamInput['auth'] });
    const res = await app.inject({ method: 'GET', url: '/api/items?page=2', headers: { authorization: 'Bearer partner' } });
    expect(res.statusCode).toBe(200);
    check(up.seen[0]!);
  });

  it('OAuth2 client credentials: one token fetch shared, cached until shortly before expiry, refreshed once on 401', async () => {
    let issued = 0;
    const tokens = await upstream((s, res) => {
      issued += 1;
      expect(s.headers.authorization).toBe(`Basic ${Buffer.from('concord:s3cret').toString('base64')}`);
      expect(new URLSearchParams(s.body).get('grant_type')).toBe('client_credentials');
      expect(new URLSearchParams(s.body).get('scope')).toBe('erp.read');
      // Slow enough that concurrent requests meet the same fetch.
      setTimeout(() => json(res, 200, { access_token: `tok-${issued}`, token_type: 'Bearer', expires_in: 300 }), 30);
    });
    let revoked = '';
    const up = await upstream((s, res) => (s.headers.authorization === revoked ? json(res, 401, {}) : json(res, 200, { auth: s.headers.authorization })));
    const { app } = await gateway({ url: up.url, auth: { type: 'oauth2', tokenUrl: `${tokens.url}/token`, clientId: 'concord', clientSecret: 's3cret', scope: 'erp.read' } });

    const first = await Promise.all([1, 2, 3].map(() => app.inject({ method: 'GET', url: '/api/items' })));
    expect(first.map((r) => r.json())).toEqual([1, 2, 3].map(() => ({ auth: 'Bearer tok-1' })));
    expect(issued).toBe(1);

    clock += 200_000; // still well before expiry: cached
    expect((await app.inject({ method: 'GET', url: '/api/items' })).json()).toEqual({ auth: 'Bearer tok-1' });
    expect(issued).toBe(1);

    clock += 75_000; // within 30 s of expiry: renewed before it goes out
    expect((await app.inject({ method: 'GET', url: '/api/items' })).json()).toEqual({ auth: 'Bearer tok-2' });

    revoked = 'Bearer tok-2'; // the upstream refuses the cached token: one fresh fetch, the call sent again
    const again = await app.inject({ method: 'POST', url: '/api/items', payload: { a: 1 } });
    expect(again.json()).toEqual({ auth: 'Bearer tok-3' });
    expect(issued).toBe(3);
  });

  it('caps calls in flight: beyond the cap it queues for maxWaitMs, then answers 503 with Retry-After', async () => {
    const held: ServerResponse[] = [];
    const up = await upstream((_s, res) => held.push(res));
    const { app } = await gateway({ url: up.url, maxInFlight: 1, queue: { maxWaitMs: 20 } });
    const first = app.inject({ method: 'GET', url: '/api/items/1' });
    while (up.seen.length < 1) await new Promise((r) => setImmediate(r));
    const second = await app.inject({ method: 'GET', url: '/api/items/2' });
    expect(second.statusCode).toBe(503);
    expect(second.headers['retry-after']).toBe('1');
    expect(second.json()).toMatchObject({ type: 'https://concord.dev/problems/upstream-unavailable' });
    expect(up.seen).toHaveLength(1);
    // A queued call goes out once the slot is free.
    const third = app.inject({ method: 'GET', url: '/api/items/3' });
    await new Promise((r) => setImmediate(r));
    json(held[0]!, 200, {});
    expect((await first).statusCode).toBe(200);
    while (up.seen.length < 2) await new Promise((r) => setImmediate(r));
    json(held[1]!, 200, {});
    expect((await third).statusCode).toBe(200);
  });

  it('caps the rate: a call beyond the burst waits for the next token or is refused', async () => {
    const up = await upstream((_s, res) => json(res, 200, {}));
    const { app } = await gateway({ url: up.url, rateLimit: { perSecond: 1, burst: 1 }, queue: { maxWaitMs: 0 } });
    expect((await app.inject({ method: 'GET', url: '/api/a' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/b' })).statusCode).toBe(503);
    clock += 1000;
    expect((await app.inject({ method: 'GET', url: '/api/c' })).statusCode).toBe(200);
    expect(up.seen.map((s) => s.url)).toEqual(['/api/a', '/api/c']);
  });

  describe('retries', () => {
    const flaky = (failures: number, status: number, headers: Record<string, string> = {}) =>
      upstream((s, res) => (up_calls(s) <= failures ? json(res, status, { status }, headers) : json(res, 200, { ok: true })));
    let calls = 0;
    const up_calls = (_s: Seen) => ++calls;
    beforeEach(() => (calls = 0));

    it('retries a safe method with exponential backoff and jitter', async () => {
      const up = await flaky(2, 502);
      const { app } = await gateway({ url: up.url, retries: { attempts: 2, backoffMs: 100, maxBackoffMs: 2000 } });
      expect((await app.inject({ method: 'GET', url: '/api/items' })).statusCode).toBe(200);
      expect(up.seen).toHaveLength(3);
      expect(sleeps).toEqual([50, 100]); // random() = 0.5 of 100, then of 200
    });

    it('does not retry a POST without an Idempotency-Key; does with one', async () => {
      const up = await flaky(1, 503);
      const { app } = await gateway({ url: up.url });
      expect((await app.inject({ method: 'POST', url: '/api/items', payload: {} })).statusCode).toBe(503);
      expect(up.seen).toHaveLength(1);
      calls = 0;
      const res = await app.inject({ method: 'POST', url: '/api/items', payload: { n: 1 }, headers: { 'idempotency-key': 'k-1' } });
      expect(res.statusCode).toBe(200);
      expect(up.seen.slice(1).map((s) => [s.headers['idempotency-key'], s.body])).toEqual([['k-1', '{"n":1}'], ['k-1', '{"n":1}']]);
    });

    it('honours Retry-After on 429 and 503, and passes it back when it asks for longer than maxBackoffMs', async () => {
      const up = await flaky(1, 429, { 'retry-after': '1' });
      const { app } = await gateway({ url: up.url });
      expect((await app.inject({ method: 'GET', url: '/api/items' })).statusCode).toBe(200);
      expect(sleeps).toEqual([1000]);

      const slow = await flaky(5, 503, { 'retry-after': '30' });
      const g = await gateway({ url: slow.url });
      const res = await g.app.inject({ method: 'GET', url: '/api/items' });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('30');
      expect(slow.seen).toHaveLength(1);
    });

    it('retries a timed-out safe call, and answers 504 once attempts are spent', async () => {
      const up = await upstream(() => {}); // never answers
      const { app } = await gateway({ url: up.url, timeoutMs: 50, retries: { attempts: 1, backoffMs: 10 } });
      const res = await app.inject({ method: 'GET', url: '/api/items' });
      expect(res.statusCode).toBe(504);
      expect(res.json()).toMatchObject({ type: 'https://concord.dev/problems/upstream-timeout' });
      expect(up.seen).toHaveLength(2);
    });
  });

  it('opens the breaker after failureThreshold failures: 503 at once, /readyz state down, then degraded when due', async () => {
    const up = await upstream((_s, res) => json(res, 500, {}));
    const { app, upstreams } = await gateway({ url: up.url, retries: { attempts: 0 }, breaker: { failureThreshold: 2, openMs: 5000 } });
    expect(upstreams.states()).toEqual({ shop: 'ok' });
    await app.inject({ method: 'GET', url: '/api/a' });
    await app.inject({ method: 'GET', url: '/api/b' });
    const refused = await app.inject({ method: 'GET', url: '/api/c' });
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(up.seen).toHaveLength(2);
    expect(upstreams.states()).toEqual({ shop: 'down' });
    clock += 5000;
    expect(upstreams.states()).toEqual({ shop: 'degraded' });
  });

  describe('TLS', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'concord-upstream-tls-'));
      const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
      ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=Test CA');
      for (const [name, cn] of [['server', 'erp.internal.test'], ['client', 'concord-gateway']]) {
        ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
        const ext = join(dir, `${name}.ext`);
        writeFileSync(ext, name === 'server' ? 'subjectAltName=DNS:erp.internal.test\n' : 'extendedKeyUsage=clientAuth\n');
        ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', ext);
      }
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('trusts the configured CA, checks the server name, and presents the client certificate (mTLS)', async () => {
      const file = (f: string) => readFileSync(join(dir, f));
      const server = createHttpsServer({ key: file('server.key'), cert: file('server.pem'), ca: file('ca.pem'), requestCert: true, rejectUnauthorized: true }, (req, res) => {
        json(res, 200, { client: (req.socket as TLSSocket).getPeerCertificate().subject?.CN });
      });
      servers.push(server);
      const url = await listen(server);
      const tls = { ca: join(dir, 'ca.pem'), cert: join(dir, 'client.pem'), key: join(dir, 'client.key'), serverName: 'erp.internal.test' };
      const { app } = await gateway({ url, tls });
      const res = await app.inject({ method: 'GET', url: '/api/items' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ client: 'concord-gateway' });

      // Without the client certificate the server refuses the handshake: unreachable, not a leak of the reason.
      const noCert = await gateway({ url, tls: { ca: tls.ca, serverName: tls.serverName }, retries: { attempts: 0 } });
      const refused = await noCert.app.inject({ method: 'GET', url: '/api/items' });
      expect(refused.statusCode).toBe(503);
      expect(refused.body).not.toContain('127.0.0.1');
    });
  });

  it('fetchFor: a fetch toward the upstream with its base path, credentials and added headers', async () => {
    const up = await upstream((s, res) => json(res, 200, { url: s.url, key: s.headers['x-key'], tenant: s.headers['x-tenant'] }));
    const { upstreams } = await gateway({ url: `${up.url}/base`, auth: { type: 'apiKey', value: 'k', header: 'X-Key' }, headers: { add: { 'X-Tenant': 'acme' } } });
    const res = await upstreams.fetchFor('shop')('http://ignored.invalid/items?x=1');
    expect(await res.json()).toEqual({ url: '/base/items?x=1', key: 'k', tenant: 'acme' });
  });
});

describe('which catalogue upstream serves a route', () => {
  const catalogue: Catalogue = {
    upstreams: { loyalty: withDefaults('loyalty', { url: 'http://l' }), 'erp-real': withDefaults('erp-real', { url: 'http://e' }) },
    systems: { erp: 'erp-real', wms: 'sandbox', pos: 'sandbox' },
    contracts: [],
  };
  const r = (upstream: string, operationId = 'op') => ({ api: 'x', version: 1, upstream, operationId });

  it('is the named upstream, or the one systems: maps the system to; never for the sandbox fault endpoints', () => {
    expect(catalogueUpstreamOf(catalogue, r('loyalty'))).toBe('loyalty');
    expect(catalogueUpstreamOf(catalogue, r('erp', 'getItem'))).toBe('erp-real');
    expect(catalogueUpstreamOf(catalogue, r('erp', 'setSandboxFaults'))).toBeUndefined();
    expect(catalogueUpstreamOf(catalogue, r('wms', 'getFulfilmentOrder'))).toBeUndefined();
    expect(catalogueUpstreamOf(catalogue, r('orders'))).toBeUndefined();
  });

  it('refuses to start when an operation names an upstream the catalogue lacks, naming contract, operation and upstream', () => {
    expect(() => checkUpstreams([r('orders'), r('loyalty')] as never, catalogue)).not.toThrow();
    expect(() => checkUpstreams([{ ...r('billing-svc', 'getInvoice'), contract: 'billing.v2.yaml', method: 'GET', path: '/x' }] as never, catalogue)).toThrow(
      /billing\.v2\.yaml: getInvoice \(GET \/x\) -> 'billing-svc'/,
    );
  });
});

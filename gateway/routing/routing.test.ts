import Fastify from 'fastify';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { routes } from '../../generated/routes';
import { buildApp } from '../../platform/server/app';
import { createLogger } from '../../platform/logger';
import { sandboxOffReason } from '../../platform/server/unserved-reason';
import { notImplemented, registerRoutes } from './register-routes';
import { buildRouteTable, toFastifyPath } from './route-table';

describe('the route table', () => {
  it('has every manifest operation, grouped by path, with its Allow header', () => {
    const table = buildRouteTable(routes);
    expect(table.reduce((n, p) => n + p.byMethod.size, 0)).toBe(routes.length);
    const orders = table.find((p) => p.template === '/v1/orders');
    expect(orders?.allow).toBe('GET, HEAD, POST');
    expect(orders?.byMethod.get('POST')?.operationId).toBe('createOrder');
  });

  it('converts OpenAPI templates to Fastify paths', () => {
    expect(toFastifyPath('/v1/orders/{orderId}/cancel')).toBe('/v1/orders/:orderId/cancel');
    expect(toFastifyPath('/.well-known/jwks.json')).toBe('/.well-known/jwks.json');
  });

  it('refuses an operation served twice', () => {
    const [first] = routes;
    expect(() => buildRouteTable([first!, { ...first!, path: first!.path.replace(/\{[^}]+\}/, '{other}'), contract: 'x.yaml' }])).toThrow(/served twice/);
  });
});

describe('routing through the HTTP server', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = buildApp({ logger: createLogger({ level: 'silent' }), readiness: {}, isStarted: () => true });
    registerRoutes(app, buildRouteTable(routes), { policies: [], handlerFor: notImplemented });
    await app.ready();
  });
  afterAll(() => app.close());

  it('routes every contract operation (none listed by hand)', async () => {
    for (const r of routes) {
      const url = r.path.replace(/\{[^}]+\}/g, 'x1');
      // light-my-request 6.6 (pinned for Node 20, see package.json overrides) does not list TRACE, which no contract uses.
      const res = await app.inject({ method: r.method as InjectOptions['method'], url });
      expect(`${r.method} ${r.path} -> ${res.statusCode} ${res.json().detail?.split(' ')[0]}`).toBe(`${r.method} ${r.path} -> 501 ${r.operationId}`);
    }
  });

  it('says what is really missing when a system operation has no handler because the sandbox is off', async () => {
    const route = routes.find((r) => r.upstream === 'erp' && r.method === 'GET')!;
    const off = Fastify();
    off.get('/x', notImplemented(route, sandboxOffReason({ sandbox: false }, route.upstream, route.operationId)));
    const res = await off.inject('/x');
    expect(res.statusCode).toBe(501);
    expect(res.json().detail).toBe(
      `No ERP is connected: the sandbox systems are off (CONCORD_SANDBOX=false) and no ERP upstream is configured, so nothing serves ${route.operationId}. Unset CONCORD_SANDBOX to use the sandbox ERP.`,
    );
    expect(res.json().detail).not.toMatch(/not served yet/);
    // With the sandbox on, or for a service that is not a system, there is nothing more to say.
    expect(sandboxOffReason({ sandbox: true }, 'erp', route.operationId)).toBeUndefined();
    expect(sandboxOffReason({ sandbox: false }, 'orders', 'createOrder')).toBeUndefined();
    await off.close();
  });

  it('answers an unknown path with 404 problem+json', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/nothing-here', headers: { 'x-correlation-id': 'c-404' } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toEqual(expect.objectContaining({ type: 'https://concord.dev/problems/not-found', correlationId: 'c-404' }));
  });

  it('answers a wrong method with 405 problem+json and an Allow header', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/v1/orders', headers: { 'x-correlation-id': 'c-405' } });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, POST');
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toEqual(expect.objectContaining({ type: 'https://concord.dev/problems/method-not-allowed', status: 405, correlationId: 'c-405' }));
  });

  it('answers a wrong method on a templated path with that path’s Allow', async () => {
    const res = await app.inject({ method: 'PUT', url: '/v1/orders/ord_12345678' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });
});

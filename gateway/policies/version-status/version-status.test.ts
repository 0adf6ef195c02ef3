import type { FastifyInstance, RouteHandlerMethod } from 'fastify';
import { routes } from '../../../generated/routes';
import { createLogger } from '../../../platform/logger';
import { buildApp } from '../../../platform/server/app';
import type { Policy } from '../../pipeline/policy';
import { registerRoutes } from '../../routing/register-routes';
import { buildRouteTable } from '../../routing/route-table';
import { createVersionStatusPolicy } from '.';

// orders.v1: deprecated 2026-11-23 (x-concord-deprecated-at), sunset 2027-06-30 (x-sunset).
const DEPRECATION = '@1795392000';
const SUNSET = 'Wed, 30 Jun 2027 00:00:00 GMT';
const BEFORE_SUNSET = new Date('2027-06-29T23:59:59.999Z');
const AT_SUNSET = new Date('2027-06-30T00:00:00Z');

const ok: RouteHandlerMethod = async () => ({ ok: true });

async function gateway(now: () => Date, handler: RouteHandlerMethod = ok, extra: Policy[] = []): Promise<FastifyInstance> {
  const app = buildApp({ logger: createLogger({ level: 'silent' }), readiness: {}, isStarted: () => true });
  registerRoutes(app, buildRouteTable(routes), {
    policies: [createVersionStatusPolicy({ routes, now }), ...extra],
    handlerFor: () => handler,
  });
  await app.ready();
  return app;
}

const json = { 'content-type': 'application/json', 'idempotency-key': 'k-1' };

describe('the version-status policy, before the sunset', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await gateway(() => BEFORE_SUNSET);
  });
  afterAll(() => app.close());

  it('answers a v1 call with Deprecation, Sunset and the successor Link, in their exact formats', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/orders?limit=5' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
    expect(res.headers.deprecation).toBe(DEPRECATION);
    expect(res.headers.sunset).toBe(SUNSET);
    expect(res.headers.link).toBe('</v2/orders>; rel="successor-version"');
  });

  it('links a v1 resource to the same resource in v2, path parameters percent-encoded', async () => {
    const get = await app.inject({ method: 'GET', url: '/v1/orders/ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3' });
    expect(get.headers.link).toBe('</v2/orders/ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3>; rel="successor-version"');
    const cancel = await app.inject({ method: 'POST', url: '/v1/orders/ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3/cancel', headers: json, payload: '{"reason":"fraud"}' });
    expect(cancel.headers.link).toBe('</v2/orders/ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3/cancel>; rel="successor-version"');
    const odd = await app.inject({ method: 'GET', url: '/v1/orders/a%3Eb%2Cc%20d' });
    expect(odd.headers.link).toBe('</v2/orders/a%3Eb%2Cc%20d>; rel="successor-version"');
  });

  it('leaves v2 and every other current version alone', async () => {
    for (const url of ['/v2/orders', '/v2/orders/ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3', '/v1/returns']) {
      const res = await app.inject({ method: 'GET', url });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 200 });
      expect([res.headers.deprecation, res.headers.sunset, res.headers.link]).toEqual([undefined, undefined, undefined]);
    }
  });

  it('still serves v1 in the last millisecond before the sunset', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/orders', headers: json, payload: '{}' });
    expect(res.statusCode).toBe(200);
  });
});

describe('the version-status policy on error responses before the sunset', () => {
  it('adds the headers to errors too, and keeps a Link the upstream set', async () => {
    const failing = await gateway(() => BEFORE_SUNSET, async () => {
      throw new Error('boom');
    });
    const err = await failing.inject({ method: 'GET', url: '/v1/orders' });
    expect(err.statusCode).toBe(500);
    expect([err.headers.deprecation, err.headers.sunset, err.headers.link]).toEqual([DEPRECATION, SUNSET, '</v2/orders>; rel="successor-version"']);
    await failing.close();

    const paging = await gateway(() => BEFORE_SUNSET, async (_req, reply) => {
      reply.header('link', '</v1/orders?cursor=abc>; rel="next"');
      return { items: [] };
    });
    const page = await paging.inject({ method: 'GET', url: '/v1/orders' });
    // Two Link field lines; RFC 9110 §5.3 makes them equivalent to one comma-separated line.
    expect(page.headers.link).toEqual(['</v1/orders?cursor=abc>; rel="next"', '</v2/orders>; rel="successor-version"']);
    await paging.close();
  });
});

describe('the version-status policy, after the sunset', () => {
  let app: FastifyInstance;
  let upstreamCalls = 0;
  let laterHooks = 0;
  // Stands for the rest of the pipeline (authentication, rate limits…): none of it may run for a retired version.
  const later: Policy = { name: 'later', forRoute: () => ({ onRequest: async () => void laterHooks++ }) };
  beforeAll(async () => {
    app = await gateway(() => AT_SUNSET, async () => {
      upstreamCalls++;
      return { ok: true };
    }, [later]);
  });
  afterAll(() => app.close());

  it('answers v1 with 410 problem+json version-sunset and the Link, before any other work', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/orders', headers: { ...json, 'x-correlation-id': 'corr-410' }, payload: '{"not":"even valid"}' });
    expect(res.statusCode).toBe(410);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers.link).toBe('</v2/orders>; rel="successor-version"');
    expect(res.headers.deprecation).toBeUndefined();
    expect(res.headers.sunset).toBeUndefined();
    expect(res.json()).toEqual({
      type: 'https://concord.dev/problems/version-sunset',
      title: 'This API version has been retired',
      status: 410,
      detail: 'Version 1 of the orders API was retired on 2027-06-30. The Link header names its successor.',
      correlationId: 'corr-410',
    });
    expect({ upstreamCalls, laterHooks }).toEqual({ upstreamCalls: 0, laterHooks: 0 });
  });

  it('retires every v1 operation, each linking to its own successor', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/orders/ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3' });
    expect(res.statusCode).toBe(410);
    expect(res.headers.link).toBe('</v2/orders/ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3>; rel="successor-version"');
  });

  it('keeps serving v2', async () => {
    const res = await app.inject({ method: 'GET', url: '/v2/orders' });
    expect(res.statusCode).toBe(200);
    expect(res.headers.link).toBeUndefined();
    expect(upstreamCalls).toBe(1);
  });
});

describe('createVersionStatusPolicy over the generated manifest', () => {
  it('has hooks for exactly the deprecated routes, and a deprecation date for every deprecated contract', () => {
    const policy = createVersionStatusPolicy({ routes });
    const hooked = routes.filter((r) => policy.forRoute(r) !== undefined).map((r) => `${r.method} ${r.path}`);
    expect(hooked).toEqual(routes.filter((r) => r.deprecated).map((r) => `${r.method} ${r.path}`));
    expect(hooked).toEqual(expect.arrayContaining(['POST /v1/orders', 'GET /v1/orders', 'GET /v1/orders/{orderId}', 'POST /v1/orders/{orderId}/cancel']));
  });

  it('gives a deprecated route no onRequest hook when it announces no sunset, so it never answers 410', () => {
    const route = routes.find((r) => r.path === '/v1/orders' && r.method === 'GET');
    if (!route) throw new Error('GET /v1/orders is missing from the manifest');
    const { sunset: _sunset, ...noSunset } = route;
    const hooks = createVersionStatusPolicy({ routes }).forRoute(noSunset);
    expect(hooks && Object.keys(hooks)).toEqual(['onSend']);
  });

  it('fails at start-up for a deprecated contract without a deprecation date', () => {
    const route = routes.find((r) => r.path === '/v1/returns' && r.method === 'GET');
    if (!route) throw new Error('GET /v1/returns is missing from the manifest');
    const policy = createVersionStatusPolicy({ routes });
    expect(() => policy.forRoute({ ...route, deprecated: true, sunset: '2028-01-31' })).toThrow(
      /contracts\/openapi\/process\/returns\.v1\.yaml\) is deprecated but has no deprecation date; add deprecatedAt\["contracts\/openapi\/process\/returns\.v1\.yaml"\]/,
    );
    const configured = createVersionStatusPolicy({ routes, config: { deprecatedAt: { 'contracts/openapi/process/returns.v1.yaml': '2027-01-31' } } });
    expect(configured.forRoute({ ...route, deprecated: true, sunset: '2028-01-31' })).toBeDefined();
  });

  it('refuses a sunset before the deprecation date, and an impossible sunset date', () => {
    const route = routes.find((r) => r.path === '/v1/orders' && r.method === 'GET');
    if (!route) throw new Error('GET /v1/orders is missing from the manifest');
    const policy = createVersionStatusPolicy({ routes });
    expect(() => policy.forRoute({ ...route, sunset: '2026-01-01' })).toThrow(/sunsets \(2026-01-01\) before it was deprecated \(2026-11-23\)/);
    expect(() => policy.forRoute({ ...route, sunset: '2027-02-30' })).toThrow(/x-sunset 2027-02-30, which is not a valid date/);
  });

  it('sends no Link when there is no successor, and takes a custom successor rule', async () => {
    const now = () => BEFORE_SUNSET;
    for (const [successorFor, link] of [
      [() => undefined, undefined],
      [() => '/v3/orders', '</v3/orders>; rel="successor-version"'],
    ] as const) {
      const app = buildApp({ logger: createLogger({ level: 'silent' }), readiness: {}, isStarted: () => true });
      registerRoutes(app, buildRouteTable(routes), { policies: [createVersionStatusPolicy({ successorFor, now })], handlerFor: () => ok });
      await app.ready();
      const res = await app.inject({ method: 'GET', url: '/v1/orders' });
      expect([res.headers.deprecation, res.headers.link]).toEqual([DEPRECATION, link]);
      await app.close();
    }
  });
});

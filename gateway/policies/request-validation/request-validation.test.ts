import type { FastifyInstance } from 'fastify';
import { routes } from '../../../generated/routes';
import { createLogger } from '../../../platform/logger';
import { buildApp } from '../../../platform/server/app';
import { registerRoutes } from '../../routing/register-routes';
import { buildRouteTable } from '../../routing/route-table';
import { createRequestValidation } from '.';

const validOrder = {
  channel: 'web',
  channelOrderId: 'WEB-58213',
  currency: 'EUR',
  customer: { name: 'Grace Hopper', email: 'grace@example.com' },
  lines: [{ sku: 'SKU-0003', quantity: 1, unitPrice: { currency: 'EUR', amount: 3099 }, fulfilment: { method: 'ship' } }],
  tenders: [{ type: 'credit_card', amount: { currency: 'EUR', amount: 3099 } }],
};

describe('the request-validation policy', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = buildApp({ logger: createLogger({ level: 'silent' }), readiness: {}, isStarted: () => true });
    // The upstream echoes what it received, so tests can see coercion and defaults.
    registerRoutes(app, buildRouteTable(routes), {
      policies: [createRequestValidation()],
      handlerFor: () => async (req) => ({ query: req.query, body: req.body }),
    });
    await app.ready();
  });
  afterAll(() => app.close());

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/v1/orders', headers: { 'idempotency-key': 'k-1', 'content-type': 'application/json', ...headers }, payload: typeof body === 'string' ? body : JSON.stringify(body) });

  it('lets a valid request through to the upstream', async () => {
    const res = await post(validOrder);
    expect(res.statusCode).toBe(200);
    expect(res.json().body).toEqual(validOrder);
  });

  it('rejects an invalid body with 400 problem+json naming the first offending location', async () => {
    const res = await post({ ...validOrder, lines: [{ ...validOrder.lines[0], quantity: 0 }] });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(body).toEqual(expect.objectContaining({ type: 'https://concord.dev/problems/validation', status: 400, correlationId: expect.any(String) }));
    expect(body.errors).toEqual([{ pointer: '/lines/0/quantity', message: 'must be >= 1' }]);
    expect((await post({ ...validOrder, channel: 'fax' })).json().errors).toEqual([{ pointer: '/channel', message: 'must be one of web, marketplace, pos, callcenter, partner' }]);
    expect((await post({ ...validOrder, surprise: true })).json().errors).toEqual([{ pointer: '/surprise', message: 'is not allowed' }]);
  });

  it('stops at the first error, so a body of thousands of bad items costs one error, not thousands', async () => {
    // With every error collected, ajv's shared-ref code copies its growing error list at each step: quadratic.
    const res = await post({ ...validOrder, lines: Array.from({ length: 10_000 }, () => ({})) });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toHaveLength(1);
  });

  it('names a missing required property by its pointer', async () => {
    const { channelOrderId: _omit, ...withoutId } = validOrder;
    const res = await post(withoutId);
    expect(res.json().errors).toEqual(expect.arrayContaining([{ pointer: '/channelOrderId', message: 'is required' }]));
  });

  it('leaves Idempotency-Key to the idempotency policy, which answers idempotency-key-missing', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/orders', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(validOrder) });
    expect(res.statusCode).toBe(200); // no idempotency policy in this app
  });

  it('splits comma-separated array parameters (style form, explode false) before validating', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/availability?skus=SKU-0001,SKU-0002' });
    expect(res.statusCode).toBe(200);
    expect(res.json().query.skus).toEqual(['SKU-0001', 'SKU-0002']);
  });

  it('coerces and defaults query parameters, and rejects out-of-range ones as #/query/<name>', async () => {
    const ok = await app.inject({ method: 'GET', url: '/v1/orders?limit=5' });
    expect(ok.json().query).toEqual(expect.objectContaining({ limit: 5 }));
    const defaulted = await app.inject({ method: 'GET', url: '/v1/orders' });
    expect(defaulted.json().query).toEqual(expect.objectContaining({ limit: 20 }));
    const bad = await app.inject({ method: 'GET', url: '/v1/orders?limit=500&status=lost' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toHaveLength(1);
    expect(bad.json().errors[0].pointer).toMatch(/^#\/query\/(limit|status)$/);
  });

  it('validates path parameters', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/orders/not-an-order-id' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].pointer).toBe('#/path/orderId');
  });

  it('answers malformed JSON with 400 malformed-json', async () => {
    const res = await post('{"channel": "web",');
    expect(res.statusCode).toBe(400);
    expect(res.json().type).toBe('https://concord.dev/problems/malformed-json');
  });

  it('answers an unsupported media type with 415', async () => {
    const res = await post('channel=web', { 'content-type': 'text/plain' });
    expect(res.statusCode).toBe(415);
    expect(res.json().type).toBe('https://concord.dev/problems/unsupported-media-type');
  });

  it('refuses JSON nested deeper than the limit before validating it', async () => {
    const deep = '{"a":'.repeat(40) + '1' + '}'.repeat(40);
    const res = await post(deep);
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toMatch(/nested deeper than 32 levels/);
  });

  it('refuses a body over 1 MB with 413', async () => {
    const res = await post({ ...validOrder, customer: { ...validOrder.customer, name: 'x'.repeat(1024 * 1024) } });
    expect(res.statusCode).toBe(413);
    expect(res.json().type).toBe('https://concord.dev/problems/payload-too-large');
  });

  it('never leaks a stack trace', async () => {
    const res = await post('{"channel": ');
    expect(res.body).not.toMatch(/\bat .+\(.+:\d+:\d+\)/);
  });
});

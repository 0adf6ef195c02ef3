import type { FastifyInstance } from 'fastify';
import { routes } from '../../generated/routes';
import { createLogger } from '../../platform/logger';
import { buildApp } from '../../platform/server/app';
import { createGatewayMetrics } from '../metrics/gateway-metrics';
import { registerRoutes } from '../routing/register-routes';
import { buildRouteTable } from '../routing/route-table';
import { createUpstreamGuards } from './guard';
import type { ServiceHandler } from './in-process';
import { inProcessUpstream } from './in-process';

// The in-process upstream call has the same timeout and circuit breaker as a call over HTTP.

let t = 0;
async function appWith(getPlan: ServiceHandler, timeoutMs = 10_000) {
  const metrics = createGatewayMetrics();
  const app: FastifyInstance = buildApp({ logger: createLogger({ level: 'silent' }), readiness: {}, isStarted: () => true });
  registerRoutes(app, buildRouteTable(routes), {
    policies: [],
    handlerFor: inProcessUpstream(() => ({ 'admin.v1': { getPlan } }), createUpstreamGuards({ timeoutMs, metrics, now: () => t, breaker: { failureThreshold: 3, openMs: 5_000 } })),
  });
  await app.ready();
  return { app, metrics };
}
const get = (app: FastifyInstance) => app.inject({ method: 'GET', url: '/admin/v1/plans/sandbox' });

beforeEach(() => {
  t = 1_000;
});

test('a handler slower than the timeout is answered 504 upstream-timeout', async () => {
  const { app } = await appWith(() => new Promise((resolve) => setTimeout(() => resolve({ status: 200, body: {} }), 200)), 20);
  const res = await get(app);
  expect(res.statusCode).toBe(504);
  expect(res.json()).toMatchObject({ type: 'https://concord.dev/problems/upstream-timeout' });
  await app.close();
});

test('failures open the service’s breaker: 503 with Retry-After at once, until a trial call succeeds', async () => {
  let fail = true;
  let calls = 0;
  const { app, metrics } = await appWith(async () => {
    calls += 1;
    if (fail) throw new Error('database is down');
    return { status: 200, body: { name: 'sandbox', ratePerSecond: 10, burst: 20 } };
  });
  for (let i = 0; i < 3; i++) expect((await get(app)).statusCode).toBe(500);
  const open = await get(app);
  expect(open.statusCode).toBe(503);
  expect(open.headers['retry-after']).toBe('5');
  expect(open.json()).toMatchObject({ type: 'https://concord.dev/problems/upstream-unavailable' });
  expect(calls).toBe(3);
  expect(await metrics.registry.getSingleMetricAsString('concord_circuit_breaker_state')).toMatch(/target="upstream:admin"} 2/);
  t += 5_000;
  fail = false;
  expect((await get(app)).statusCode).toBe(200);
  expect(await metrics.registry.getSingleMetricAsString('concord_circuit_breaker_state')).toMatch(/target="upstream:admin"} 0/);
  await app.close();
});

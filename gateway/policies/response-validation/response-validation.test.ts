import type { FastifyInstance } from 'fastify';
import { routes } from '../../../generated/routes';
import { createLogger } from '../../../platform/logger';
import { buildApp } from '../../../platform/server/app';
import { registerRoutes } from '../../routing/register-routes';
import { buildRouteTable } from '../../routing/route-table';
import { inProcessUpstream } from '../../upstream/in-process';
import { createUpstreamGuards } from '../../upstream/guard';
import { createGatewayMetrics } from '../../metrics/gateway-metrics';

const guards = () => createUpstreamGuards({ timeoutMs: 10_000, metrics: createGatewayMetrics() });
import type { ResponseValidationMode } from '.';
import { createResponseValidation } from '.';

// getPlan's contract: 200 with a Plan { name, ratePerSecond, burst, … }, 404 problem+json.
async function appWith(mode: ResponseValidationMode, body: unknown, status = 200): Promise<FastifyInstance> {
  const app = buildApp({ logger: createLogger({ level: 'silent' }), readiness: {}, isStarted: () => true });
  registerRoutes(app, buildRouteTable(routes), {
    policies: [createResponseValidation(mode)],
    handlerFor: inProcessUpstream(() => ({ 'admin.v1': { getPlan: async () => ({ status, body }) } }), guards()),
  });
  await app.ready();
  return app;
}

const goodPlan = { name: 'sandbox', ratePerSecond: 10, burst: 20 };
const badPlan = { name: 'sandbox', ratePerSecond: 'ten' };

describe('the response-validation policy', () => {
  it('enforce: a response outside the contract becomes 502 problem+json naming the violation', async () => {
    const app = await appWith('enforce', badPlan);
    const res = await app.inject({ method: 'GET', url: '/admin/v1/plans/sandbox' });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toEqual(expect.objectContaining({ type: 'https://concord.dev/problems/invalid-upstream-response', detail: expect.stringMatching(/ratePerSecond|burst/) }));
    await app.close();
  });

  it('enforce: a conforming response passes untouched', async () => {
    const app = await appWith('enforce', goodPlan);
    const res = await app.inject({ method: 'GET', url: '/admin/v1/plans/sandbox' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(goodPlan);
    await app.close();
  });

  it('enforce: a status the contract does not declare is a violation', async () => {
    const app = await appWith('enforce', goodPlan, 202);
    expect((await app.inject({ method: 'GET', url: '/admin/v1/plans/sandbox' })).statusCode).toBe(502);
    await app.close();
  });

  it('log: the violation is reported but the response goes out; off: nothing is checked', async () => {
    for (const mode of ['log', 'off'] as const) {
      const app = await appWith(mode, badPlan);
      const res = await app.inject({ method: 'GET', url: '/admin/v1/plans/sandbox' });
      expect(`${mode}: ${res.statusCode}`).toBe(`${mode}: 200`);
      await app.close();
    }
    expect(createResponseValidation('off').forRoute(routes[0]!)).toBeUndefined();
  });

  it('leaves the gateway’s own answers (501 for an unserved operation) alone', async () => {
    const app = await appWith('enforce', goodPlan);
    expect((await app.inject({ method: 'GET', url: '/admin/v1/plans' })).statusCode).toBe(501);
    await app.close();
  });
});

describe('trace context through the in-process upstream', () => {
  it('passes the traceparent to the handler, continuing the caller’s trace', async () => {
    let seen: string | undefined;
    const app = buildApp({ logger: createLogger({ level: 'silent' }), readiness: {}, isStarted: () => true });
    registerRoutes(app, buildRouteTable(routes), {
      policies: [],
      handlerFor: inProcessUpstream(() => ({ 'admin.v1': { getPlan: async (_req, caller) => ((seen = caller.traceparent), { status: 200, body: goodPlan }) } }), guards()),
    });
    await app.ready();
    await app.inject({ method: 'GET', url: '/admin/v1/plans/sandbox', headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
    expect(seen).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    await app.close();
  });
});

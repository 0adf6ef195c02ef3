import type { FastifyInstance } from 'fastify';
import { Counter, Registry } from 'prom-client';
import { createLogger } from '../logger';
import { loadConfig } from '../config';
import { buildApp } from './app';
import type { MetricsAccess } from './metrics-endpoint';
import { registerMetricsRoute, startMetricsListener } from './metrics-endpoint';

const TOKEN = 'scrape-token-0123456789';

function registry(): Registry {
  const r = new Registry();
  new Counter({ name: 'concord_test_requests_total', help: 'test', labelNames: ['client_id'], registers: [r] }).inc({ client_id: 'app_secretive' });
  return r;
}

async function appWith(access: MetricsAccess): Promise<FastifyInstance> {
  const app = buildApp({ logger: createLogger({ level: 'silent' }), readiness: {}, isStarted: () => true });
  registerMetricsRoute(app, registry(), access);
  await app.ready();
  return app;
}

describe('/metrics access (ADR 0011)', () => {
  it('by default serves loopback callers only', async () => {
    const app = await appWith({ host: '127.0.0.1' });
    const local = await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' });
    expect(local.statusCode).toBe(200);
    expect(local.body).toContain('app_secretive');
    const remote = await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9' });
    expect(remote.statusCode).toBe(403);
    expect(remote.body).not.toContain('app_secretive');
    await app.close();
  });

  it('with a scrape credential demands it from everyone', async () => {
    const app = await appWith({ host: '127.0.0.1', token: TOKEN });
    expect((await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' })).statusCode).toBe(401);
    const wrong = await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['www-authenticate']).toContain('Bearer');
    const right = await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(right.statusCode).toBe(200);
    expect(right.body).toContain('concord_test_requests_total');
    await app.close();
  });

  it('with its own port serves it there only (and the credential there, when set)', async () => {
    const access = { host: '127.0.0.1', port: 0, token: TOKEN };
    const app = await appWith(access);
    expect((await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(404);
    const listener = (await startMetricsListener(registry(), access))!;
    try {
      expect(listener.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect((await fetch(listener.url)).status).toBe(401);
      const ok = await fetch(listener.url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('app_secretive');
      expect((await fetch(listener.url.replace('/metrics', '/other'))).status).toBe(404);
    } finally {
      await listener.close();
      await app.close();
    }
  });

  it('reads CONCORD_METRICS_* and refuses a short token', () => {
    expect(loadConfig({}).metrics).toEqual({ host: '127.0.0.1' });
    expect(loadConfig({ CONCORD_METRICS_PORT: '9464', CONCORD_METRICS_HOST: '0.0.0.0', CONCORD_METRICS_TOKEN: TOKEN }).metrics).toEqual({ host: '0.0.0.0', port: 9464, token: TOKEN });
    expect(() => loadConfig({ CONCORD_METRICS_TOKEN: 'short' })).toThrow(/CONCORD_METRICS_TOKEN/);
  });
});

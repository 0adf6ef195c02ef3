import { createLogger } from '../logger';
import { buildApp } from './app';
import { createReadinessRegistry } from './readiness';

describe('/readyz', () => {
  const appWith = (setup: (r: ReturnType<typeof createReadinessRegistry>) => void) => {
    const readiness = createReadinessRegistry({}, { timeoutMs: 100 });
    setup(readiness);
    return buildApp({ logger: createLogger({ level: 'silent' }), readiness, isStarted: () => true });
  };

  it('reports each dependency as ok, degraded or down and stays ready while only non-essential ones fail', async () => {
    const app = appWith((r) => {
      r.add('database', async () => {});
      r.add('nats', async () => 'degraded', { essential: false });
      r.addGroup(() => ({ 'upstream:erp': 'down', 'upstream:wms': 'ok' }));
    });
    const res = await app.inject('/readyz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'degraded', checks: { database: 'ok', nats: 'degraded', 'upstream:erp': 'down', 'upstream:wms': 'ok' } });
    await app.close();
  });

  it('answers 503 naming the dependency when an essential one is down (failing or not answering)', async () => {
    const app = appWith((r) => {
      r.add('database', async () => {
        throw new Error('connection refused');
      });
      r.add('redis', () => new Promise(() => {}));
      r.add('nats', async () => 'ok', { essential: false });
    });
    const res = await app.inject('/readyz');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ type: 'https://concord.dev/problems/not-ready', checks: { database: 'down', redis: 'down', nats: 'ok' } });
    await app.close();
  });

  it('is ready when everything is ok, and refuses a second check under the same name', async () => {
    const app = appWith((r) => {
      r.add('database', async () => 'ok');
      expect(() => r.add('database', async () => {})).toThrow(/already registered/);
    });
    expect((await app.inject('/readyz')).json()).toEqual({ status: 'ready', checks: { database: 'ok' } });
    await app.close();
  });
});

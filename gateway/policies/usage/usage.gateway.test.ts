import { loadConfig } from '../../../platform/config';
import type { Config } from '../../../platform/config';
import type { Database } from '../../../platform/db/database';
import { openDatabase } from '../../../platform/db/open';
import { createLogger } from '../../../platform/logger';
import type { RunningPlatform } from '../../../platform/server/start';
import { startPlatform } from '../../../platform/server/start';
import { REPO_ROOT, makeTempDir } from '../../../platform/testing/temp-dir';
import { SERVICE_CLIENT_ID } from '../../apps/service-identity';
import type { UsageCounts, UsageDay } from './index';
import { usageFor, utcDay } from './index';

// The usage policy end to end on the embedded default: real HTTP through the whole pipeline, counted in memory,
// flushed when the platform shuts down, read back from the database it wrote to.

let dir: { path: string; remove(): Promise<void> };
let config: Config;
let platform: RunningPlatform | undefined;
let db: Database | undefined;

beforeAll(async () => {
  dir = await makeTempDir();
  // createOrder costs 5 points of a 60-point window (60 s): the twelfth call at the latest is refused.
  config = loadConfig({ PORT: '0', CONCORD_DATA_DIR: dir.path, CONCORD_PLANS: '{"sandbox":{"ratePerSecond":1,"burst":60}}' }, { root: REPO_ROOT });
});
afterAll(async () => {
  await platform?.close();
  await db?.close();
  await dir?.remove();
});

type Creds = { client_id: string; client_secret: string };

describe('usage per app through a running gateway', () => {
  test('counts 200, 403, validation 400 and 429 per app and day; 401s (no authenticated app) are not counted', async () => {
    platform = await startPlatform(config, createLogger({ level: 'silent' }), undefined, { background: false });
    const { admin, sandbox } = platform.bootstrap!;
    const url = (path: string) => `${platform!.url}${path}`;
    const token = async (creds: Creds, scope?: string) => {
      const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: creds.client_id, client_secret: creds.client_secret, ...(scope ? { scope } : {}) });
      const res = await fetch(url('/oauth/token'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      expect(res.status).toBe(200);
      return ((await res.json()) as { access_token: string }).access_token;
    };
    const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
    const dayBefore = utcDay(Date.now());

    // What each app was answered, tallied from the responses themselves.
    const seen: Record<string, number[]> = { [sandbox.client_id]: [], [admin.client_id]: [] };
    const call = async (clientId: string | undefined, path: string, init: RequestInit = {}) => {
      const res = await fetch(url(path), init);
      await res.arrayBuffer();
      if (clientId) seen[clientId]!.push(res.status);
      return res.status;
    };

    const sandboxToken = await token(sandbox);
    const readOnly = await token(sandbox, 'orders:read');
    const postOrder = (t: string) => ({ method: 'POST', headers: { ...bearer(t), 'content-type': 'application/json' }, body: '{}' });

    expect(await call(sandbox.client_id, '/v1/orders', { headers: bearer(sandboxToken) })).toBe(200);
    // Authenticated, then refused by the scope check: the app is known, so it counts as an error.
    expect(await call(sandbox.client_id, '/v1/orders', postOrder(readOnly))).toBe(403);
    // A token of the sandbox app, tampered with, and no credentials at all: 401, with no authenticated app.
    const [h, p, s] = sandboxToken.split('.');
    expect(await call(undefined, '/v1/orders', { headers: bearer(`${h}.${p}.${s!.slice(0, -4)}AAAA`) })).toBe(401);
    expect(await call(undefined, '/v1/orders')).toBe(401);
    // Admitted by the rate limit, refused by request validation (400) until the budget runs out (429).
    let last = 0;
    for (let i = 0; i < 15 && last !== 429; i++) {
      last = await call(sandbox.client_id, '/v1/orders', postOrder(sandboxToken));
      expect([400, 429]).toContain(last);
    }
    expect(last).toBe(429);

    // Another app, on its own budget and its own counts.
    const adminToken = await token(admin);
    expect(await call(admin.client_id, '/admin/v1/plans', { headers: bearer(adminToken) })).toBe(200);
    expect(await call(admin.client_id, '/admin/v1/plans', { headers: bearer(adminToken) })).toBe(200);
    expect(await call(admin.client_id, '/admin/v1/plans/no-such-plan', { headers: bearer(adminToken) })).toBe(404);
    const dayAfter = utcDay(Date.now());

    // Closing flushes what the 5 s loop had not written yet; the counts are then read from the same database.
    await platform.close();
    platform = undefined;
    db = await openDatabase(config);
    const rows = await usageFor(db, [sandbox.client_id, admin.client_id], dayBefore, dayAfter);

    const expected = (statuses: number[]): UsageCounts => ({
      requests: statuses.length,
      errors: statuses.filter((x) => x >= 400 && x !== 429).length,
      throttled: statuses.filter((x) => x === 429).length,
    });
    const total = (clientId: string): UsageCounts =>
      rows
        .filter((r) => r.clientId === clientId)
        .reduce((t, r) => ({ requests: t.requests + r.requests, errors: t.errors + r.errors, throttled: t.throttled + r.throttled }), { requests: 0, errors: 0, throttled: 0 });
    expect(seen[sandbox.client_id]).toEqual(expect.arrayContaining([200, 403, 400, 429]));
    expect(total(sandbox.client_id)).toEqual(expected(seen[sandbox.client_id]!));
    expect(total(sandbox.client_id).throttled).toBe(1);
    expect(total(admin.client_id)).toEqual({ requests: 3, errors: 1, throttled: 0 });
    // One row per app and day (two days only if the test ran across midnight, UTC).
    for (const r of rows) expect([dayBefore, dayAfter]).toContain(r.day);
    if (dayBefore === dayAfter) {
      expect(rows.map((r: UsageDay) => [r.clientId, r.day])).toEqual(
        [
          [admin.client_id, dayBefore],
          [sandbox.client_id, dayBefore],
        ].sort(),
      );
    }
    // Nothing else was counted, neither the 401s nor the public token endpoint; only Concord's own service
    // identity, an internal app that calls the sandbox systems through the gateway at start-up, may appear too.
    const { rows: apps } = await db.query<{ client_id: string }>('SELECT DISTINCT client_id FROM concord.gateway_usage_daily');
    expect(apps.map((a) => a.client_id).filter((id) => id !== SERVICE_CLIENT_ID).sort()).toEqual([admin.client_id, sandbox.client_id].sort());
  });
});

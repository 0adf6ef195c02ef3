import type { Database } from '../../../platform/db/database';
import { migrate } from '../../../platform/db/migrate';
import { describeOnBothDatabases } from '../../../platform/testing/databases';
import { addUsage, createUsageRecorder, usageFor, usageMigrations } from './index';

// The same suite on PGlite and on the real PostgreSQL (skipped, with a warning, only where PostgreSQL is absent).
describeOnBothDatabases('usage store', (open) => {
  let db: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ db, cleanup } = await open());
    expect(await migrate(db, usageMigrations)).toEqual(['gateway-usage/0001_daily']);
  });
  afterAll(async () => {
    await db?.close();
    await cleanup?.();
  });
  beforeEach(async () => {
    await db.query('DELETE FROM concord.gateway_usage_daily');
  });

  test('upserts add to the stored counts, many rows in one statement', async () => {
    await addUsage(db, [
      { clientId: 'app_a', day: '2026-03-01', requests: 3, errors: 1, throttled: 1 },
      { clientId: 'app_b', day: '2026-03-01', requests: 1, errors: 0, throttled: 0 },
    ]);
    await addUsage(db, [
      { clientId: 'app_a', day: '2026-03-01', requests: 2, errors: 2, throttled: 0 },
      { clientId: 'app_a', day: '2026-03-02', requests: 5, errors: 0, throttled: 5 },
    ]);
    await addUsage(db, []);
    expect(await usageFor(db, ['app_a', 'app_b'], '2026-03-01', '2026-03-02')).toEqual([
      { clientId: 'app_a', day: '2026-03-01', requests: 5, errors: 3, throttled: 1 },
      { clientId: 'app_a', day: '2026-03-02', requests: 5, errors: 0, throttled: 5 },
      { clientId: 'app_b', day: '2026-03-01', requests: 1, errors: 0, throttled: 0 },
    ]);
  });

  test('a large batch is still one statement (no bind-parameter limit)', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ clientId: `app_${i}`, day: '2026-03-01', requests: 1, errors: 0, throttled: 0 }));
    await addUsage(db, rows);
    const { rows: count } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM concord.gateway_usage_daily');
    expect(count[0]?.n).toBe(20_000);
  });

  test('the reader selects apps and an inclusive day range; other apps and days stay out', async () => {
    await addUsage(db, [
      { clientId: 'app_a', day: '2026-02-28', requests: 1, errors: 0, throttled: 0 },
      { clientId: 'app_a', day: '2026-03-01', requests: 2, errors: 0, throttled: 0 },
      { clientId: 'app_a', day: '2026-03-31', requests: 3, errors: 0, throttled: 0 },
      { clientId: 'app_a', day: '2026-04-01', requests: 4, errors: 0, throttled: 0 },
      { clientId: 'app_b', day: '2026-03-15', requests: 9, errors: 0, throttled: 0 },
    ]);
    expect((await usageFor(db, ['app_a'], '2026-03-01', '2026-03-31')).map((r) => [r.day, r.requests])).toEqual([
      ['2026-03-01', 2],
      ['2026-03-31', 3],
    ]);
    expect(await usageFor(db, [], '2026-01-01', '2026-12-31')).toEqual([]);
    expect(await usageFor(db, ['app_nobody'], '2026-01-01', '2026-12-31')).toEqual([]);
    expect(await usageFor(db, ['app_a'], '2026-04-02', '2026-03-01')).toEqual([]);
    await expect(usageFor(db, ['app_a'], '2026-3-1', '2026-03-31')).rejects.toThrow(/fromDay must be a day written YYYY-MM-DD/);
    await expect(usageFor(db, ['app_a'], '2026-03-01', '2026-02-30')).rejects.toThrow(/toDay/);
  });

  test('the recorder flushes into the table; a reader that flushes first sees the last requests', async () => {
    let now = Date.parse('2026-03-01T23:59:59Z');
    const recorder = createUsageRecorder({ db, now: () => now });
    recorder.record('app_a', 200);
    recorder.record('app_a', 400);
    recorder.record('app_b', 429);
    await recorder.flush();
    now += 2_000; // the next UTC day
    recorder.record('app_a', 200);
    recorder.record('app_a', 429);
    await recorder.flush();
    expect(await usageFor(db, ['app_a', 'app_b'], '2026-03-01', '2026-03-02')).toEqual([
      { clientId: 'app_a', day: '2026-03-01', requests: 2, errors: 1, throttled: 0 },
      { clientId: 'app_a', day: '2026-03-02', requests: 2, errors: 0, throttled: 1 },
      { clientId: 'app_b', day: '2026-03-01', requests: 1, errors: 0, throttled: 1 },
    ]);
  });

  test('two recorders (two gateway instances) on one table add up, flushing concurrently', async () => {
    const now = () => Date.parse('2026-03-01T12:00:00Z');
    const recorders = [createUsageRecorder({ db, now }), createUsageRecorder({ db, now })];
    for (let round = 0; round < 5; round++) {
      for (const r of recorders) {
        r.record('app_a', 200);
        r.record('app_a', 503);
      }
      await Promise.all(recorders.map((r) => r.flush()));
    }
    expect(await usageFor(db, ['app_a'], '2026-03-01', '2026-03-01')).toEqual([
      { clientId: 'app_a', day: '2026-03-01', requests: 20, errors: 10, throttled: 0 },
    ]);
  });
});

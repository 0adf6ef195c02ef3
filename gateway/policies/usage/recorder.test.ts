import type { Queryable } from '../../../platform/db/database';
import type { UsageDay } from './index';
import { createUsageRecorder, utcDay } from './index';

/** A database that records each upsert's rows (rebuilt from the five arrays) and can be told to fail or stall. */
function fakeDb() {
  const writes: UsageDay[][] = [];
  let failures = 0;
  let gate: Promise<void> | undefined;
  const db: Queryable = {
    async query<T>(sql: string, params?: readonly unknown[]) {
      expect(sql).toMatch(/^INSERT INTO concord\.gateway_usage_daily/);
      if (gate) await gate;
      if (failures > 0) {
        failures -= 1;
        throw new Error('database down');
      }
      const [clientIds, days, requests, errors, throttled] = params as [string[], string[], number[], number[], number[]];
      writes.push(clientIds.map((clientId, i) => ({ clientId, day: days[i]!, requests: requests[i]!, errors: errors[i]!, throttled: throttled[i]! })));
      return { rows: [] as T[] };
    },
  };
  return {
    db,
    writes,
    failNext: (n = 1) => void (failures = n),
    /** Holds every write until the returned function is called. */
    stall: () => {
      let release!: () => void;
      gate = new Promise<void>((r) => (release = r));
      return () => {
        gate = undefined;
        release();
      };
    },
    /** Everything written so far, summed per (clientId, day). */
    totals(): Record<string, Omit<UsageDay, 'clientId' | 'day'>> {
      const out: Record<string, Omit<UsageDay, 'clientId' | 'day'>> = {};
      for (const row of writes.flat()) {
        const t = (out[`${row.clientId} ${row.day}`] ??= { requests: 0, errors: 0, throttled: 0 });
        t.requests += row.requests;
        t.errors += row.errors;
        t.throttled += row.throttled;
      }
      return out;
    },
  };
}

const T0 = Date.parse('2026-03-01T12:00:00Z');

describe('usage recorder: counting', () => {
  test('counts requests, errors (>= 400 but not 429) and throttled (429) per app and day', async () => {
    const fake = fakeDb();
    const recorder = createUsageRecorder({ db: fake.db, now: () => T0 });
    for (const status of [200, 201, 204, 301, 304, 400, 401, 403, 404, 422, 429, 429, 500, 502, 503]) recorder.record('app_a', status);
    recorder.record('app_b', 200);
    recorder.record('app_b', 429);
    recorder.record('', 500); // no app: not counted
    expect(fake.writes).toEqual([]); // no I/O until a flush
    await recorder.flush();
    expect(fake.writes).toHaveLength(1); // one statement for every (app, day)
    expect(fake.totals()).toEqual({
      'app_a 2026-03-01': { requests: 15, errors: 8, throttled: 2 },
      'app_b 2026-03-01': { requests: 2, errors: 0, throttled: 1 },
    });
  });

  test('a flush with nothing recorded writes nothing; a second flush writes only what came after the first', async () => {
    const fake = fakeDb();
    const recorder = createUsageRecorder({ db: fake.db, now: () => T0 });
    await recorder.flush();
    expect(fake.writes).toEqual([]);
    recorder.record('app_a', 200);
    await recorder.flush();
    recorder.record('app_a', 404);
    await recorder.flush();
    await recorder.flush();
    expect(fake.writes).toEqual([
      [{ clientId: 'app_a', day: '2026-03-01', requests: 1, errors: 0, throttled: 0 }],
      [{ clientId: 'app_a', day: '2026-03-01', requests: 1, errors: 1, throttled: 0 }],
    ]);
  });

  test('the day rolls over at UTC midnight, with the clock the recorder is given', async () => {
    const fake = fakeDb();
    let now = Date.parse('2026-03-01T23:59:59.998Z');
    const recorder = createUsageRecorder({ db: fake.db, now: () => now });
    recorder.record('app_a', 200);
    now += 1; // 23:59:59.999
    recorder.record('app_a', 500);
    now += 1; // 00:00:00.000, the next day
    recorder.record('app_a', 429);
    now = Date.parse('2026-03-02T23:59:59.999Z');
    recorder.record('app_a', 200);
    now = Date.parse('2026-03-03T00:00:00.000Z');
    recorder.record('app_a', 200);
    now = Date.parse('2026-03-01T10:00:00Z'); // the system clock set back: the day follows it
    recorder.record('app_a', 200);
    await recorder.flush();
    expect(fake.totals()).toEqual({
      'app_a 2026-03-01': { requests: 3, errors: 1, throttled: 0 },
      'app_a 2026-03-02': { requests: 2, errors: 0, throttled: 1 },
      'app_a 2026-03-03': { requests: 1, errors: 0, throttled: 0 },
    });
  });

  test('utcDay is the UTC calendar day, whatever the local time zone', () => {
    expect(utcDay(Date.parse('2026-03-01T00:00:00Z'))).toBe('2026-03-01');
    expect(utcDay(Date.parse('2026-02-28T23:30:00-05:00'))).toBe('2026-03-01');
    expect(utcDay(0)).toBe('1970-01-01');
  });
});

describe('usage recorder: failed writes', () => {
  test('a failed write puts its counts back, merged with what was counted meanwhile: nothing lost, nothing twice', async () => {
    const fake = fakeDb();
    const recorder = createUsageRecorder({ db: fake.db, now: () => T0 });
    recorder.record('app_a', 200);
    recorder.record('app_a', 429);
    recorder.record('app_b', 500);
    fake.failNext();
    const release = fake.stall();
    const failing = recorder.flush();
    // Counted while the (doomed) write is running: goes into the fresh map.
    recorder.record('app_a', 400);
    recorder.record('app_c', 200);
    release();
    await expect(failing).rejects.toThrow('database down');
    expect(fake.writes).toEqual([]);
    expect(recorder.stats().pendingKeys).toBe(3);

    await recorder.flush();
    await recorder.flush();
    expect(fake.writes).toHaveLength(1);
    expect(fake.totals()).toEqual({
      'app_a 2026-03-01': { requests: 3, errors: 1, throttled: 1 },
      'app_b 2026-03-01': { requests: 1, errors: 1, throttled: 0 },
      'app_c 2026-03-01': { requests: 1, errors: 0, throttled: 0 },
    });
  });

  test('flushes never overlap: a flush during a running one waits, then writes what that one did not take', async () => {
    const fake = fakeDb();
    const recorder = createUsageRecorder({ db: fake.db, now: () => T0 });
    recorder.record('app_a', 200);
    const release = fake.stall();
    const first = recorder.flush();
    recorder.record('app_a', 200);
    const second = recorder.flush();
    release();
    await Promise.all([first, second]);
    expect(fake.writes).toEqual([
      [{ clientId: 'app_a', day: '2026-03-01', requests: 1, errors: 0, throttled: 0 }],
      [{ clientId: 'app_a', day: '2026-03-01', requests: 1, errors: 0, throttled: 0 }],
    ]);
  });

  test('stop() flushes what is left; its failure is reported, not thrown', async () => {
    const fake = fakeDb();
    const errors: unknown[] = [];
    const recorder = createUsageRecorder({ db: fake.db, now: () => T0, onError: (err) => errors.push(err) });
    recorder.start();
    recorder.record('app_a', 200);
    await recorder.stop();
    expect(fake.totals()).toEqual({ 'app_a 2026-03-01': { requests: 1, errors: 0, throttled: 0 } });

    recorder.record('app_a', 200);
    fake.failNext();
    await expect(recorder.stop()).resolves.toBeUndefined();
    expect(errors).toEqual([expect.objectContaining({ message: 'database down' })]);
  });
});

describe('usage recorder: bounded memory', () => {
  test('a new key beyond maxKeys flushes the full map at once, and counts into the fresh one', async () => {
    const fake = fakeDb();
    const recorder = createUsageRecorder({ db: fake.db, now: () => T0, maxKeys: 3 });
    for (const app of ['app_1', 'app_2', 'app_3']) recorder.record(app, 200);
    recorder.record('app_1', 200); // an existing key never triggers a flush
    expect(recorder.stats().pendingKeys).toBe(3);
    recorder.record('app_4', 200);
    expect(recorder.stats().pendingKeys).toBe(1); // swapped out synchronously: no unbounded growth
    await recorder.flush();
    expect(fake.writes.map((w) => w.map((r) => r.clientId))).toEqual([['app_1', 'app_2', 'app_3'], ['app_4']]);
    expect(fake.totals()['app_1 2026-03-01']).toEqual({ requests: 2, errors: 0, throttled: 0 });
    expect(recorder.stats().droppedRequests).toBe(0);
  });

  test('while that flush is still running (database slow or down), new keys are dropped and reported; known keys still count', async () => {
    const fake = fakeDb();
    const dropped: number[] = [];
    const recorder = createUsageRecorder({ db: fake.db, now: () => T0, maxKeys: 2, onDropped: (n) => dropped.push(n) });
    const release = fake.stall();
    recorder.record('app_1', 200);
    recorder.record('app_2', 200);
    recorder.record('app_3', 200); // flushes app_1 and app_2 (stalled)
    recorder.record('app_4', 200); // the fresh map: app_3, app_4
    recorder.record('app_5', 200); // full, and a flush is running: dropped
    recorder.record('app_4', 500); // known key: counted
    recorder.record('app_6', 200); // dropped
    expect(recorder.stats()).toEqual({ pendingKeys: 2, droppedRequests: 2 });
    expect(dropped).toEqual([]); // reported after the flush, once, not per request
    release();
    await recorder.flush();
    expect(dropped).toEqual([2]);
    expect(fake.totals()).toEqual({
      'app_1 2026-03-01': { requests: 1, errors: 0, throttled: 0 },
      'app_2 2026-03-01': { requests: 1, errors: 0, throttled: 0 },
      'app_3 2026-03-01': { requests: 1, errors: 0, throttled: 0 },
      'app_4 2026-03-01': { requests: 2, errors: 1, throttled: 0 },
    });
  });

  test('a failed batch merges back only up to maxKeys; the rest is dropped and reported', async () => {
    const fake = fakeDb();
    const errors: unknown[] = [];
    const recorder = createUsageRecorder({ db: fake.db, now: () => T0, maxKeys: 2, onError: (err) => errors.push(err) });
    fake.failNext();
    const release = fake.stall();
    recorder.record('app_1', 200);
    recorder.record('app_2', 200);
    recorder.record('app_3', 200); // flushes app_1, app_2: will fail
    recorder.record('app_2', 429); // fresh map: app_3, app_2
    release();
    await new Promise((r) => setImmediate(r));
    await recorder.flush();
    expect(errors).toEqual([expect.objectContaining({ message: 'database down' })]);
    // app_2 merged into its live counter; app_1 found the map full.
    expect(recorder.stats().droppedRequests).toBe(1);
    expect(fake.totals()).toEqual({
      'app_2 2026-03-01': { requests: 2, errors: 0, throttled: 1 },
      'app_3 2026-03-01': { requests: 1, errors: 0, throttled: 0 },
    });
  });
});

describe('usage recorder: the background loop', () => {
  test('start() flushes every flushIntervalMs; stop() ends the loop', async () => {
    const fake = fakeDb();
    const recorder = createUsageRecorder({ db: fake.db, now: () => T0, flushIntervalMs: 20 });
    recorder.start();
    recorder.record('app_a', 200);
    // Waits for the loop's flush without assuming how long it takes.
    for (let i = 0; i < 500 && fake.writes.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(fake.totals()).toEqual({ 'app_a 2026-03-01': { requests: 1, errors: 0, throttled: 0 } });
    await recorder.stop();
  });
});

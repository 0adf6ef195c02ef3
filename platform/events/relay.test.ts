import { Registry } from 'prom-client';
import type { Database } from '../db/database';
import { describeOnBothDatabases } from '../testing/databases';
import { useEventDatabase } from './testing/database';
import { createDeadLetterStore } from './dead-letters';
import { createEventMetrics } from './metrics';
import type { EventMetrics } from './metrics';
import { appendEvents, backlogSize } from './outbox';
import { createOutboxRelay } from './relay';
import type { OutboxRelayOptions } from './relay';
import { silentLogger } from './testing/buses';
import { fakeBus } from './testing/fake-bus';
import { cancelled, invalidRestock, restocked } from './testing/fixtures';
import type { NewEvent } from './types';

const ORDER = 'ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3';

/** A metric's values as {labels → value}, for the labels given. */
async function values(metric: { get(): Promise<{ values: Array<{ labels: object; value: number }> }> }) {
  return (await metric.get()).values.map((v) => ({ ...v.labels, value: v.value }));
}

describeOnBothDatabases('outbox relay', (open) => {
  const database = useEventDatabase(open);
  let db: Database;
  let metrics: EventMetrics;
  const relays: Array<ReturnType<typeof createOutboxRelay>> = [];
  beforeEach(() => {
    db = database();
    metrics = createEventMetrics(new Registry());
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
  });

  const append = (events: readonly NewEvent[]) => db.transaction((tx) => appendEvents(tx, events));
  const relay = (over: Partial<OutboxRelayOptions> & Pick<OutboxRelayOptions, 'bus'>) => {
    const r = createOutboxRelay({ db, logger: silentLogger, metrics, pollIntervalMs: 3_600_000, ...over });
    relays.push(r);
    return r;
  };

  it('publishes the backlog in outbox order and marks it published; the next run has nothing to do', async () => {
    const fake = fakeBus();
    const appended = [...(await append([cancelled(ORDER, 1), restocked(1)])), ...(await append([cancelled(ORDER, 2), restocked(2)]))];
    const r = relay({ bus: fake.bus });

    expect(await r.runOnce()).toEqual({ published: 4, deadLettered: 0 });
    expect(fake.accepted).toEqual(appended);
    expect(await r.runOnce()).toEqual({ published: 0, deadLettered: 0 });
    expect(fake.accepted).toHaveLength(4);
    expect(await values(metrics.published)).toEqual(
      expect.arrayContaining([{ type: 'order.cancelled', value: 2 }, { type: 'item.restocked', value: 2 }]),
    );
    expect(await values(metrics.backlog)).toEqual([{ value: 0 }]);
    expect((await metrics.publishLatency.get()).values.find((v) => v.metricName?.endsWith('_count') && v.labels.type === 'item.restocked')?.value).toBe(2);
  });

  it('marks events published without waiting for the disk, and counts the backlog only when a run left some', async () => {
    const sent: Array<{ via: 'db' | 'asyncCommit'; sql: string }> = [];
    const watched: Database = {
      ...db,
      query: (sql, params) => (sent.push({ via: 'db', sql }), db.query(sql, params)),
      asyncCommit: { query: (sql, params) => (sent.push({ via: 'asyncCommit', sql }), db.asyncCommit.query(sql, params)) },
    };
    await append([cancelled(ORDER, 1), restocked(1), restocked(2)]);
    const fake = fakeBus();
    const counts = () => sent.filter((s) => /count\(\*\)/.test(s.sql)).length;

    expect(await relay({ db: watched, bus: fake.bus, batchSize: 2 }).runOnce()).toEqual({ published: 2, deadLettered: 0 });
    expect(sent.filter((s) => /SET published_at/.test(s.sql)).map((s) => s.via)).toEqual(['asyncCommit', 'asyncCommit']);
    // A full batch: more may be due, so the gauge is counted.
    expect(counts()).toBe(1);
    expect(await values(metrics.backlog)).toEqual([{ value: 1 }]);

    expect(await relay({ db: watched, bus: fake.bus, batchSize: 2 }).runOnce()).toEqual({ published: 1, deadLettered: 0 });
    expect(counts()).toBe(1);
    expect(await values(metrics.backlog)).toEqual([{ value: 0 }]);
    expect(await backlogSize(db)).toBe(0);
  });

  it('dead-letters an invalid event with the validation errors instead of publishing it, and goes on with the rest', async () => {
    const fake = fakeBus();
    const [before, invalid, after] = await append([restocked(1), invalidRestock(), restocked(2)]);
    const r = relay({ bus: fake.bus });

    expect(await r.runOnce()).toEqual({ published: 2, deadLettered: 1 });
    expect(fake.accepted).toEqual([before, after]);
    const { items } = await createDeadLetterStore(db).list();
    expect(items).toEqual([
      expect.objectContaining({
        eventId: invalid?.id,
        eventType: 'item.restocked',
        consumer: null,
        reasonKind: 'validation',
        reason: 'invalid item.restocked event: /data/quantity must be >= 1',
        attempts: 1,
        status: 'pending',
        payload: invalid,
      }),
    ]);
    // Out of the backlog for good: refused once, never retried by the relay, never lost.
    expect(await r.runOnce()).toEqual({ published: 0, deadLettered: 0 });
    expect(await backlogSize(db)).toBe(0);
    expect(await values(metrics.deadLettered)).toEqual([{ type: 'item.restocked', reason_kind: 'validation', value: 1 }]);
  });

  it('a bus failure ends the batch at that event; the next run starts with it, in order', async () => {
    const fake = fakeBus();
    const events = await append([restocked(1), restocked(2), restocked(3), restocked(4)]);
    const r = relay({ bus: fake.bus });
    fake.failWhen((e) => e.id === events[2]?.id);

    await expect(r.runOnce()).rejects.toThrow(`bus refused ${events[2]?.id}`);
    expect(fake.accepted).toEqual(events.slice(0, 2));
    expect(await backlogSize(db)).toBe(2);

    fake.failWhen(undefined);
    expect(await r.runOnce()).toEqual({ published: 2, deadLettered: 0 });
    expect(fake.accepted).toEqual(events);
  });

  it('runs one relay at a time: a second relay on the same database publishes nothing while the first is mid-batch', async () => {
    const first = fakeBus();
    const second = fakeBus();
    const events = await append([restocked(1), restocked(2), restocked(3)]);
    const held = first.hold();
    const running = relay({ bus: first.bus }).runOnce();
    await held.reached;

    expect(await relay({ bus: second.bus }).runOnce()).toEqual({ published: 0, deadLettered: 0 });
    held.open();
    expect(await running).toEqual({ published: 3, deadLettered: 0 });
    expect(first.accepted).toEqual(events);
    expect(second.accepted).toEqual([]);
    // The lock is free again.
    await append([restocked(4)]);
    expect(await relay({ bus: second.bus }).runOnce()).toEqual({ published: 1, deadLettered: 0 });
  });

  it('started, it publishes on wake() without waiting for the poll, and keeps going while batches come back full', async () => {
    const fake = fakeBus();
    const r = relay({ bus: fake.bus, batchSize: 2 });
    r.start();
    const events = await append([restocked(1), restocked(2), restocked(3), restocked(4), restocked(5)]);
    r.wake();
    await fake.published(5);
    expect(fake.accepted).toEqual(events);
  });

  it('stop() lets the running batch finish and mark what it published', async () => {
    const fake = fakeBus();
    const events = await append([restocked(1), restocked(2)]);
    const held = fake.hold();
    const r = relay({ bus: fake.bus });
    r.start();
    await held.reached;
    const stopping = r.stop();
    held.open();
    await stopping;
    expect(fake.accepted).toEqual(events);
    expect(await backlogSize(db)).toBe(0);
  });
});

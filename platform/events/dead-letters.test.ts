import type { Database } from '../db/database';
import { describeOnBothDatabases } from '../testing/databases';
import { DeadLetterQueryError, createDeadLetterStore } from './dead-letters';
import type { DeadLetterStore } from './dead-letters';
import { toCloudEvent } from './outbox';
import { useEventDatabase } from './testing/database';
import { availabilityChanged, cancelled, restocked } from './testing/fixtures';

const ORDER = 'ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3';

describeOnBothDatabases('dead-letter store', (open) => {
  const database = useEventDatabase(open);
  let db: Database;
  let store: DeadLetterStore;
  beforeEach(() => {
    db = database();
    store = createDeadLetterStore(db);
  });

  /** Sets when a dead letter last failed, so ordering does not depend on the clock. */
  const failedAt = (id: string, at: string) => db.query('UPDATE events.dead_letters SET first_failed_at = $2, last_failed_at = $2 WHERE id = $1', [id, at]);

  it('records a failure as a pending dead letter holding the event as published', async () => {
    const event = toCloudEvent(cancelled(ORDER), 3);
    const dl = await store.record({ event, consumer: 'erp-sync', reason: 'ERP answered 503', kind: 'consumer', attempts: 5 });
    expect(dl).toEqual({
      id: expect.stringMatching(/^dlq_[0-9A-Z]{26}$/),
      eventId: event.id,
      eventType: 'order.cancelled',
      source: '/concord/orders',
      subject: ORDER,
      consumer: 'erp-sync',
      reason: 'ERP answered 503',
      reasonKind: 'consumer',
      attempts: 5,
      payload: event,
      status: 'pending',
      firstFailedAt: expect.any(String),
      lastFailedAt: dl.firstFailedAt,
    });
    expect(await store.get(dl.id)).toEqual(dl);
    expect(await store.get('dlq_01NOSUCHDEADLETTER00000000')).toBeUndefined();
  });

  it('a new failure of the same event and consumer adds attempts to its dead letter, and makes a replayed one pending again', async () => {
    const event = toCloudEvent(cancelled(ORDER), 1);
    const first = await store.record({ event, consumer: 'erp-sync', reason: 'first', kind: 'consumer', attempts: 5 });
    expect(await store.markReplayed(first.id)).toMatchObject({ status: 'replayed', replayedAt: expect.any(String) });
    const again = await store.record({ event, consumer: 'erp-sync', reason: 'second', kind: 'consumer', attempts: 2 });
    expect(again).toMatchObject({ id: first.id, attempts: 7, reason: 'second', status: 'pending', firstFailedAt: first.firstFailedAt });

    // Another consumer, or the relay (no consumer), has a dead letter of its own for the same event.
    const other = await store.record({ event, consumer: 'availability', reason: 'x', kind: 'consumer', attempts: 1 });
    const relay = await store.record({ event, consumer: null, reason: 'y', kind: 'validation', attempts: 1 });
    const relayAgain = await store.record({ event, consumer: null, reason: 'z', kind: 'validation', attempts: 1 });
    expect(new Set([first.id, other.id, relay.id]).size).toBe(3);
    expect(relayAgain).toMatchObject({ id: relay.id, attempts: 2, reason: 'z', consumer: null });
  });

  it('keeps at most 2000 characters of a reason', async () => {
    const dl = await store.record({ event: toCloudEvent(restocked(1), 1), consumer: 'c', reason: 'x'.repeat(5000), kind: 'consumer', attempts: 1 });
    expect(dl.reason).toHaveLength(2000);
  });

  it('lists newest failure first, filtered by status, source and type, in pages with an opaque cursor', async () => {
    const made = [];
    for (let i = 0; i < 5; i++) {
      const event = i % 2 === 0 ? toCloudEvent(restocked(i + 1), i + 1) : toCloudEvent(availabilityChanged('SKU-0002@S3', i), i);
      const dl = await store.record({ event, consumer: 'partner-webhooks', reason: `r${i}`, kind: 'consumer', attempts: 1 });
      await failedAt(dl.id, `2026-11-21T10:0${i}:00.000Z`);
      made.push(dl.id);
    }
    await store.markReplayed(made[4] ?? '');

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list({ limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((d) => d.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...made].reverse());

    expect((await store.list({ status: 'pending' })).items.map((d) => d.id)).toEqual([made[3], made[2], made[1], made[0]]);
    expect((await store.list({ eventType: 'inventory.availability-changed' })).items.map((d) => d.id)).toEqual([made[3], made[1]]);
    expect((await store.list({ source: '/concord/returns', status: 'replayed' })).items.map((d) => d.id)).toEqual([made[4]]);
    expect(await store.list({ source: '/concord/nowhere' })).toEqual({ items: [], nextCursor: null });
  });

  it('refuses a cursor it did not hand out and a limit out of range', async () => {
    await expect(store.list({ cursor: 'not-a-cursor' })).rejects.toEqual(new DeadLetterQueryError('cursor is not one this API returned', '/cursor'));
    await expect(store.list({ cursor: Buffer.from('["x","y"]').toString('base64url') })).rejects.toMatchObject({ pointer: '/cursor' });
    await expect(store.list({ limit: 101 })).rejects.toMatchObject({ pointer: '/limit' });
    await expect(store.list({ limit: 0 })).rejects.toMatchObject({ pointer: '/limit' });
  });

  it('pending lists what is to replay oldest first, by consumer (null: refused at publish), type and source', async () => {
    const a = await store.record({ event: toCloudEvent(restocked(1), 1), consumer: 'availability', reason: 'a', kind: 'consumer', attempts: 1 });
    const b = await store.record({ event: toCloudEvent(restocked(2), 2), consumer: null, reason: 'b', kind: 'validation', attempts: 1 });
    const c = await store.record({ event: toCloudEvent(cancelled(ORDER), 1), consumer: 'availability', reason: 'c', kind: 'consumer', attempts: 1 });
    await failedAt(a.id, '2026-11-21T10:02:00.000Z');
    await failedAt(b.id, '2026-11-21T10:01:00.000Z');
    await failedAt(c.id, '2026-11-21T10:00:00.000Z');
    await store.markReplayed(c.id);

    expect((await store.pending({}, 10)).map((d) => d.id)).toEqual([b.id, a.id]);
    expect((await store.pending({ consumer: null }, 10)).map((d) => d.id)).toEqual([b.id]);
    expect((await store.pending({ consumer: 'availability' }, 10)).map((d) => d.id)).toEqual([a.id]);
    expect((await store.pending({ eventType: 'order.cancelled' }, 10)).map((d) => d.id)).toEqual([]);
    expect((await store.pending({}, 1)).map((d) => d.id)).toEqual([b.id]);
  });
});

import type { Database, Queryable } from '../db/database';
import type { CloudEvent } from './types';

/**
 * The idempotent-consumer pattern. Delivery is at least once (a relay restart republishes, NATS redelivers an
 * unacked message, a dead letter is replayed), so a consumer must make handling an event twice harmless:
 *
 * ```ts
 * await bus.subscribe('erp-sync', ['order.created'], (event) =>
 *   handleOnce(db, 'erp-sync', event, async (tx) => {
 *     await postSalesOrder(tx, event.data.order); // every write through tx
 *   }),
 * );
 * ```
 *
 * `fn` runs in one transaction with the record "`consumer` processed `event.id`", so the effect and the record
 * commit together or not at all. An id already recorded is skipped: `fn` does not run and this returns false. A
 * concurrent second delivery waits on the first one's row lock and is skipped once it commits. Throwing from `fn`
 * rolls both back, so the bus retries and finally dead-letters the event.
 *
 * Side effects outside the database (an HTTP call to ERP) are not covered: make them idempotent on the event id
 * or a business key, or record the intent in `tx` and perform it from an outbox of your own.
 */
export async function handleOnce(db: Database, consumer: string, event: Pick<CloudEvent, 'id'>, fn: (tx: Queryable) => Promise<void>): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query(
      'INSERT INTO events.consumer_processed (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id',
      [consumer, event.id],
    );
    if (rows.length === 0) return false;
    await fn(tx);
    return true;
  });
}

/** Whether `consumer` has processed the event: for tests and diagnostics. */
export async function wasProcessed(db: Queryable, consumer: string, eventId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM events.consumer_processed WHERE consumer = $1 AND event_id = $2', [consumer, eventId]);
  return rows.length > 0;
}

import type { Queryable } from '../db/database';
import { newId } from '../ids';
import type { AppendEvents, CloudEvent, NewEvent } from './types';

export { eventMigrations } from './migrations';

/**
 * Appends events to the outbox inside the caller's transaction, filling in the CloudEvents envelope. Each event
 * gets the next `sequence` of its subject (aggregate), from 1, without gaps: the numbers are taken by an upsert in
 * the same transaction, so a rollback gives them back and concurrent appenders of one subject queue on its row.
 * Call `relay.wake()` after the transaction commits so the events go out without waiting for the next poll.
 */
export const appendEvents: AppendEvents = async (tx, events) => {
  if (events.length === 0) return [];
  const sequences = await takeSequences(tx, events);
  const time = new Date().toISOString();
  const appended: CloudEvent[] = [];
  for (const e of events) {
    const sequence = sequences.get(e.subject);
    if (sequence === undefined) throw new Error(`no sequence taken for subject ${e.subject}`);
    sequences.set(e.subject, sequence + 1);
    const event = toCloudEvent(e, sequence, time);
    await tx.query('INSERT INTO events.outbox (event_id, type, subject, payload) VALUES ($1, $2, $3, $4)', [
      event.id,
      event.type,
      event.subject,
      JSON.stringify(event),
    ]);
    appended.push(event);
  }
  return appended;
};

/** The CloudEvent a NewEvent becomes: a new id, the given sequence and time. */
export function toCloudEvent(e: NewEvent, sequence: number, time: string = new Date().toISOString()): CloudEvent {
  // The generated CloudEvent types cannot be constructed as such (see EventData); the relay validates every
  // event against its schema before it is published.
  return {
    specversion: '1.0',
    id: newId('evt'),
    source: e.source,
    type: e.type,
    time,
    subject: e.subject,
    datacontenttype: 'application/json',
    correlationid: e.correlationId,
    sequence,
    ...(e.partnerId === undefined ? {} : { partnerid: e.partnerId }),
    ...(e.traceparent === undefined ? {} : { traceparent: e.traceparent }),
    data: e.data,
  } as unknown as CloudEvent;
}

/** The first sequence number each subject gets in this append. */
async function takeSequences(tx: Queryable, events: readonly NewEvent[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.subject, (counts.get(e.subject) ?? 0) + 1);
  const first = new Map<string, number>();
  // Sorted, so two transactions appending to the same subjects lock their rows in one order and cannot deadlock.
  for (const subject of [...counts.keys()].sort()) {
    const n = counts.get(subject) ?? 0;
    const { rows } = await tx.query<{ last: string }>(
      `INSERT INTO events.subject_sequences AS s (subject, last_sequence) VALUES ($1, $2)
       ON CONFLICT (subject) DO UPDATE SET last_sequence = s.last_sequence + EXCLUDED.last_sequence
       RETURNING s.last_sequence::text AS last`,
      [subject, n],
    );
    const last = Number(rows[0]?.last);
    first.set(subject, last - n + 1);
  }
  return first;
}

/** An outbox row the relay has yet to publish. */
export interface OutboxEntry {
  position: string;
  event: CloudEvent;
  createdAt: Date;
}

/** The oldest unpublished events, in publish order. */
export async function readBacklog(db: Queryable, limit: number): Promise<OutboxEntry[]> {
  const { rows } = await db.query<{ pos: string; payload: unknown; created_at: Date | string }>(
    `SELECT position::text AS pos, payload, created_at FROM events.outbox
     WHERE published_at IS NULL AND dead_lettered_at IS NULL ORDER BY position LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    position: r.pos,
    event: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as CloudEvent,
    createdAt: new Date(r.created_at),
  }));
}

export async function backlogSize(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'SELECT count(*)::text AS n FROM events.outbox WHERE published_at IS NULL AND dead_lettered_at IS NULL',
  );
  return Number(rows[0]?.n ?? 0);
}

export async function markPublished(db: Queryable, eventId: string): Promise<void> {
  await db.query('UPDATE events.outbox SET published_at = now() WHERE event_id = $1 AND published_at IS NULL', [eventId]);
}

/** Takes a refused event out of the backlog; its dead letter holds it from now on. */
export async function markDeadLettered(db: Queryable, eventId: string): Promise<void> {
  await db.query('UPDATE events.outbox SET dead_lettered_at = now() WHERE event_id = $1', [eventId]);
}

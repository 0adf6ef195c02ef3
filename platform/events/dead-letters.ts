import type { Queryable } from '../db/database';
import { decodeKeysetCursor, encodeKeysetCursor } from '../http/keyset-cursor';
import { newId } from '../ids';
import type { DeadLetterKind, EventMetrics } from './metrics';
import type { CloudEvent } from './types';

export type DeadLetterStatus = 'pending' | 'replayed';

/** An event that was refused at publish (`consumer` null) or that one consumer kept failing on. */
export interface DeadLetter {
  id: string;
  eventId: string;
  eventType: string;
  source: string;
  subject: string;
  consumer: string | null;
  reason: string;
  reasonKind: DeadLetterKind;
  /** Deliveries (or validations) that failed, over the original delivery and every replay. */
  attempts: number;
  /** The event exactly as it was (to be) published. */
  payload: CloudEvent;
  status: DeadLetterStatus;
  firstFailedAt: string;
  lastFailedAt: string;
  replayedAt?: string;
}

export interface DeadLetterFailure {
  event: CloudEvent;
  /** The failing consumer; null when the relay refused the event before publishing it. */
  consumer: string | null;
  reason: string;
  kind: DeadLetterKind;
  /** Failed attempts to add. */
  attempts: number;
}

/** What a bus needs from the store: report failures, and (NATS) confirm that a replayed event was handled. */
export interface DeadLetterSink {
  record(failure: DeadLetterFailure): Promise<unknown>;
  markReplayed(id: string): Promise<unknown>;
}

export interface DeadLetterFilter {
  status?: DeadLetterStatus;
  source?: string;
  eventType?: string;
  /** A consumer's name, or null for events refused at publish. */
  consumer?: string | null;
}

export interface DeadLetterPage {
  items: DeadLetter[];
  nextCursor: string | null;
}

export interface DeadLetterStore extends DeadLetterSink {
  /**
   * A new pending dead letter, or, when this event already failed for this consumer, that dead letter with the
   * attempts added, the new reason, and back to pending. `tx` puts the write in the caller's transaction.
   */
  record(failure: DeadLetterFailure, tx?: Queryable): Promise<DeadLetter>;
  get(id: string): Promise<DeadLetter | undefined>;
  /** Newest failure first, in pages of `limit` (default 20, at most 100). */
  list(query?: DeadLetterFilter & { cursor?: string; limit?: number }): Promise<DeadLetterPage>;
  /** Pending dead letters, oldest first: the replay order. */
  pending(filter: Omit<DeadLetterFilter, 'status'>, limit: number): Promise<DeadLetter[]>;
  /** Pending → replayed; a dead letter already replayed (or unknown) is returned as it is. */
  markReplayed(id: string): Promise<DeadLetter | undefined>;
}

/** A list query the store cannot run; `pointer` names the parameter (`/cursor`, `/limit`). */
export class DeadLetterQueryError extends Error {
  override readonly name = 'DeadLetterQueryError';
  constructor(
    message: string,
    readonly pointer: string,
  ) {
    super(message);
  }
}

/** Dead letters still pending: the dead-letter depth, a gauge and an ops-summary figure. */
export async function countPendingDeadLetters(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM events.dead_letters WHERE status = 'pending'`);
  return Number(rows[0]?.n ?? 0);
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
const MAX_REASON = 2000;

interface Row {
  id: string;
  event_id: string;
  event_type: string;
  source: string;
  subject: string;
  consumer: string | null;
  reason: string;
  reason_kind: DeadLetterKind;
  attempts: number;
  payload: unknown;
  status: DeadLetterStatus;
  first_failed_at: Date | string;
  last_failed_at: Date | string;
  replayed_at: Date | string | null;
}

const iso = (t: Date | string): string => new Date(t).toISOString();

function fromRow(r: Row): DeadLetter {
  return {
    id: r.id,
    eventId: r.event_id,
    eventType: r.event_type,
    source: r.source,
    subject: r.subject,
    consumer: r.consumer,
    reason: r.reason,
    reasonKind: r.reason_kind,
    attempts: Number(r.attempts),
    payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as CloudEvent,
    status: r.status,
    firstFailedAt: iso(r.first_failed_at),
    lastFailedAt: iso(r.last_failed_at),
    ...(r.replayed_at === null ? {} : { replayedAt: iso(r.replayed_at) }),
  };
}

const encodeCursor = (d: DeadLetter): string => encodeKeysetCursor(d.lastFailedAt, d.id);

function decodeCursor(cursor: string): [string, string] {
  const keyset = decodeKeysetCursor(cursor);
  if (!keyset) throw new DeadLetterQueryError('cursor is not one this API returned', '/cursor');
  return keyset;
}

function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new DeadLetterQueryError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`, '/limit');
  }
  return limit;
}

/** WHERE clauses for a filter, numbering parameters after those already in `params`. */
function where(filter: DeadLetterFilter, params: unknown[]): string[] {
  const clauses: string[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(sql(`$${params.length}`));
  };
  if (filter.status !== undefined) add((p) => `status = ${p}`, filter.status);
  if (filter.source !== undefined) add((p) => `source = ${p}`, filter.source);
  if (filter.eventType !== undefined) add((p) => `event_type = ${p}`, filter.eventType);
  if (filter.consumer === null) clauses.push('consumer IS NULL');
  else if (filter.consumer !== undefined) add((p) => `consumer = ${p}`, filter.consumer);
  return clauses;
}

export function createDeadLetterStore(db: Queryable, opts: { metrics?: EventMetrics } = {}): DeadLetterStore {
  const get = async (id: string) => {
    const { rows } = await db.query<Row>('SELECT * FROM events.dead_letters WHERE id = $1', [id]);
    return rows[0] ? fromRow(rows[0]) : undefined;
  };

  return {
    async record(failure, tx = db) {
      const { event } = failure;
      const reason = failure.reason.length > MAX_REASON ? `${failure.reason.slice(0, MAX_REASON - 3)}...` : failure.reason;
      const { rows } = await tx.query<Row>(
        `INSERT INTO events.dead_letters AS d
           (id, event_id, event_type, source, subject, consumer, reason, reason_kind, attempts, payload, status, first_failed_at, last_failed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', now(), now())
         ON CONFLICT (event_id, (coalesce(consumer, ''))) DO UPDATE SET
           reason = EXCLUDED.reason, reason_kind = EXCLUDED.reason_kind, attempts = d.attempts + EXCLUDED.attempts,
           status = 'pending', last_failed_at = now()
         RETURNING *`,
        [
          newId('dlq'),
          event.id,
          event.type,
          event.source,
          event.subject,
          failure.consumer,
          reason,
          failure.kind,
          Math.max(1, failure.attempts),
          JSON.stringify(event),
        ],
      );
      opts.metrics?.deadLettered.inc({ type: event.type, reason_kind: failure.kind });
      const row = rows[0];
      if (!row) throw new Error(`recording the dead letter of ${event.id} returned no row`);
      return fromRow(row);
    },

    get,

    async list(query = {}) {
      const limit = pageSize(query.limit);
      const params: unknown[] = [];
      const clauses = where(query, params);
      if (query.cursor !== undefined) {
        const [at, id] = decodeCursor(query.cursor);
        params.push(at, id);
        clauses.push(`(last_failed_at, id) < ($${params.length - 1}::timestamptz, $${params.length})`);
      }
      params.push(limit + 1);
      const { rows } = await db.query<Row>(
        `SELECT * FROM events.dead_letters ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''}
         ORDER BY last_failed_at DESC, id DESC LIMIT $${params.length}`,
        params,
      );
      const items = rows.slice(0, limit).map(fromRow);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
    },

    async pending(filter, limit) {
      const params: unknown[] = [];
      const clauses = where({ ...filter, status: 'pending' }, params);
      params.push(limit);
      const { rows } = await db.query<Row>(
        `SELECT * FROM events.dead_letters WHERE ${clauses.join(' AND ')} ORDER BY first_failed_at, id LIMIT $${params.length}`,
        params,
      );
      return rows.map(fromRow);
    },

    async markReplayed(id) {
      const { rows } = await db.query<Row>(
        `UPDATE events.dead_letters SET status = 'replayed', replayed_at = now() WHERE id = $1 AND status = 'pending' RETURNING *`,
        [id],
      );
      return rows[0] ? fromRow(rows[0]) : get(id);
    },
  };
}

import type { Queryable } from '../../platform/db/database';
import type { ReturnStatus, StoredReturn } from './model';

interface Row {
  doc: StoredReturn | string;
}

const parse = (r: Row): StoredReturn => (typeof r.doc === 'string' ? (JSON.parse(r.doc) as StoredReturn) : r.doc);

export interface ListQuery {
  /** Undefined for internal callers, who see every partner's returns. */
  partnerKey?: string;
  status?: ReturnStatus;
  orderId?: string;
  /** Exclusive upper bound on the id: ids are time-ordered, so this pages newest first. */
  beforeId?: string;
  limit: number;
}

/** The SQL of the returns workflow. Every write takes the caller's transaction. */
export const returnRepository = {
  async insert(tx: Queryable, stored: StoredReturn, partnerKey: string): Promise<void> {
    const r = stored.return;
    await tx.query(
      `INSERT INTO returns.returns (id, order_id, partner_key, channel, status, doc, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7, $7)`,
      [r.id, r.orderId, partnerKey, r.channel, r.status, JSON.stringify(stored), r.createdAt],
    );
  },

  /** The return, if the caller may see it: a partner only its own (`partnerKey`); internal callers every one. */
  async get(db: Queryable, id: string, partnerKey: string | undefined, opts: { forUpdate?: boolean } = {}): Promise<StoredReturn | undefined> {
    const { rows } = await db.query<Row>(
      `SELECT doc FROM returns.returns WHERE id = $1 AND ($2::text IS NULL OR partner_key = $2)${opts.forUpdate ? ' FOR UPDATE' : ''}`,
      [id, partnerKey ?? null],
    );
    return rows[0] ? parse(rows[0]) : undefined;
  },

  async save(tx: Queryable, stored: StoredReturn): Promise<void> {
    const r = stored.return;
    await tx.query('UPDATE returns.returns SET status = $2, doc = $3::text::jsonb, updated_at = $4 WHERE id = $1', [r.id, r.status, JSON.stringify(stored), r.updatedAt]);
  },

  /** The order's returns other than `exceptId`. */
  async forOrder(db: Queryable, orderId: string, exceptId?: string): Promise<StoredReturn[]> {
    const { rows } = await db.query<Row>('SELECT doc FROM returns.returns WHERE order_id = $1 AND id <> $2 ORDER BY id', [orderId, exceptId ?? '']);
    return rows.map(parse);
  },

  async list(db: Queryable, q: ListQuery): Promise<StoredReturn[]> {
    const { rows } = await db.query<Row>(
      `SELECT doc FROM returns.returns
        WHERE ($1::text IS NULL OR partner_key = $1)
          AND ($2::text IS NULL OR status = $2)
          AND ($3::text IS NULL OR order_id = $3)
          AND ($4::text IS NULL OR id < $4)
        ORDER BY id DESC LIMIT $5`,
      [q.partnerKey ?? null, q.status ?? null, q.orderId ?? null, q.beforeId ?? null, q.limit],
    );
    return rows.map(parse);
  },

  /** Queues downstream work; a job already queued for the same return, kind and location is kept as it is. */
  async enqueue(tx: Queryable, job: { returnId: string; system: 'erp' | 'wms'; kind: 'credit_memo' | 'return_receipt'; locationId?: string; channel: string; at: Date }): Promise<void> {
    await tx.query(
      `INSERT INTO returns.jobs (return_id, system, kind, location_id, channel, status, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, 'pending', $6) ON CONFLICT (return_id, kind, location_id) DO NOTHING`,
      [job.returnId, job.system, job.kind, job.locationId ?? '', job.channel, job.at],
    );
  },
};

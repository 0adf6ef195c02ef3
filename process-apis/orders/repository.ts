import type { Queryable } from '../../platform/db/database';
import type { Order, StoredOrder } from './model';

interface Row {
  doc: StoredOrder | string;
}

const parse = (r: Row | undefined): StoredOrder | undefined => (r ? (typeof r.doc === 'string' ? (JSON.parse(r.doc) as StoredOrder) : r.doc) : undefined);

export interface BusinessKey {
  partnerKey: string;
  channel: Order['channel'];
  marketplace: string;
  sourceOrderId: string;
}

export interface ListQuery {
  /** Undefined for internal callers, who see every partner's orders. */
  partnerKey?: string;
  status?: Order['status'];
  sourceOrderId?: string;
  /** Exclusive upper bound on the id: ids are time-ordered, so this pages newest first. */
  beforeId?: string;
  limit: number;
}

/** The SQL of order intake. Every write takes the caller's transaction. */
export const orderRepository = {
  /** False when the business key exists already: the caller answers with that order instead. */
  async insertIfNew(tx: Queryable, key: BusinessKey, stored: StoredOrder): Promise<boolean> {
    const o = stored.order;
    const { rows } = await tx.query(
      `INSERT INTO orders.orders (id, partner_key, channel, marketplace, source_order_id, status, doc, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8, $8)
       ON CONFLICT (partner_key, channel, marketplace, source_order_id) DO NOTHING
       RETURNING 1`,
      [o.id, key.partnerKey, key.channel, key.marketplace, key.sourceOrderId, o.status, JSON.stringify(stored), o.createdAt],
    );
    return rows.length === 1;
  },

  async findByBusinessKey(db: Queryable, key: BusinessKey): Promise<StoredOrder | undefined> {
    const { rows } = await db.query<Row>(
      'SELECT doc FROM orders.orders WHERE partner_key = $1 AND channel = $2 AND marketplace = $3 AND source_order_id = $4',
      [key.partnerKey, key.channel, key.marketplace, key.sourceOrderId],
    );
    return parse(rows[0]);
  },

  /** The order, if the caller may see it: a partner only ever sees its own (`partnerKey`); internal callers all. */
  async get(db: Queryable, id: string, partnerKey: string | undefined, opts: { forUpdate?: boolean } = {}): Promise<StoredOrder | undefined> {
    const { rows } = await db.query<Row>(
      `SELECT doc FROM orders.orders WHERE id = $1 AND ($2::text IS NULL OR partner_key = $2)${opts.forUpdate ? ' FOR UPDATE' : ''}`,
      [id, partnerKey ?? null],
    );
    return parse(rows[0]);
  },

  async save(tx: Queryable, stored: StoredOrder): Promise<void> {
    await tx.query('UPDATE orders.orders SET status = $2, doc = $3::text::jsonb, updated_at = $4 WHERE id = $1', [
      stored.order.id,
      stored.order.status,
      JSON.stringify(stored),
      stored.order.updatedAt,
    ]);
  },

  async list(db: Queryable, q: ListQuery): Promise<StoredOrder[]> {
    const { rows } = await db.query<Row>(
      `SELECT doc FROM orders.orders
        WHERE ($1::text IS NULL OR partner_key = $1)
          AND ($2::text IS NULL OR status = $2)
          AND ($3::text IS NULL OR source_order_id = $3)
          AND ($4::text IS NULL OR id < $4)
        ORDER BY id DESC LIMIT $5`,
      [q.partnerKey ?? null, q.status ?? null, q.sourceOrderId ?? null, q.beforeId ?? null, q.limit],
    );
    return rows.map((r) => parse(r)!);
  },
};

import type { Queryable } from '../../platform/db/database';

/**
 * When each line of an order last shipped, from the `order.shipped` events order intake committed. The order
 * document keeps shipped quantities but not dates, and these events are the durable record of each shipment.
 */
export async function lastShippedAt(db: Queryable, orderId: string): Promise<Map<string, number>> {
  const { rows } = await db.query<{ line_id: string; shipped_at: string }>(
    `SELECT l->>'lineId' AS line_id, max(payload->'data'->>'shippedAt') AS shipped_at
       FROM events.outbox, jsonb_array_elements(payload->'data'->'lines') AS l
      WHERE subject = $1 AND type = 'order.shipped'
      GROUP BY l->>'lineId'`,
    [orderId],
  );
  return new Map(rows.map((r) => [r.line_id, Date.parse(r.shipped_at)]));
}

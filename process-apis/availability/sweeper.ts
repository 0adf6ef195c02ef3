import type { Database } from '../../platform/db/database';
import type { AppendEvents } from '../../platform/events/types';
import { retryTransaction } from '../orders/retry';
import { AvailabilityChanges } from './availability-events';
import { atpOf, lockPosition } from './positions';

/**
 * Expires active reservations past `expires_at` by the injected clock, order intake's included (their TTL is
 * the order's hold). Per position, under its row lock (the lock order every writer uses: position, then
 * reservation), the held units go back to ATP and one `inventory.availability-changed` is emitted.
 */
export function createReservationSweeper(opts: { db: Database; appendEvents: AppendEvents; now: () => Date; lowStockThreshold: number; batchSize?: number }) {
  const batchSize = opts.batchSize ?? 500;
  return {
    /** One batch; returns how many reservations expired. */
    async runOnce(): Promise<number> {
      return retryTransaction(() =>
        opts.db.transaction(async (tx) => {
          const now = opts.now();
          const { rows: due } = await tx.query<{ id: string; sku: string; location_id: string }>(
            `SELECT id, sku, location_id FROM inventory.reservations WHERE status = 'active' AND expires_at <= $1
              ORDER BY sku, location_id, id LIMIT $2`,
            [now, batchSize],
          );
          const byPosition = new Map<string, { sku: string; locationId: string; ids: string[] }>();
          for (const r of due) {
            const key = `${r.sku}\u0000${r.location_id}`;
            const group = byPosition.get(key) ?? { sku: r.sku, locationId: r.location_id, ids: [] };
            group.ids.push(r.id);
            byPosition.set(key, group);
          }
          const changes = new AvailabilityChanges(opts.lowStockThreshold, `sweep-${now.toISOString()}`);
          let expired = 0;
          for (const g of byPosition.values()) {
            const position = await lockPosition(tx, g.sku, g.locationId);
            const { rows } = await tx.query<{ remaining: number }>(
              `UPDATE inventory.reservations SET status = 'expired', updated_at = $2
                WHERE id = ANY($1::text[]) AND status = 'active' AND expires_at <= $2
                RETURNING quantity - consumed AS remaining`,
              [g.ids, now],
            );
            if (!rows.length || !position) continue;
            expired += rows.length;
            const units = rows.reduce((s, r) => s + Number(r.remaining), 0);
            await tx.query('UPDATE inventory.positions SET reserved = reserved - $3, updated_at = $4 WHERE sku = $1 AND location_id = $2', [
              g.sku,
              g.locationId,
              units,
              now,
            ]);
            changes.record(g.sku, g.locationId, atpOf(position), atpOf({ ...position, reserved: position.reserved - units }));
          }
          await changes.flush(tx, opts.appendEvents);
          return expired;
        }),
      );
    },
  };
}

import type { Queryable } from '../../platform/db/database';
import { newId } from '../../platform/ids';
import type { components } from '../../generated/types/process/availability.v1';
import type { AllocationRule } from './allocation';
import { channelAtpOf } from './allocation';
import { atpOf, lockPosition, sellableOf } from './positions';

type Reservation = components['schemas']['Reservation'];
type Channel = Reservation['channel'];

/** ATP of a position row, in SQL; the one place the formula is written for queries. */
export const ATP_SQL = 'GREATEST(0, on_hand - reserved - safety_stock - damaged - quality_control)';

export interface ReserveRequest {
  sku: string;
  locationId: string;
  quantity: number;
  channel: Channel;
  orderId?: string;
  lineId?: string;
  expiresAt: Date;
  /** The partner that holds it (availability API); order intake leaves it out. */
  partnerId?: string;
  /** The injected clock's time; the database's clock when absent. */
  createdAt?: Date;
}

/** The outcome of trying one location: reserved, not enough ATP there, or the location does not stock the SKU. */
export type ReserveOutcome = { kind: 'reserved'; reservation: Reservation } | { kind: 'insufficient'; atp: number } | { kind: 'not-stocked' };

export interface ReservationRow {
  id: string;
  sku: string;
  location_id: string;
  quantity: number;
  channel: Channel;
  order_id: string | null;
  status: Reservation['status'];
  expires_at: Date | string;
  created_at: Date | string;
}

export const toReservation = (r: ReservationRow): Reservation => ({
  id: r.id,
  sku: r.sku,
  locationId: r.location_id,
  quantity: r.quantity,
  channel: r.channel,
  ...(r.order_id ? { orderId: r.order_id } : {}),
  status: r.status,
  expiresAt: new Date(r.expires_at).toISOString(),
  createdAt: new Date(r.created_at).toISOString(),
});

/**
 * The reservation service: order intake and the availability API both reserve through it. Every function runs
 * inside the caller's transaction, so a reservation commits or rolls back with the order that made it.
 */
export const reservations = {
  /**
   * Holds units for a channel at one location, if both the ATP and the channel's allocation (`rule`) cover them.
   * The position row is locked first and the channel's holds summed after the lock, so racing reservations queue
   * and each sees the ones before it: no channel exceeds its cap and no unit is promised twice. Order intake and
   * the availability API both reserve through here.
   */
  async reserve(tx: Queryable, req: ReserveRequest & { rule: AllocationRule }): Promise<ReserveOutcome> {
    const position = await lockPosition(tx, req.sku, req.locationId);
    if (!position) return { kind: 'not-stocked' };
    const available = channelAtpOf(req.rule, {
      sellable: sellableOf(position),
      atp: atpOf(position),
      channelReserved: await reservations.channelHeld(tx, req.sku, req.locationId, req.channel),
    });
    if (available < req.quantity) return { kind: 'insufficient', atp: available };
    await tx.query('UPDATE inventory.positions SET reserved = reserved + $3, updated_at = COALESCE($4, now()) WHERE sku = $1 AND location_id = $2', [
      req.sku,
      req.locationId,
      req.quantity,
      req.createdAt ?? null,
    ]);
    return reservations.record(tx, req);
  },

  /** The sum of a channel's active holds at one position; current when read after the position's row lock. */
  async channelHeld(tx: Queryable, sku: string, locationId: string, channel: string): Promise<number> {
    const { rows } = await tx.query<{ held: number }>(
      `SELECT COALESCE(SUM(quantity - consumed), 0)::int AS held FROM inventory.reservations
        WHERE sku = $1 AND location_id = $2 AND channel = $3 AND status = 'active'`,
      [sku, locationId, channel],
    );
    return Number(rows[0]?.held ?? 0);
  },

  async record(tx: Queryable, req: ReserveRequest): Promise<ReserveOutcome> {
    const { rows } = await tx.query<ReservationRow>(
      `INSERT INTO inventory.reservations (id, sku, location_id, quantity, channel, order_id, line_id, status, expires_at, partner_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9, COALESCE($10, now()), COALESCE($10, now()))
       RETURNING id, sku, location_id, quantity, channel, order_id, status, expires_at, created_at`,
      [
        newId('rsv', req.createdAt?.getTime()),
        req.sku,
        req.locationId,
        req.quantity,
        req.channel,
        req.orderId ?? null,
        req.lineId ?? null,
        req.expiresAt,
        req.partnerId ?? null,
        req.createdAt ?? null,
      ],
    );
    return { kind: 'reserved', reservation: toReservation(rows[0] as ReservationRow) };
  },

  /** Releases an order's active reservations (cancel): the units go back to ATP. */
  async releaseForOrder(tx: Queryable, orderId: string): Promise<Reservation[]> {
    const { rows } = await tx.query<ReservationRow & { remaining: number }>(
      `UPDATE inventory.reservations SET status = 'released', updated_at = now()
        WHERE order_id = $1 AND status = 'active'
        RETURNING id, sku, location_id, quantity, channel, order_id, status, expires_at, created_at, quantity - consumed AS remaining`,
      [orderId],
    );
    for (const r of rows) {
      await tx.query('UPDATE inventory.positions SET reserved = reserved - $3, updated_at = now() WHERE sku = $1 AND location_id = $2', [
        r.sku,
        r.location_id,
        r.remaining,
      ]);
    }
    return rows.map(toReservation);
  },

  /**
   * Turns reserved units of an order line into an on-hand decrement as they ship: both `reserved` and `on_hand`
   * drop by the shipped quantity, so ATP is unchanged by the shipment itself.
   */
  async consume(tx: Queryable, orderId: string, lineId: string, quantity: number): Promise<void> {
    const { rows } = await tx.query<{ id: string; sku: string; location_id: string; left: number }>(
      `SELECT id, sku, location_id, quantity - consumed AS left FROM inventory.reservations
        WHERE order_id = $1 AND line_id = $2 AND status = 'active' ORDER BY created_at FOR UPDATE`,
      [orderId, lineId],
    );
    let remaining = quantity;
    for (const r of rows) {
      if (remaining <= 0) break;
      const take = Math.min(remaining, r.left);
      remaining -= take;
      await tx.query(
        `UPDATE inventory.reservations
            SET consumed = consumed + $2, status = CASE WHEN consumed + $2 = quantity THEN 'consumed' ELSE status END, updated_at = now()
          WHERE id = $1`,
        [r.id, take],
      );
      await tx.query(
        `UPDATE inventory.positions SET reserved = reserved - $3, on_hand = GREATEST(0, on_hand - $3), updated_at = now()
          WHERE sku = $1 AND location_id = $2`,
        [r.sku, r.location_id, take],
      );
    }
  },

  async forOrder(db: Queryable, orderId: string): Promise<Reservation[]> {
    const { rows } = await db.query<ReservationRow>(
      'SELECT id, sku, location_id, quantity, channel, order_id, status, expires_at, created_at FROM inventory.reservations WHERE order_id = $1 ORDER BY id',
      [orderId],
    );
    return rows.map(toReservation);
  },
};

import type { Database, Queryable } from '../../platform/db/database';
import type { AppendEvents } from '../../platform/events/types';
import type { CallerContext } from '../../platform/http/handler-types';
import type { components } from '../../generated/types/process/availability.v1';
import { retryTransaction } from '../orders/retry';
import type { ReferenceData } from '../reference-data/reference-data';
import type { AllocationRules } from './allocation';
import { AvailabilityChanges } from './availability-events';
import { isStockingNode } from './locations';
import { atpOf, lockPosition } from './positions';
import { AvailabilityRejection, unknownLocation, unknownSku } from './problems';
import type { ReservationRow } from './reservations';
import { reservations, toReservation } from './reservations';

type Reservation = components['schemas']['Reservation'];
type CreateReservationRequest = components['schemas']['CreateReservationRequest'];

export const DEFAULT_TTL_SECONDS = 900;

export interface ReservationDeps {
  db: Database;
  ref: ReferenceData;
  rules: AllocationRules;
  appendEvents: AppendEvents;
  now: () => Date;
  lowStockThreshold: number;
}

const COLUMNS = 'id, sku, location_id, quantity, channel, order_id, status, expires_at, created_at';

/** A reservation as callers see it: one past `expiresAt` that the sweeper has not reached yet already reads expired. */
function view(r: ReservationRow, now: Date): Reservation {
  const reservation = toReservation(r);
  return reservation.status === 'active' && new Date(r.expires_at) <= now ? { ...reservation, status: 'expired' } : reservation;
}

/** A partner sees its own reservations only; internal callers (no partner) see all. */
async function find(q: Queryable, id: string, caller: CallerContext): Promise<ReservationRow | undefined> {
  const { rows } = await q.query<ReservationRow>(`SELECT ${COLUMNS} FROM inventory.reservations WHERE id = $1 AND ($2::text IS NULL OR partner_id = $2)`, [
    id,
    caller.partnerId ?? null,
  ]);
  return rows[0];
}

const notFound = (id: string) => new AvailabilityRejection(404, 'not-found', 'Not found', `No reservation ${id}.`);

/**
 * Holds units for a channel at a stocking node. The position row is locked first; the channel's holds are summed
 * after the lock, so racing reservations queue and each sees the ones before it: the channel never exceeds its
 * cap, and all channels together never exceed the ATP. The reservation, the position, the event and the stored
 * idempotent response commit together.
 */
export async function createReservation(deps: ReservationDeps, body: CreateReservationRequest, caller: CallerContext) {
  if (!deps.ref.item(body.sku)) throw unknownSku(body.sku, '/sku');
  const location = deps.ref.location(body.locationId);
  if (!location) throw unknownLocation(`${body.locationId} is not a location.`, '/locationId', 'unknown location');
  if (!isStockingNode(location)) throw unknownLocation(`${body.locationId} is a ${location.type}; reservations are made at a stocking node.`, '/locationId', 'not a stocking node');
  const rule = deps.rules[body.channel];
  const insufficient = (available: number) =>
    new AvailabilityRejection(
      409,
      'insufficient-stock',
      'Insufficient stock',
      `${body.sku} has ${available} units available to promise for ${body.channel} at ${body.locationId}; ${body.quantity} was asked.`,
      [{ pointer: '/quantity', message: `at most ${available} available` }],
    );

  return retryTransaction(() =>
    deps.db.transaction(async (tx) => {
      const now = deps.now();
      // Locked here already (reserve locks it again, a no-op), so the ATP before is the one this reservation changes.
      const locked = await lockPosition(tx, body.sku, body.locationId);
      const atp = locked ? atpOf(locked) : 0;
      const outcome = await reservations.reserve(tx, {
        sku: body.sku,
        locationId: body.locationId,
        quantity: body.quantity,
        channel: body.channel,
        rule,
        ...(body.orderId ? { orderId: body.orderId } : {}),
        ...(caller.partnerId ? { partnerId: caller.partnerId } : {}),
        createdAt: now,
        expiresAt: new Date(now.getTime() + (body.ttlSeconds ?? DEFAULT_TTL_SECONDS) * 1000),
      });
      if (outcome.kind === 'not-stocked') throw insufficient(0);
      if (outcome.kind === 'insufficient') throw insufficient(outcome.atp);
      const changes = new AvailabilityChanges(deps.lowStockThreshold, caller.correlationId);
      changes.record(body.sku, body.locationId, atp, atp - body.quantity);
      await changes.flush(tx, deps.appendEvents);
      const response = { status: 201 as const, body: outcome.reservation, headers: { Location: `/v1/reservations/${outcome.reservation.id}` } };
      await caller.idempotency?.commitResponse(tx, response);
      return response;
    }),
  );
}

export async function getReservation(deps: ReservationDeps, id: string, caller: CallerContext) {
  const row = await find(deps.db, id, caller);
  if (!row) throw notFound(id);
  return { status: 200 as const, body: view(row, deps.now()) };
}

/** Gives an active reservation's units back to ATP at once; consumed, released and expired ones are 409. */
export async function releaseReservation(deps: ReservationDeps, id: string, caller: CallerContext) {
  return retryTransaction(() =>
    deps.db.transaction(async (tx) => {
      const now = deps.now();
      const found = await find(tx, id, caller);
      if (!found) throw notFound(id);
      const position = await lockPosition(tx, found.sku, found.location_id);
      const { rows } = await tx.query<ReservationRow & { remaining: number }>(
        `UPDATE inventory.reservations SET status = 'released', updated_at = $3
          WHERE id = $1 AND status = 'active' AND expires_at > $2
          RETURNING ${COLUMNS}, quantity - consumed AS remaining`,
        [id, now, now],
      );
      const released = rows[0];
      if (!released) {
        const current = view((await find(tx, id, caller)) ?? found, now);
        const why = current.status === 'expired' ? `expired at ${current.expiresAt}` : `is ${current.status}`;
        throw new AvailabilityRejection(409, 'reservation-not-active', 'Reservation not active', `Reservation ${id} ${why}.`);
      }
      const remaining = Number(released.remaining);
      await tx.query('UPDATE inventory.positions SET reserved = reserved - $3, updated_at = $4 WHERE sku = $1 AND location_id = $2', [
        found.sku,
        found.location_id,
        remaining,
        now,
      ]);
      if (position) {
        const before = atpOf(position);
        const changes = new AvailabilityChanges(deps.lowStockThreshold, caller.correlationId);
        changes.record(found.sku, found.location_id, before, atpOf({ ...position, reserved: position.reserved - remaining }));
        await changes.flush(tx, deps.appendEvents);
      }
      const response = { status: 200 as const, body: toReservation(released) };
      await caller.idempotency?.commitResponse(tx, response);
      return response;
    }),
  );
}

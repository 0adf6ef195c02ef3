import type { Queryable } from '../../../platform/db/database';
import { lockOrCreate } from '../../../platform/db/lock-or-create';
import type { AppendEvents } from '../../../platform/events/types';
import type { AvailabilityChanges } from '../availability-events';
import { AVAILABILITY_SOURCE, stockSubject } from '../availability-events';
import type { PositionRow } from '../positions';
import { atpOf, lockPosition, toPosition } from '../positions';
import type { InventoryUpdate } from './inventory-update';
import { judgeSequence } from './sequences';

export type ApplyOutcome =
  | { kind: 'applied'; update: InventoryUpdate; delta: number; previousAtp: number; atp: number; lagSeconds?: number; gap?: { from: number; to: number } }
  | { kind: 'stale'; update: InventoryUpdate; closedGap: boolean }
  | { kind: 'duplicate'; update: InventoryUpdate };

export interface ApplyContext {
  now: Date;
  appendEvents: AppendEvents;
  /** Collects the ATP change; the caller flushes it once per pass (coalesced per SKU × location). */
  changes: AvailabilityChanges;
  correlationId: string;
}

/** The position after the update; quantities never go below zero (a source may know less than it sells). */
function changed(p: PositionRow, u: InventoryUpdate): PositionRow {
  if ('count' in u) return { ...p, on_hand: Math.max(0, u.count) };
  if (u.bucket === 'damaged') return { ...p, damaged: Math.max(0, p.damaged + u.delta) };
  if (u.bucket === 'qualityControl') return { ...p, quality_control: Math.max(0, p.quality_control + u.delta) };
  return { ...p, on_hand: Math.max(0, p.on_hand + u.delta) };
}

/**
 * Applies one ordered stock update inside the caller's transaction: ignores a stale or duplicate sequence,
 * reports a gap, changes the position, emits `inventory.adjusted`, and records the ATP change for the pass's
 * coalesced `inventory.availability-changed`. The position's row lock is taken first, as every writer does.
 */
export async function applyInventoryUpdate(tx: Queryable, u: InventoryUpdate, ctx: ApplyContext): Promise<ApplyOutcome> {
  const before = await lockOrCreate(
    () => lockPosition(tx, u.sku, u.locationId),
    () => tx.query('INSERT INTO inventory.positions (sku, location_id, updated_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [u.sku, u.locationId, ctx.now]),
  );
  if (!before) throw new Error(`position ${u.sku}@${u.locationId} vanished`);

  const verdict = await judgeSequence(tx, u, ctx.now);
  if (verdict.kind === 'duplicate') return { kind: 'duplicate', update: u };
  if (verdict.kind === 'stale') return { kind: 'stale', update: u, closedGap: verdict.closedGap };

  const after = { ...changed(before, u), updated_at: ctx.now };
  await tx.query(
    `UPDATE inventory.positions SET on_hand = $3, damaged = $4, quality_control = $5, updated_at = $6 WHERE sku = $1 AND location_id = $2`,
    [u.sku, u.locationId, after.on_hand, after.damaged, after.quality_control, ctx.now],
  );
  const delta = after.on_hand - before.on_hand;
  await ctx.appendEvents(tx, [
    {
      type: 'inventory.adjusted',
      subject: stockSubject(u.sku, u.locationId),
      source: AVAILABILITY_SOURCE,
      data: { sku: u.sku, locationId: u.locationId, delta, source: u.source, sourceSequence: u.sourceSequence, reason: u.reason, position: toPosition(after) },
      correlationId: ctx.correlationId,
    },
  ]);
  const previousAtp = atpOf(before);
  const atp = atpOf(after);
  ctx.changes.record(u.sku, u.locationId, previousAtp, atp);
  const lagSeconds = u.occurredAt ? Math.max(0, (ctx.now.getTime() - u.occurredAt.getTime()) / 1000) : undefined;
  return {
    kind: 'applied',
    update: u,
    delta,
    previousAtp,
    atp,
    ...(lagSeconds !== undefined ? { lagSeconds } : {}),
    ...(verdict.gap ? { gap: verdict.gap } : {}),
  };
}

import type { Queryable } from '../../platform/db/database';
import type { components } from '../../generated/types/process/availability.v1';
import { ATP_SQL } from './reservations';

export type InventoryPosition = components['schemas']['InventoryPosition'];

export interface PositionRow {
  sku: string;
  location_id: string;
  on_hand: number;
  reserved: number;
  safety_stock: number;
  damaged: number;
  quality_control: number;
  in_transit: number;
  updated_at: Date | string;
}

export const POSITION_COLUMNS = 'sku, location_id, on_hand, reserved, safety_stock, damaged, quality_control, in_transit, updated_at';

/** The contract's formula (contract description, `ATP_SQL`): in transit is reported, never promised. */
export const atpOf = (p: Pick<PositionRow, 'on_hand' | 'reserved' | 'safety_stock' | 'damaged' | 'quality_control'>): number =>
  Math.max(0, p.on_hand - p.reserved - p.safety_stock - p.damaged - p.quality_control);

/** What could be promised with no reservation at all: the base a channel's share is taken of. */
export const sellableOf = (p: Pick<PositionRow, 'on_hand' | 'safety_stock' | 'damaged' | 'quality_control'>): number =>
  Math.max(0, p.on_hand - p.safety_stock - p.damaged - p.quality_control);

export const toPosition = (r: PositionRow): InventoryPosition => ({
  sku: r.sku,
  locationId: r.location_id,
  onHand: r.on_hand,
  reserved: r.reserved,
  safetyStock: r.safety_stock,
  damaged: r.damaged,
  qualityControl: r.quality_control,
  inTransit: r.in_transit,
  atp: atpOf(r),
  updatedAt: new Date(r.updated_at).toISOString(),
});

/** A region's or the network's position: the sum of its locations' positions, ATP included (contract). */
export function aggregate(sku: string, locationId: string, positions: readonly InventoryPosition[]): InventoryPosition {
  const total: InventoryPosition = { sku, locationId, onHand: 0, reserved: 0, safetyStock: 0, damaged: 0, qualityControl: 0, inTransit: 0, atp: 0 };
  let latest: string | undefined;
  for (const p of positions) {
    total.onHand += p.onHand;
    total.reserved += p.reserved;
    total.safetyStock += p.safetyStock;
    total.damaged += p.damaged;
    total.qualityControl += p.qualityControl;
    total.inTransit += p.inTransit;
    total.atp += p.atp;
    if (p.updatedAt && (!latest || p.updatedAt > latest)) latest = p.updatedAt;
  }
  return latest ? { ...total, updatedAt: latest } : total;
}

/** Locks one position row (every writer of a position takes this lock first) and reads it. */
export async function lockPosition(tx: Queryable, sku: string, locationId: string): Promise<PositionRow | undefined> {
  const { rows } = await tx.query<PositionRow>(`SELECT ${POSITION_COLUMNS} FROM inventory.positions WHERE sku = $1 AND location_id = $2 FOR UPDATE`, [sku, locationId]);
  return rows[0];
}

/** The ATP of one position as the database has it now (inside the caller's transaction). */
export async function currentAtp(tx: Queryable, sku: string, locationId: string): Promise<number> {
  const { rows } = await tx.query<{ atp: number }>(`SELECT ${ATP_SQL} AS atp FROM inventory.positions WHERE sku = $1 AND location_id = $2`, [sku, locationId]);
  return Number(rows[0]?.atp ?? 0);
}

import type { Queryable } from '../../platform/db/database';
import type { Disposition } from './model';

/**
 * Received units are on hand at the receiving location but held in quality control, so they are never promised
 * before inspection. The position is created if the location never stocked the SKU.
 */
export async function holdReceived(tx: Queryable, sku: string, locationId: string, quantity: number): Promise<void> {
  await tx.query(
    `INSERT INTO inventory.positions (sku, location_id, on_hand, quality_control) VALUES ($1, $2, $3, $3)
     ON CONFLICT (sku, location_id) DO UPDATE
       SET on_hand = inventory.positions.on_hand + $3, quality_control = inventory.positions.quality_control + $3, updated_at = now()`,
    [sku, locationId, quantity],
  );
}

/**
 * Moves held units out of quality control by disposition: resellable to sellable on hand (ATP rises), refurbish
 * stays in quality control, quarantine to damaged, scrap written off. Only `resellable` ever raises ATP.
 */
const MOVES: Readonly<Record<Disposition, string | undefined>> = {
  resellable: 'quality_control = GREATEST(0, quality_control - $3)',
  refurbish: undefined,
  quarantine: 'quality_control = GREATEST(0, quality_control - $3), damaged = damaged + $3',
  scrap: 'quality_control = GREATEST(0, quality_control - $3), on_hand = GREATEST(0, on_hand - $3)',
};

export async function applyDisposition(tx: Queryable, sku: string, locationId: string, quantity: number, disposition: Disposition): Promise<void> {
  const move = MOVES[disposition];
  if (move) await tx.query(`UPDATE inventory.positions SET ${move}, updated_at = now() WHERE sku = $1 AND location_id = $2`, [sku, locationId, quantity]);
}

/** Goods of a rejected return go back to the customer: they leave quality control and on hand, as scrapped units do. */
export const sendBack = (tx: Queryable, sku: string, locationId: string, quantity: number): Promise<void> => applyDisposition(tx, sku, locationId, quantity, 'scrap');

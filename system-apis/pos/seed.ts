import type { Queryable } from '../../platform/db/database';
import { DEMO_CURRENCY, DEMO_TAX_RATE_BP, demoItems, demoLocations } from '../demo-data';

/** POS's own store list (S1–S6) and item list with the net price and tax rate its tills use. */
export async function seedPos(tx: Queryable): Promise<void> {
  const stores = demoLocations.filter((l) => l.type === 'store');
  await tx.query(`INSERT INTO pos.stores (id, name, pickup_enabled) SELECT * FROM unnest($1::text[], $2::text[], $3::boolean[])`, [
    stores.map((s) => s.id),
    stores.map((s) => s.name),
    stores.map((s) => s.pickupEnabled),
  ]);
  await tx.query(
    `INSERT INTO pos.items (sku, name, currency, price, tax_rate_bp)
     SELECT sku, name, $3::text, price, $4::integer FROM unnest($1::text[], $2::text[], $5::bigint[]) AS t (sku, name, price)`,
    [demoItems.map((i) => i.sku), demoItems.map((i) => i.name), DEMO_CURRENCY, DEMO_TAX_RATE_BP, demoItems.map((i) => i.price)],
  );
}

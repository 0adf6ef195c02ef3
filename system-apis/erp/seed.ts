import type { Queryable } from '../../platform/db/database';
import { DEMO_CURRENCY, DEMO_TAX_RATE_BP, demoItems, demoLocations } from '../demo-data';

/** ERP's item master (every demo SKU, active, at its demo net price) and location master. */
export async function seedErp(tx: Queryable): Promise<void> {
  await tx.query(
    `INSERT INTO erp.items (sku, name, currency, price, tax_rate_bp, active)
     SELECT sku, name, $3::text, price, $4::integer, true FROM unnest($1::text[], $2::text[], $5::bigint[]) AS t (sku, name, price)`,
    [demoItems.map((i) => i.sku), demoItems.map((i) => i.name), DEMO_CURRENCY, DEMO_TAX_RATE_BP, demoItems.map((i) => i.price)],
  );
  // demoLocations lists parents before children, which is the order the location master is listed in.
  await tx.query(
    `INSERT INTO erp.locations (id, position, name, type, parent_id, pickup_enabled, ship_from_store_enabled)
     SELECT * FROM unnest($1::text[], $2::integer[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::boolean[])`,
    [
      demoLocations.map((l) => l.id),
      demoLocations.map((_, i) => i + 1),
      demoLocations.map((l) => l.name),
      demoLocations.map((l) => l.type),
      demoLocations.map((l) => l.parentId ?? null),
      demoLocations.map((l) => l.pickupEnabled),
      demoLocations.map((l) => l.shipFromStoreEnabled),
    ],
  );
}

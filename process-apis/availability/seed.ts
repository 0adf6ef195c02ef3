import type { Database } from '../../platform/db/database';
import { demoStock } from '../../system-apis/demo-data';

/** The demo stock as rows `x(sku, "locationId", "onHand", "safetyStock")`, from `JSON.stringify(demoStock)` as $1. */
export const DEMO_STOCK_ROWS = `jsonb_to_recordset($1::text::jsonb) AS x(sku text, "locationId" text, "onHand" integer, "safetyStock" integer)`;

/**
 * Seeds the sandbox stock positions on the first start (an empty `inventory.positions`); later starts keep what
 * the running system made of them. Without the sandbox, positions come from the systems' inventory updates.
 */
export async function seedSandboxStock(db: Database): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query('LOCK TABLE inventory.positions IN EXCLUSIVE MODE');
    const { rows } = await tx.query('SELECT 1 FROM inventory.positions LIMIT 1');
    if (rows.length > 0) return 0;
    await tx.query(
      `INSERT INTO inventory.positions (sku, location_id, on_hand, safety_stock)
       SELECT x.sku, x."locationId", x."onHand", x."safetyStock"
         FROM ${DEMO_STOCK_ROWS}`,
      [JSON.stringify(demoStock)],
    );
    return demoStock.length;
  });
}

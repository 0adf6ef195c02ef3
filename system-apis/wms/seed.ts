import type { Queryable } from '../../platform/db/database';
import { demoItems, demoLocations } from '../demo-data';
import { WMS_NODE_TYPES } from './nodes';

/** WMS's own node list (DC1, DC2, DS1, 3PL1) and item list. */
export async function seedWms(tx: Queryable): Promise<void> {
  const nodes = demoLocations.filter((l) => WMS_NODE_TYPES.has(l.type));
  await tx.query(`INSERT INTO wms.nodes (id, name, type) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`, [
    nodes.map((n) => n.id),
    nodes.map((n) => n.name),
    nodes.map((n) => n.type),
  ]);
  await tx.query(`INSERT INTO wms.items (sku, name) SELECT * FROM unnest($1::text[], $2::text[])`, [
    demoItems.map((i) => i.sku),
    demoItems.map((i) => i.name),
  ]);
}

import type { WmsV1Handlers } from '../../generated/handlers/system/wms.v1';
import type { components } from '../../generated/types/system/wms.v1';
import { checkSkus } from '../common/catalogue';
import { insertCommitted } from '../common/committed';
import type { SystemDeps } from '../common/deps';
import { formatDocId } from '../common/document-ids';
import { listPage, tableList } from '../common/listing';
import { iso, isoOrUndefined, num, opt } from '../common/rows';
import { checkWmsNode } from './nodes';

type InventoryMovement = components['schemas']['InventoryMovement'];

interface MovementRow {
  no: number | string;
  type: InventoryMovement['type'];
  sku: string;
  location_id: string;
  quantity: number;
  source: InventoryMovement['source'];
  source_sequence: number | string;
  occurred_at: Date | string;
  reference: string | null;
  status: InventoryMovement['status'];
  received_at: Date | string;
  applied_at: Date | string | null;
}

const COLUMNS = 'no, type, sku, location_id, quantity, source, source_sequence, occurred_at, reference, status, received_at, applied_at';
const SELECT = `SELECT ${COLUMNS} FROM wms.inventory_movements`;

const toMovement = (r: MovementRow): InventoryMovement => ({
  id: formatDocId('IM', num(r.no)),
  type: r.type,
  sku: r.sku,
  locationId: r.location_id,
  quantity: r.quantity,
  source: r.source,
  sourceSequence: num(r.source_sequence),
  occurredAt: iso(r.occurred_at),
  ...opt('reference', r.reference),
  status: r.status,
  receivedAt: iso(r.received_at),
  ...opt('appliedAt', isoOrUndefined(r.applied_at)),
});

export function inventoryMovementHandlers({ db, now }: SystemDeps): Pick<WmsV1Handlers, 'listInventoryMovements' | 'createInventoryMovement'> {
  return {
    listInventoryMovements: (req, caller) => {
      const { sku, locationId, type } = req.query;
      return listPage(caller, req.query, tableList(db, 'inventory-movements', SELECT, { sku, location_id: locationId, type }, toMovement));
    },

    // Recorded `accepted` with its source and sequence as given: WMS does not judge their order, Concord's
    // inventory does. Applying it (and emitting the update) comes with the inventory feed.
    async createInventoryMovement(req, caller) {
      const b = req.body;
      const invalid = (await checkWmsNode(db, b.locationId, '/locationId', caller)) ?? (await checkSkus(db, 'wms.items', [['/sku', b.sku]], caller));
      if (invalid) return invalid;
      return insertCommitted(db, caller, {
        what: 'inventory movement',
        sql: `INSERT INTO wms.inventory_movements (type, sku, location_id, quantity, source, source_sequence, occurred_at, reference, status, received_at)
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'accepted', $9) RETURNING ${COLUMNS}`,
        params: [b.type, b.sku, b.locationId, b.quantity, b.source, b.sourceSequence, b.occurredAt, b.reference ?? null, now()],
        status: 202,
        toBody: toMovement,
      });
    },
  };
}

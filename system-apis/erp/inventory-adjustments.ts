import type { ErpV1Handlers } from '../../generated/handlers/system/erp.v1';
import type { components } from '../../generated/types/system/erp.v1';
import { checkSkus } from '../common/catalogue';
import { insertCommitted } from '../common/committed';
import type { SystemDeps } from '../common/deps';
import { formatDocId } from '../common/document-ids';
import { listPage, tableList } from '../common/listing';
import { unprocessable } from '../common/problems';
import { iso, isoOrUndefined, num, opt } from '../common/rows';
import { STOCK_HOLDING_TYPES, findLocationType } from './locations';

type InventoryAdjustment = components['schemas']['InventoryAdjustment'];

interface AdjustmentRow {
  no: number | string;
  sku: string;
  location_id: string;
  delta: number;
  reason: InventoryAdjustment['reason'];
  note: string | null;
  source: InventoryAdjustment['source'];
  source_sequence: number | string;
  occurred_at: Date | string | null;
  booked_at: Date | string;
}

const COLUMNS = 'no, sku, location_id, delta, reason, note, source, source_sequence, occurred_at, booked_at';
const SELECT = `SELECT ${COLUMNS} FROM erp.inventory_adjustments`;

const toAdjustment = (r: AdjustmentRow): InventoryAdjustment => ({
  id: formatDocId('IA', num(r.no)),
  sku: r.sku,
  locationId: r.location_id,
  delta: r.delta,
  reason: r.reason,
  ...opt('note', r.note),
  source: r.source,
  sourceSequence: num(r.source_sequence),
  ...opt('occurredAt', isoOrUndefined(r.occurred_at)),
  bookedAt: iso(r.booked_at),
});

export function inventoryAdjustmentHandlers({ db, now }: SystemDeps): Pick<ErpV1Handlers, 'listInventoryAdjustments' | 'createInventoryAdjustment'> {
  return {
    listInventoryAdjustments: (req, caller) =>
      listPage(caller, req.query, tableList(db, 'inventory-adjustments', SELECT, { sku: req.query.sku, location_id: req.query.locationId }, toAdjustment)),

    // Source and sequence are booked as given: ERP does not judge their order; Concord's inventory does.
    async createInventoryAdjustment(req, caller) {
      const b = req.body;
      const unknownSku = await checkSkus(db, 'erp.items', [['/sku', b.sku]], caller);
      if (unknownSku) return unknownSku;
      const type = await findLocationType(db, b.locationId);
      if (type === undefined || !STOCK_HOLDING_TYPES.has(type)) {
        const detail = type === undefined ? `${b.locationId} is not in the location master.` : `${b.locationId} is a ${type} and holds no stock.`;
        return unprocessable(caller, 'unknown-location', detail, [{ pointer: '/locationId', message: 'not a stock-holding location' }]);
      }
      return insertCommitted(db, caller, {
        what: 'inventory adjustment',
        sql: `INSERT INTO erp.inventory_adjustments (sku, location_id, delta, reason, note, source, source_sequence, occurred_at, booked_at)
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
        params: [b.sku, b.locationId, b.delta, b.reason, b.note ?? null, b.source, b.sourceSequence, b.occurredAt ?? null, now()],
        status: 201,
        toBody: toAdjustment,
      });
    },
  };
}

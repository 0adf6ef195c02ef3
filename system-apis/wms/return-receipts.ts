import type { WmsV1Handlers } from '../../generated/handlers/system/wms.v1';
import type { components } from '../../generated/types/system/wms.v1';
import { checkSkus } from '../common/catalogue';
import { insertCommitted } from '../common/committed';
import type { SystemDeps } from '../common/deps';
import { formatDocId } from '../common/document-ids';
import { listPage, tableList } from '../common/listing';
import { iso, json, num } from '../common/rows';
import { checkWmsNode } from './nodes';

type ReturnReceipt = components['schemas']['ReturnReceipt'];

interface ReceiptRow {
  no: number | string;
  return_id: string;
  location_id: string;
  lines: ReturnReceipt['lines'];
  received_at: Date | string;
  recorded_at: Date | string;
}

const COLUMNS = 'no, return_id, location_id, lines, received_at, recorded_at';
const SELECT = `SELECT ${COLUMNS} FROM wms.return_receipts`;

const toReceipt = (r: ReceiptRow): ReturnReceipt => ({
  id: formatDocId('RR', num(r.no)),
  returnId: r.return_id,
  locationId: r.location_id,
  lines: r.lines,
  receivedAt: iso(r.received_at),
  recordedAt: iso(r.recorded_at),
});

/**
 * Returned units received at a WMS node, with the condition found. They go to quality control, never straight to
 * sellable stock; Concord's returns process checks the quantities and decides the disposition, so several receipts
 * per return are fine.
 */
export function returnReceiptHandlers({ db, now }: SystemDeps): Pick<WmsV1Handlers, 'listReturnReceipts' | 'createReturnReceipt'> {
  return {
    listReturnReceipts: (req, caller) =>
      listPage(caller, req.query, tableList(db, 'return-receipts', SELECT, { return_id: req.query.returnId }, toReceipt)),

    async createReturnReceipt(req, caller) {
      const b = req.body;
      const invalid =
        (await checkWmsNode(db, b.locationId, '/locationId', caller)) ??
        (await checkSkus(db, 'wms.items', b.lines.map((l, i) => [`/lines/${i}/sku`, l.sku] as const), caller));
      if (invalid) return invalid;
      const at = now();
      return insertCommitted(db, caller, {
        what: 'return receipt',
        sql: `INSERT INTO wms.return_receipts (return_id, location_id, lines, received_at, recorded_at) VALUES ($1, $2, $3::jsonb, $4, $5) RETURNING ${COLUMNS}`,
        params: [b.returnId, b.locationId, json(b.lines), b.receivedAt ?? at, at],
        status: 201,
        toBody: toReceipt,
      });
    },
  };
}

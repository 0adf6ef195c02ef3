import type { PosV1Handlers } from '../../generated/handlers/system/pos.v1';
import type { components } from '../../generated/types/system/pos.v1';
import { checkSkus } from '../common/catalogue';
import { insertCommitted } from '../common/committed';
import type { SystemDeps } from '../common/deps';
import { formatDocId } from '../common/document-ids';
import { listPage, tableList } from '../common/listing';
import { iso, json, num, opt, isoOrUndefined } from '../common/rows';
import { checkStore } from './stores';

type StockCount = components['schemas']['StockCount'];

interface CountRow {
  no: number | string;
  store_id: string;
  counts: StockCount['counts'];
  source_sequence: number | string;
  occurred_at: Date | string;
  status: StockCount['status'];
  received_at: Date | string;
  applied_at: Date | string | null;
}

const COLUMNS = 'no, store_id, counts, source_sequence, occurred_at, status, received_at, applied_at';

const toCount = (r: CountRow): StockCount => ({
  id: formatDocId('CNT', num(r.no)),
  storeId: r.store_id,
  counts: r.counts,
  sourceSequence: num(r.source_sequence),
  occurredAt: iso(r.occurred_at),
  status: r.status,
  receivedAt: iso(r.received_at),
  ...opt('appliedAt', isoOrUndefined(r.applied_at)),
});

export function stockCountHandlers({ db, now }: SystemDeps): Pick<PosV1Handlers, 'createStockCount' | 'listStockCounts'> {
  return {
    listStockCounts: (req, caller) => listPage(caller, req.query, tableList(db, 'stock-counts', `SELECT ${COLUMNS} FROM pos.stock_counts`, { store_id: req.query.storeId }, toCount)),

    // Recorded `accepted` with the store's sequence as given: POS does not judge the order of sequences, Concord's
    // inventory does. Applying it (and emitting the updates) comes with the inventory feed.
    async createStockCount(req, caller) {
      const b = req.body;
      const invalid =
        (await checkStore(db, b.storeId, '/storeId', caller)) ??
        (await checkSkus(db, 'pos.items', b.counts.map((c, i) => [`/counts/${i}/sku`, c.sku] as const), caller));
      if (invalid) return invalid;
      return insertCommitted(db, caller, {
        what: 'stock count',
        sql: `INSERT INTO pos.stock_counts (store_id, counts, source_sequence, occurred_at, status, received_at)
              VALUES ($1, $2::jsonb, $3, $4, 'accepted', $5) RETURNING ${COLUMNS}`,
        params: [b.storeId, json(b.counts), b.sourceSequence, b.occurredAt, now()],
        status: 202,
        toBody: toCount,
      });
    },
  };
}

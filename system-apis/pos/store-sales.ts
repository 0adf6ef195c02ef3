import type { PosV1Handlers } from '../../generated/handlers/system/pos.v1';
import type { components } from '../../generated/types/system/pos.v1';
import type { CallerContext } from '../../platform/http/handler-types';
import type { Queryable } from '../../platform/db/database';
import { checkSkus } from '../common/catalogue';
import { insertCommitted } from '../common/committed';
import type { SystemDeps } from '../common/deps';
import { formatDocId } from '../common/document-ids';
import { money, sum, taxOf } from '../common/money';
import { listPage, tableList } from '../common/listing';
import type { FieldError } from '../common/problems';
import { unprocessable } from '../common/problems';
import { iso, json, num } from '../common/rows';
import { checkStore } from './stores';

type StoreSale = components['schemas']['StoreSale'];
type CreateStoreSaleRequest = components['schemas']['CreateStoreSaleRequest'];

interface SaleRow {
  no: number | string;
  store_id: string;
  receipt_id: string;
  currency: string;
  lines: StoreSale['lines'];
  tenders: StoreSale['tenders'];
  total: number | string;
  source_sequence: number | string;
  occurred_at: Date | string;
  recorded_at: Date | string;
}

const COLUMNS = 'no, store_id, receipt_id, currency, lines, tenders, total, source_sequence, occurred_at, recorded_at';
const SELECT = `SELECT ${COLUMNS} FROM pos.store_sales`;

const toSale = (r: SaleRow): StoreSale => ({
  id: formatDocId('SS', num(r.no)),
  storeId: r.store_id,
  receiptId: r.receipt_id,
  currency: r.currency,
  lines: r.lines,
  tenders: r.tenders,
  total: money(r.currency, num(r.total)),
  sourceSequence: num(r.source_sequence),
  occurredAt: iso(r.occurred_at),
  recordedAt: iso(r.recorded_at),
});

/** The sale's lines with tax filled in from the till's item rates, and its total; or the 422 the contract declares. */
async function priceSale(q: Queryable, b: CreateStoreSaleRequest, caller: CallerContext) {
  const currency = b.currency ?? b.lines[0]?.unitPrice.currency ?? '';
  const moneys: Array<[string, { currency: string }]> = [];
  b.lines.forEach((l, i) => {
    moneys.push([`/lines/${i}/unitPrice/currency`, l.unitPrice]);
    if (l.tax) moneys.push([`/lines/${i}/tax/currency`, l.tax]);
  });
  b.tenders.forEach((t, i) => moneys.push([`/tenders/${i}/amount/currency`, t.amount]));
  const mismatched: FieldError[] = moneys
    .filter(([, m]) => m.currency !== currency)
    .map(([pointer, m]) => ({ pointer, message: `${m.currency} is not the sale currency ${currency}` }));
  if (mismatched.length > 0) return { ok: false as const, problem: unprocessable(caller, 'validation', `Every amount must be in ${currency}.`, mismatched) };

  const unknown = await checkSkus(q, 'pos.items', b.lines.map((l, i) => [`/lines/${i}/sku`, l.sku] as const), caller);
  if (unknown) return { ok: false as const, problem: unknown };
  const { rows } = await q.query<{ sku: string; tax_rate_bp: number }>('SELECT sku, tax_rate_bp FROM pos.items WHERE sku = ANY($1::text[])', [
    b.lines.map((l) => l.sku),
  ]);
  const rate = new Map(rows.map((r) => [r.sku, r.tax_rate_bp]));
  const lines = b.lines.map((l) => ({
    sku: l.sku,
    quantity: l.quantity,
    unitPrice: l.unitPrice,
    tax: l.tax ?? money(currency, taxOf(l.quantity * l.unitPrice.amount, rate.get(l.sku) ?? 0)),
  }));
  const total = sum(lines.map((l) => l.quantity * l.unitPrice.amount + l.tax.amount));
  const tendered = sum(b.tenders.map((t) => t.amount.amount));
  if (tendered !== total) {
    return {
      ok: false as const,
      problem: unprocessable(caller, 'tender-mismatch', `Tenders add up to ${tendered} ${currency} minor units; the sale total is ${total}.`, [
        { pointer: '/tenders', message: `must add up to ${total}` },
      ]),
    };
  }
  return { ok: true as const, currency, lines, total };
}

export function storeSaleHandlers({ db, now }: SystemDeps): Pick<PosV1Handlers, 'listStoreSales' | 'createStoreSale'> {
  return {
    listStoreSales: (req, caller) =>
      listPage(caller, req.query, tableList(db, 'store-sales', SELECT, { store_id: req.query.storeId }, toSale)),

    // A repeated receiptId or an out-of-order sequence is recorded as given: Concord's inventory ignores stale and
    // duplicate sequences, and an Idempotency-Key makes a retry safe.
    async createStoreSale(req, caller) {
      const b = req.body;
      const notStore = await checkStore(db, b.storeId, '/storeId', caller);
      if (notStore) return notStore;
      const priced = await priceSale(db, b, caller);
      if (!priced.ok) return priced.problem;
      return insertCommitted(db, caller, {
        what: 'store sale',
        sql: `INSERT INTO pos.store_sales (store_id, receipt_id, currency, lines, tenders, total, source_sequence, occurred_at, recorded_at)
              VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
        params: [b.storeId, b.receiptId, priced.currency, json(priced.lines), json(b.tenders), priced.total, b.sourceSequence, b.occurredAt, now()],
        status: 201,
        toBody: toSale,
      });
    },
  };
}

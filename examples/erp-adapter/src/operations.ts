import type { ProblemAnswer } from '../mapping/errors';
import { problemAnswer, timedOut } from '../mapping/errors';
import { toCreditMemo, toVendorCreditDoc } from '../mapping/credit-memos';
import { decodeCursor, encodeCursor, vbelnOf } from '../mapping/ids';
import { toInventoryAdjustment } from '../mapping/inventory-adjustments';
import { toItem } from '../mapping/items';
import { toLocation } from '../mapping/locations';
import { percentToBasisPoints } from '../mapping/money';
import { CurrencyMismatch, toSalesOrder, toVendorSalesDoc } from '../mapping/sales-orders';
import type { Erp } from '../mapping/types';
import type { VendorCreditDoc, VendorMaterial, VendorPlant, VendorSalesDoc, VendorStockPosting } from '../vendor-stub/types';
import type { ExactlyOnce } from './exactly-once';
import { failure } from './exactly-once';
import type { VendorClient, VendorOutcome } from './vendor-client';

/** One answer of the adapter: a status, a JSON body (erp.v1 shape or a problem), extra headers. */
export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface OperationDeps {
  vendor: VendorClient;
  once: ExactlyOnce;
  /** Seconds a caller is told to wait when a posting's outcome is unknown. */
  retryAfterSeconds: number;
  /** ERP_ADAPTER_BREAK: a deliberate mapping bug, for showing that provider verification catches one. */
  brokenMapping?: 'drop-field';
}

const problem = (p: ProblemAnswer): Answer => ({ status: p.status, body: p.problem, ...(p.headers ? { headers: p.headers } : {}) });
const badRequest = (detail: string, pointer?: string): Answer =>
  problem(problemAnswer(400, 'validation', 'Request validation failed', detail, pointer ? { errors: [{ pointer, message: detail }] } : {}));
const limitOf = (q: URLSearchParams): number => {
  const n = Number(q.get('limit') ?? 50);
  return Number.isInteger(n) && n >= 1 && n <= 200 ? n : NaN;
};

/** A read: the vendor's answer mapped, or its failure as erp.v1's problem (a read that timed out is a 504). */
async function read<T>(deps: OperationDeps, outcome: Promise<VendorOutcome<T>>, map: (body: T) => Answer): Promise<Answer> {
  const o = await outcome;
  if (o.kind === 'ok') return map(o.body);
  if (o.kind === 'unknown') return problem(timedOut());
  return problem(failure(o, 'read', deps.retryAfterSeconds));
}

/** The erp.v1 operations Concord's process APIs call, each on top of the vendor's API. */
export function erpOperations(deps: OperationDeps) {
  const { vendor, once } = deps;

  const findSalesDoc = async (externalRef: string): Promise<VendorOutcome<VendorSalesDoc | undefined>> => {
    const o = await vendor.call<{ DOCS: VendorSalesDoc[] }>('GET', `/api/v2/sales-docs?bstkd=${encodeURIComponent(externalRef)}`);
    // The vendor does not keep BSTKD unique; if a double posting ever slipped through, the first one is the order.
    return o.kind === 'ok' ? { ...o, body: o.body.DOCS.sort((a, b) => a.VBELN - b.VBELN)[0] } : o;
  };

  return {
    async listItems(q: URLSearchParams): Promise<Answer> {
      const limit = limitOf(q);
      if (Number.isNaN(limit)) return badRequest('limit must be an integer from 1 to 200', '/limit');
      let from: string | undefined;
      try {
        from = decodeCursor(q.get('cursor') ?? undefined);
      } catch {
        return badRequest('cursor is malformed', '/cursor');
      }
      const skus = q.get('skus');
      const query = new URLSearchParams({ max: String(limit), ...(from ? { from } : {}), ...(skus ? { matnr: skus } : {}) });
      return read(deps, vendor.call<{ MATERIALS: VendorMaterial[]; MORE: boolean }>('GET', `/api/v2/materials?${query}`), (body) => {
        const page: Erp['ItemPage'] = {
          items: body.MATERIALS.map((m) => toItem(m, { dropTaxRate: deps.brokenMapping === 'drop-field' })),
          nextCursor: body.MORE && body.MATERIALS.length ? encodeCursor(body.MATERIALS.at(-1)!.MATNR) : null,
        };
        return { status: 200, body: page };
      });
    },

    async getItem(sku: string): Promise<Answer> {
      return read(deps, vendor.call<{ MATERIALS: VendorMaterial[] }>('GET', `/api/v2/materials?matnr=${encodeURIComponent(sku)}&max=1`), (body) => {
        const m = body.MATERIALS[0];
        return m ? { status: 200, body: toItem(m) } : problem(problemAnswer(404, 'not-found', 'Not found', `${sku} is not in the item master.`));
      });
    },

    async listLocations(q: URLSearchParams): Promise<Answer> {
      const limit = limitOf(q);
      if (Number.isNaN(limit)) return badRequest('limit must be an integer from 1 to 200', '/limit');
      // The vendor returns its (small) plant list whole; erp.v1 pages, so the adapter pages by offset over it.
      const offset = Number(decodeCursorSafe(q.get('cursor')) ?? 0);
      if (!Number.isInteger(offset) || offset < 0) return badRequest('cursor is malformed', '/cursor');
      return read(deps, vendor.call<{ PLANTS: VendorPlant[] }>('GET', '/api/v2/plants'), (body) => {
        const page: Erp['LocationPage'] = {
          items: body.PLANTS.slice(offset, offset + limit).map(toLocation),
          nextCursor: offset + limit < body.PLANTS.length ? encodeCursor(offset + limit) : null,
        };
        return { status: 200, body: page };
      });
    },

    async createSalesOrder(req: Erp['CreateSalesOrderRequest']): Promise<Answer> {
      // Lines without tax get erp.v1's default from the item's rate, which only the vendor's material knows.
      const untaxed = [...new Set(req.lines.filter((l) => !l.tax).map((l) => l.sku))];
      const rates = new Map<string, number>();
      if (untaxed.length) {
        const o = await vendor.call<{ MATERIALS: VendorMaterial[] }>('GET', `/api/v2/materials?matnr=${untaxed.map(encodeURIComponent).join(',')}&max=${untaxed.length}`);
        if (o.kind !== 'ok') return o.kind === 'unknown' ? problem(timedOut()) : problem(failure(o, 'read', deps.retryAfterSeconds));
        for (const m of o.body.MATERIALS) rates.set(m.MATNR, percentToBasisPoints(m.MWST_PCT));
      }
      let doc;
      try {
        doc = toVendorSalesDoc(req, (sku) => rates.get(sku) ?? 0);
      } catch (err) {
        if (err instanceof CurrencyMismatch) return problem(problemAnswer(422, 'validation', 'Request validation failed', err.message, { errors: [{ pointer: err.pointer, message: 'not in the sales order currency' }] }));
        throw err;
      }
      const result = await once.post<VendorSalesDoc>({
        key: `sales-order:${req.externalRef}`,
        operation: 'sales-order',
        lookup: () => findSalesDoc(req.externalRef),
        create: () => vendor.call<VendorSalesDoc>('POST', '/api/v2/sales-docs', doc),
        docNumber: (d) => d.VBELN,
      });
      if ('failed' in result) return problem(result.failed);
      const so = toSalesOrder(result.doc);
      return { status: result.created ? 201 : 200, body: so, headers: result.created ? { location: `/system/erp/v1/sales-orders/${so.id}` } : {} };
    },

    async listSalesOrders(q: URLSearchParams): Promise<Answer> {
      const ref = q.get('externalRef');
      if (!ref) return problem(problemAnswer(501, 'not-implemented', 'Not implemented', 'This adapter lists sales orders by externalRef only.'));
      return read(deps, findSalesDoc(ref), (d) => ({ status: 200, body: { items: d ? [toSalesOrder(d)] : [], nextCursor: null } }));
    },

    async getSalesOrder(id: string): Promise<Answer> {
      const vbeln = vbelnOf(id);
      if (vbeln === undefined) return problem(problemAnswer(404, 'not-found', 'Not found', `${id} is not a sales order of this ERP.`));
      const o = await vendor.call<VendorSalesDoc>('GET', `/api/v2/sales-docs/${vbeln}`);
      if (o.kind === 'rejected') return problem(failure(o, 'cancel', deps.retryAfterSeconds));
      return read(deps, Promise.resolve(o), (d) => ({ status: 200, body: toSalesOrder(d) }));
    },

    async cancelSalesOrder(id: string, req: Erp['CancelSalesOrderRequest']): Promise<Answer> {
      const vbeln = vbelnOf(id);
      if (vbeln === undefined) return problem(problemAnswer(404, 'not-found', 'Not found', `${id} is not a sales order of this ERP.`));
      const o = await vendor.call<VendorSalesDoc>('POST', `/api/v2/sales-docs/${vbeln}/cancel`, { TEXT: req.reason });
      if (o.kind === 'ok') return { status: 200, body: toSalesOrder(o.body) };
      // erp.v1's cancel is idempotent; the vendor's is not ("already cancelled"): answer with the document as it is.
      // A cancel whose answer was lost (unknown) is retried by Concord and lands here too.
      if (o.kind === 'rejected' && o.error.errCode === 'V1/340') return this.getSalesOrder(id);
      return problem(failure(o, 'cancel', deps.retryAfterSeconds));
    },

    async createCreditMemo(req: Erp['CreateCreditMemoRequest']): Promise<Answer> {
      // The vendor credits a sales document by number: from salesOrderId, else by Concord's order id.
      let so: VendorSalesDoc | undefined;
      const vbeln = req.salesOrderId ? vbelnOf(req.salesOrderId) : undefined;
      const found = vbeln !== undefined ? await vendor.call<VendorSalesDoc>('GET', `/api/v2/sales-docs/${vbeln}`) : await findSalesDoc(req.orderExternalRef);
      if (found.kind === 'ok') so = found.body;
      else if (found.kind === 'unknown') return problem(failure(found, 'read', deps.retryAfterSeconds));
      else if (found.kind === 'unavailable' || found.error.errCode !== 'V1/302') return problem(failure(found, 'credit-memo', deps.retryAfterSeconds));
      if (!so) {
        return problem(problemAnswer(422, 'validation', 'Request validation failed', `No sales order for ${req.salesOrderId ?? req.orderExternalRef}.`, { errors: [{ pointer: req.salesOrderId ? '/salesOrderId' : '/orderExternalRef', message: 'no such sales order' }] }));
      }
      const salesDoc = so;
      const result = await once.post<VendorCreditDoc>({
        key: `credit-memo:${req.externalRef}`,
        operation: 'credit-memo',
        lookup: async () => {
          const o = await vendor.call<{ DOCS: VendorCreditDoc[] }>('GET', `/api/v2/credit-docs?xblnr=${encodeURIComponent(req.externalRef)}`);
          return o.kind === 'ok' ? { ...o, body: o.body.DOCS.sort((a, b) => a.BELNR - b.BELNR)[0] } : o;
        },
        create: () => vendor.call<VendorCreditDoc>('POST', '/api/v2/credit-docs', toVendorCreditDoc(req, salesDoc.VBELN)),
        docNumber: (d) => d.BELNR,
      });
      if ('failed' in result) return problem(result.failed);
      const memo = toCreditMemo(result.doc, salesDoc.WAERS);
      return { status: result.created ? 201 : 200, body: memo, headers: result.created ? { location: `/system/erp/v1/credit-memos/${memo.id}` } : {} };
    },

    async listInventoryAdjustments(q: URLSearchParams): Promise<Answer> {
      const limit = limitOf(q);
      if (Number.isNaN(limit)) return badRequest('limit must be an integer from 1 to 200', '/limit');
      const below = decodeCursorSafe(q.get('cursor'));
      if (below !== undefined && !/^\d+$/.test(below)) return badRequest('cursor is malformed', '/cursor');
      const query = new URLSearchParams({ max: String(limit), ...(below ? { below } : {}) });
      return read(deps, vendor.call<{ POSTINGS: VendorStockPosting[]; MORE: boolean }>('GET', `/api/v2/stock-postings?${query}`), (body) => {
        const page: Erp['InventoryAdjustmentPage'] = {
          // Newest first, as erp.v1 lists them: Concord's feed poller reads from the top down to what it has seen.
          items: body.POSTINGS.map(toInventoryAdjustment),
          nextCursor: body.MORE && body.POSTINGS.length ? encodeCursor(body.POSTINGS.at(-1)!.MBLNR) : null,
        };
        return { status: 200, body: page };
      });
    },
  };
}

function decodeCursorSafe(cursor: string | null): string | undefined {
  try {
    return decodeCursor(cursor ?? undefined);
  } catch {
    return 'x';
  }
}

export type ErpOperations = ReturnType<typeof erpOperations>;

import type { CreateVendorSalesDoc, VendorDocStatus, VendorPayment, VendorSalesDoc } from '../vendor-stub/types';
import { toTimestamp } from './dates';
import { creditMemoId, salesOrderId } from './ids';
import { fromVendorAmount, lineTax, toVendorAmount } from './money';
import { fromVendorAddress, fromVendorPayment, toVendorAddress, toVendorPayment } from './parties';
import type { Erp } from './types';

/** The vendor's channel codes. Concord's channel is kept so a sales order can be found and reported by it. */
const CHANNEL: Record<Erp['Channel'], string> = { web: 'WEB', marketplace: 'MKT', pos: 'POS', callcenter: 'TEL', partner: 'B2B' };
const CHANNEL_BACK = Object.fromEntries(Object.entries(CHANNEL).map(([k, v]) => [v, k])) as Record<string, Erp['Channel']>;

const STATUS: Record<VendorDocStatus, Erp['SalesOrderStatus']> = { A: 'open', B: 'invoiced', C: 'cancelled', D: 'credited' };

/**
 * The vendor numbers items in steps of 10 (10, 20, 30), leaving room to insert items later; erp.v1 numbers lines
 * 1, 2, 3. The step is a convention, so it is one constant both directions use.
 */
export const POSNR_STEP = 10;
export const posnr = (lineNo: number): number => lineNo * POSNR_STEP;
export const lineNoOf = (posnr: number): number => posnr / POSNR_STEP;

/** A line whose amounts are not in the order currency, as erp.v1's 422 `validation` names it. */
export class CurrencyMismatch extends Error {
  constructor(readonly pointer: string) {
    super(`${pointer} is not in the sales order currency`);
  }
}

/**
 * erp.v1 CreateSalesOrderRequest → vendor sales document. `externalRef` (Concord's order id) goes into BSTKD, the
 * customer purchase-order reference, because it is the only free reference the vendor lets us search by: the
 * adapter finds the document by it before posting (see src/exactly-once.ts). A line without `tax` gets erp.v1's
 * default, computed with the item's rate (`taxRateBp`, looked up by the caller), since the vendor wants tax given.
 */
export function toVendorSalesDoc(req: Erp['CreateSalesOrderRequest'], taxRateBp: (sku: string) => number): CreateVendorSalesDoc {
  const same = (m: Erp['Money'] | undefined, pointer: string) => {
    if (m && m.currency !== req.currency) throw new CurrencyMismatch(pointer);
  };
  req.lines.forEach((l, i) => {
    same(l.unitPrice, `/lines/${i}/unitPrice`);
    same(l.tax, `/lines/${i}/tax`);
  });
  same(req.shipping, '/shipping');
  same(req.discount, '/discount');
  (req.tenders ?? []).forEach((t, i) => same(t.amount, `/tenders/${i}/amount`));
  return {
    BSTKD: req.externalRef,
    VKANAL: CHANNEL[req.channel],
    ...(req.channelOrderId ? { BSTKD_E: req.channelOrderId } : {}),
    SOLD_TO: { NAME: req.customer.name, MAIL: req.customer.email, ...(req.customer.phone ? { PHONE: req.customer.phone } : {}), ...(req.customer.id ? { KUNNR: req.customer.id } : {}) },
    ...(req.shippingAddress ? { SHIP_TO: toVendorAddress(req.shippingAddress) } : {}),
    WAERS: req.currency,
    ITEMS: req.lines.map((l) => ({
      POSNR: posnr(l.lineNo),
      MATNR: l.sku,
      KWMENG: l.quantity,
      NETPR: toVendorAmount(l.unitPrice),
      MWST: toVendorAmount(l.tax ?? lineTax(l.unitPrice, l.quantity, taxRateBp(l.sku))),
      ...(l.orderLineId ? { EXT_LINE: l.orderLineId } : {}),
    })),
    ...(req.shipping ? { FREIGHT: toVendorAmount(req.shipping) } : {}),
    ...(req.discount ? { REBATE: toVendorAmount(req.discount) } : {}),
    ...(req.tenders?.length ? { PAYMENTS: req.tenders.map(toVendorPayment) as VendorPayment[] } : {}),
  };
}

/** Vendor sales document → erp.v1 SalesOrder. */
export function toSalesOrder(d: VendorSalesDoc): Erp['SalesOrder'] {
  const money = (s: string | undefined) => fromVendorAmount(s ?? '0', d.WAERS);
  const updatedAt = toTimestamp(d.AEDAT, d.AEZET);
  return {
    id: salesOrderId(d.VBELN),
    externalRef: d.BSTKD,
    channel: CHANNEL_BACK[d.VKANAL] ?? 'partner',
    ...(d.BSTKD_E ? { channelOrderId: d.BSTKD_E } : {}),
    customer: { name: d.SOLD_TO.NAME, email: d.SOLD_TO.MAIL, ...(d.SOLD_TO.PHONE ? { phone: d.SOLD_TO.PHONE } : {}), ...(d.SOLD_TO.KUNNR ? { id: d.SOLD_TO.KUNNR } : {}) },
    currency: d.WAERS,
    ...(d.SHIP_TO ? { shippingAddress: fromVendorAddress(d.SHIP_TO) } : {}),
    lines: d.ITEMS.map((i) => ({
      lineNo: lineNoOf(i.POSNR),
      ...(i.EXT_LINE ? { orderLineId: i.EXT_LINE } : {}),
      sku: i.MATNR,
      quantity: i.KWMENG,
      unitPrice: money(i.NETPR),
      tax: money(i.MWST),
    })),
    tenders: (d.PAYMENTS ?? []).map((p) => fromVendorPayment(p, d.WAERS)),
    subtotal: money(d.NETWR),
    discount: money(d.REBATE),
    shipping: money(d.FREIGHT),
    taxTotal: money(d.MWSTS),
    total: money(d.GROSS),
    creditedTotal: money(d.CREDITED),
    status: STATUS[d.STATUS],
    ...(d.CANCEL_TEXT ? { cancelReason: d.CANCEL_TEXT } : {}),
    creditMemoIds: d.CREDIT_DOCS.map(creditMemoId),
    receivedAt: toTimestamp(d.ERDAT, d.ERZET),
    updatedAt,
    ...(d.STATUS === 'C' ? { cancelledAt: updatedAt } : {}),
  };
}

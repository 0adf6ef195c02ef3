import type { CreateVendorCreditDoc, VendorCreditDoc } from '../vendor-stub/types';
import { toTimestamp } from './dates';
import { creditMemoId, salesOrderId } from './ids';
import { fromVendorAmount, toVendorAmount } from './money';
import { fromVendorPayment, toVendorPayment } from './parties';
import { lineNoOf, posnr } from './sales-orders';
import type { Erp } from './types';

/**
 * erp.v1 CreateCreditMemoRequest → vendor credit document. `externalRef` (Concord's return id) goes into XBLNR, the
 * vendor's free reference, which the adapter searches before posting. The vendor credits a sales document by its
 * number, so the caller resolves `salesOrderId` / `orderExternalRef` to `vbeln` first.
 */
export function toVendorCreditDoc(req: Erp['CreateCreditMemoRequest'], vbeln: number): CreateVendorCreditDoc {
  return {
    XBLNR: req.externalRef,
    VBELN_REF: vbeln,
    ...(req.reason ? { GRUND: req.reason } : {}),
    BETRG: toVendorAmount(req.amount),
    MWST: toVendorAmount(req.taxReversed),
    // erp.v1 line `amount` is net and `tax` separate; the vendor's BETRG per item is net as well.
    ITEMS: req.lines.map((l) => ({
      ...(l.salesOrderLineNo ? { POSNR_REF: posnr(l.salesOrderLineNo) } : {}),
      MATNR: l.sku,
      KWMENG: l.quantity,
      BETRG: toVendorAmount(l.amount),
      MWST: toVendorAmount(l.tax),
    })),
    REFUNDS: req.allocations.map((a) => toVendorPayment({ type: a.tenderType, amount: a.amount, ...(a.reference ? { reference: a.reference } : {}) })),
  };
}

/** Vendor credit document → erp.v1 CreditMemo. The currency is the credited sales order's (the vendor does not repeat it). */
export function toCreditMemo(d: VendorCreditDoc, currency: string): Erp['CreditMemo'] {
  const money = (s: string) => fromVendorAmount(s, currency);
  return {
    id: creditMemoId(d.BELNR),
    externalRef: d.XBLNR,
    salesOrderId: salesOrderId(d.VBELN_REF),
    orderExternalRef: d.BSTKD_REF,
    ...(d.GRUND ? { reason: d.GRUND } : {}),
    amount: money(d.BETRG),
    taxReversed: money(d.MWST),
    lines: d.ITEMS.map((i) => ({ ...(i.POSNR_REF ? { salesOrderLineNo: lineNoOf(i.POSNR_REF) } : {}), sku: i.MATNR, quantity: i.KWMENG, amount: money(i.BETRG), tax: money(i.MWST) })),
    allocations: d.REFUNDS.map((r) => {
      const { type, ...rest } = fromVendorPayment(r, currency);
      return { tenderType: type, ...rest };
    }),
    postedAt: toTimestamp(d.BUDAT, d.CPUTM),
  };
}

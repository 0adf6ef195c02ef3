import type { Order } from '../orders/model';
import type { Money, Reason, Refund, RefundAllocation, RefundLine, ReturnLine } from './model';
import { RESTOCKING_FEE_BP, TENDER_RANK } from './policy';

/** a × b ÷ c rounded half up, for non-negative integers (minor units). */
export const mulDivHalfUp = (a: number, b: number, c: number): number => (c === 0 ? 0 : Math.floor((2 * a * b + c) / (2 * c)));

export interface RefundInput {
  order: Pick<Order, 'currency' | 'lines' | 'tenders' | 'totals'>;
  /** The return's lines with the quantity the refund is computed on (authorized, or received once inspected). */
  lines: Array<Pick<ReturnLine, 'lineId' | 'orderLineId' | 'sku' | 'reason'> & { quantity: number }>;
  status: Refund['status'];
  /** Promotion already prorated to the order's other open returns. */
  otherPromotion: number;
  /** Refund allocations of the order's other approved returns: tenders give back at most what they paid. */
  otherAllocations: readonly RefundAllocation[];
  /** True when this return takes the order's last unreturned units: it gets the rest of the promotion. */
  last: boolean;
  exchangeGross?: number;
  /** `store_credit`: the whole total to new store credit, referenced by the return id, not to the order's tenders. */
  refundTo?: 'original_tenders' | 'store_credit';
  returnId?: string;
}

export interface RefundOutcome {
  refund: Refund;
  lines: RefundLine[];
  /** The part of the exchange's value the returned goods paid for (never more than their value). */
  exchangeApplied: number;
}

/**
 * Refund = items − prorated promotion + reversed tax − restocking fee − exchange value, per returns.v1, allocated
 * back to the order's tenders in TENDER_RANK order, each up to what it paid less earlier refunds; what no tender
 * can take back goes to new store credit.
 */
export function computeRefund(input: RefundInput): RefundOutcome {
  const { order } = input;
  const subtotal = order.totals.subtotal.amount;
  const discount = order.totals.discount.amount;
  const lines: RefundLine[] = input.lines
    .filter((l) => l.quantity > 0)
    .map((l) => {
      const ol = order.lines.find((o) => o.lineId === l.orderLineId)!;
      const items = ol.unitPrice.amount * l.quantity;
      return {
        lineId: l.lineId,
        orderLineId: l.orderLineId,
        sku: l.sku,
        quantity: l.quantity,
        items,
        promotion: mulDivHalfUp(discount, items, subtotal),
        tax: mulDivHalfUp(ol.tax?.amount ?? 0, l.quantity, ol.quantity),
        restockingFee: mulDivHalfUp(items, RESTOCKING_FEE_BP[l.reason as Reason], 10_000),
      };
    });
  spreadPromotion(lines, input);

  const sum = (f: (l: RefundLine) => number) => lines.reduce((s, l) => s + f(l), 0);
  const items = sum((l) => l.items);
  const promotion = sum((l) => l.promotion);
  const tax = sum((l) => l.tax);
  const fee = sum((l) => l.restockingFee);
  const gross = Math.max(0, items - promotion + tax - fee);
  const exchangeApplied = Math.min(gross, input.exchangeGross ?? 0);
  const total = gross - exchangeApplied;
  const money = (amount: number): Money => ({ currency: order.currency, amount });
  return {
    refund: {
      status: input.status,
      items: money(items),
      promotionProration: money(promotion),
      taxReversed: money(tax),
      restockingFee: money(fee),
      ...(input.exchangeGross !== undefined ? { exchangeDifference: money(exchangeApplied) } : {}),
      total: money(total),
      allocations:
        input.refundTo === 'store_credit'
          ? toStoreCredit(total, order.currency, input.returnId)
          : allocate(total, order, input.otherAllocations),
    },
    lines,
    exchangeApplied,
  };
}

/** Caps the prorated promotion at what the order's other returns left of the discount; the last return takes the rest. */
function spreadPromotion(lines: RefundLine[], input: RefundInput): void {
  const left = Math.max(0, input.order.totals.discount.amount - input.otherPromotion);
  const prorated = lines.reduce((s, l) => s + l.promotion, 0);
  let delta = (input.last ? left : Math.min(prorated, left)) - prorated;
  const biggestFirst = [...lines].sort((a, b) => b.items - a.items);
  for (const l of biggestFirst) {
    if (delta === 0) break;
    const step = delta > 0 ? Math.min(delta, l.items - l.promotion) : Math.max(delta, -l.promotion);
    l.promotion += step;
    delta -= step;
  }
}

function toStoreCredit(total: number, currency: string, reference: string | undefined): RefundAllocation[] {
  if (total === 0) return [];
  return [{ tenderType: 'store_credit', amount: { currency, amount: total }, ...(reference ? { reference } : {}) }];
}

const tenderKey = (t: { tenderType?: string; type?: string; reference?: string | undefined }) => `${t.tenderType ?? t.type}|${t.reference ?? ''}`;

function allocate(total: number, order: RefundInput['order'], others: readonly RefundAllocation[]): RefundAllocation[] {
  const capacity = new Map<string, { tenderType: RefundAllocation['tenderType']; reference?: string; left: number; rank: number; index: number }>();
  order.tenders.forEach((t, index) => {
    const key = tenderKey(t);
    const seen = capacity.get(key);
    if (seen) seen.left += t.amount.amount;
    else capacity.set(key, { tenderType: t.type, ...(t.reference ? { reference: t.reference } : {}), left: t.amount.amount, rank: TENDER_RANK[t.type], index });
  });
  for (const a of others) {
    const c = capacity.get(tenderKey(a));
    if (c) c.left = Math.max(0, c.left - a.amount.amount);
  }
  const ordered = [...capacity.values()].sort((a, b) => a.rank - b.rank || a.index - b.index);
  const allocations: RefundAllocation[] = [];
  let remaining = total;
  for (const c of ordered) {
    if (remaining === 0) break;
    const take = Math.min(remaining, c.left);
    if (take === 0) continue;
    allocations.push({ tenderType: c.tenderType, amount: { currency: order.currency, amount: take }, ...(c.reference ? { reference: c.reference } : {}) });
    remaining -= take;
  }
  if (remaining > 0) allocations.push({ tenderType: 'store_credit', amount: { currency: order.currency, amount: remaining } });
  return allocations;
}

import type { Order } from '../orders/model';
import { computeRefund, mulDivHalfUp } from './refund';

const eur = (amount: number) => ({ currency: 'EUR', amount });

// Two lines, 1000 × 2 and 500 × 1, 20 % tax, a 300 promotion; paid 1000 by gift card and 1500 by card.
const order: Pick<Order, 'currency' | 'lines' | 'tenders' | 'totals'> = {
  currency: 'EUR',
  lines: [
    { lineId: '1', sku: 'SKU-0001', quantity: 2, unitPrice: eur(1000), tax: eur(400), fulfilment: { method: 'ship' }, shippedQuantity: 2, cancelledQuantity: 0, returnedQuantity: 0 },
    { lineId: '2', sku: 'SKU-0002', quantity: 1, unitPrice: eur(500), tax: eur(100), fulfilment: { method: 'ship' }, shippedQuantity: 1, cancelledQuantity: 0, returnedQuantity: 0 },
  ],
  tenders: [
    { type: 'credit_card', amount: eur(1500), reference: 'PSP-1' },
    { type: 'gift_card', amount: eur(1000), reference: 'GC-1' },
  ],
  totals: { subtotal: eur(2500), discount: eur(300), tax: eur(500), shipping: eur(0), total: eur(2700) },
};
const line = (lineId: string, orderLineId: string, quantity: number, reason: 'other' | 'changed_mind' = 'other') => ({ lineId, orderLineId, sku: 'SKU-0001', reason, quantity });
const base = { order, status: 'approved' as const, otherPromotion: 0, otherAllocations: [], last: false };

test('half up rounding', () => {
  expect(mulDivHalfUp(1, 1, 2)).toBe(1);
  expect(mulDivHalfUp(1, 1, 3)).toBe(0);
  expect(mulDivHalfUp(1200, 6999, 11998)).toBe(700);
});

test('items − prorated promotion + reversed tax − restocking fee, gift card before card', () => {
  const { refund } = computeRefund({ ...base, lines: [line('1', '1', 1, 'changed_mind')] });
  // items 1000, promotion 300 × 1000 ÷ 2500 = 120, tax 400 × 1 ÷ 2 = 200, fee 10 % = 100.
  expect(refund).toEqual(expect.objectContaining({ items: eur(1000), promotionProration: eur(120), taxReversed: eur(200), restockingFee: eur(100), total: eur(980) }));
  expect(refund.allocations).toEqual([{ tenderType: 'gift_card', amount: eur(980), reference: 'GC-1' }]);
});

test('tenders give back at most what they paid less earlier refunds; the last return takes the rest of the promotion', () => {
  const { refund } = computeRefund({
    ...base,
    lines: [line('1', '1', 1), line('2', '2', 1)],
    otherPromotion: 120,
    otherAllocations: [{ tenderType: 'gift_card', amount: eur(980), reference: 'GC-1' }],
    last: true,
  });
  // Promotion left: 300 − 120 = 180 (prorated would be 120 + 60 = 180 too); total 1500 − 180 + 300 = 1620.
  expect(refund.promotionProration).toEqual(eur(180));
  expect(refund.allocations).toEqual([
    { tenderType: 'gift_card', amount: eur(20), reference: 'GC-1' },
    { tenderType: 'credit_card', amount: eur(1500), reference: 'PSP-1' },
    { tenderType: 'store_credit', amount: eur(100) },
  ]);
});

test('an exchange nets its value; only a positive difference is refunded', () => {
  const outcome = computeRefund({ ...base, lines: [line('1', '1', 1)], exchangeGross: 5000 });
  expect(outcome.refund.total).toEqual(eur(0));
  expect(outcome.refund.exchangeDifference).toEqual(eur(1080));
  expect(outcome.refund.allocations).toEqual([]);
});

test('refundTo store_credit puts the whole total on new store credit, referenced by the return, and no tender', () => {
  const { refund } = computeRefund({ ...base, lines: [line('1', '1', 1, 'changed_mind')], refundTo: 'store_credit', returnId: 'ret_1' });
  expect(refund.total).toEqual(eur(980));
  expect(refund.allocations).toEqual([{ tenderType: 'store_credit', amount: eur(980), reference: 'ret_1' }]);
  expect(computeRefund({ ...base, lines: [line('1', '1', 0)], refundTo: 'store_credit', returnId: 'ret_2' }).refund.allocations).toEqual([]);
});

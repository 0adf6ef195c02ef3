import type { ReferenceData } from '../reference-data/reference-data';
import type { Money, OrderIntake } from './model';
import { OrderRejection } from './problems';

export interface PricedLine {
  index: number;
  sku: string;
  quantity: number;
  unitPrice: Money;
  tax: Money;
}

export interface Totals {
  subtotal: Money;
  discount: Money;
  tax: Money;
  shipping: Money;
  total: Money;
}

/** Tax on a line in minor units, rounded half up, as the ERP price list computes it. */
export const lineTax = (net: number, rateBp: number): number => Math.floor((net * rateBp + 5000) / 10000);

const money = (currency: string, amount: number): Money => ({ currency, amount });

/**
 * The business rules of order intake that need no stock: known SKUs, ERP prices (or a declared override), the
 * POS store, and tenders adding up to the total. Each rule has its own problem type; every offending line is
 * named in `errors`. The pickup store's stock is checked when reserving.
 */
export function validateIntake(intake: OrderIntake, ref: ReferenceData): { lines: PricedLine[]; totals: Totals } {
  const { currency } = intake;
  const shipped = intake.lines.findIndex((l) => l.fulfilment.method !== 'store_pickup');
  if (shipped >= 0 && !intake.shippingAddress) {
    throw new OrderRejection(400, 'validation', 'Request validation failed', `Line ${shipped} ships, so the order needs a shippingAddress.`, [
      { pointer: '/shippingAddress', message: 'required when a line ships' },
    ]);
  }
  const unknown = intake.lines.flatMap((l, i) => {
    const item = ref.item(l.sku);
    return item && item.active ? [] : [{ pointer: `/lines/${i}/sku`, message: `${l.sku} is not in the ERP item master` }];
  });
  if (unknown.length) throw new OrderRejection(422, 'unknown-sku', 'Unknown SKU', unknown.map((e) => e.message).join('; '), unknown);

  const mismatched: Array<{ pointer: string; message: string }> = [];
  const lines = intake.lines.map((l, i): PricedLine => {
    const item = ref.item(l.sku)!;
    if (l.unitPrice.currency !== currency || item.currency !== currency) {
      mismatched.push({ pointer: `/lines/${i}/unitPrice/currency`, message: `expected ${currency}, the order currency, priced in ${item.currency} by ERP` });
    } else if (l.unitPrice.amount !== item.price && !l.priceOverride) {
      mismatched.push({ pointer: `/lines/${i}/unitPrice/amount`, message: `expected ${item.price}` });
    }
    if (l.tax && l.tax.currency !== currency) mismatched.push({ pointer: `/lines/${i}/tax/currency`, message: `expected ${currency}` });
    const net = l.unitPrice.amount * l.quantity;
    return { index: i, sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice, tax: l.tax ?? money(currency, lineTax(net, item.taxRateBp)) };
  });
  if (mismatched.length) {
    throw new OrderRejection(
      422,
      'price-mismatch',
      'Price does not match the ERP price list',
      `${mismatched.length} line(s) differ from the ERP price list; declare priceOverride for a deliberate price.`,
      mismatched,
    );
  }

  if (intake.storeId !== undefined && ref.location(intake.storeId)?.type !== 'store') {
    throw new OrderRejection(422, 'invalid-pickup-store', 'Invalid store', `${intake.storeId} is not a store.`, [
      { pointer: '/source/storeId', message: 'not a store' },
    ]);
  }

  const other = (m: Money | undefined, pointer: string) => (m && m.currency !== currency ? [{ pointer, message: `expected ${currency}` }] : []);
  const wrongCurrency = [
    ...other(intake.shipping, '/shipping/currency'),
    ...intake.promotions.flatMap((p, i) => other(p.discount, `/promotions/${i}/discount/currency`)),
    ...intake.tenders.flatMap((t, i) => other(t.amount, `/tenders/${i}/amount/currency`)),
  ];
  if (wrongCurrency.length) throw new OrderRejection(422, 'tender-mismatch', 'Tenders do not match the order total', 'Every amount must be in the order currency.', wrongCurrency);

  const subtotal = lines.reduce((s, l) => s + l.unitPrice.amount * l.quantity, 0);
  const discount = intake.promotions.reduce((s, p) => s + p.discount.amount, 0);
  const tax = lines.reduce((s, l) => s + l.tax.amount, 0);
  const shipping = intake.shipping?.amount ?? 0;
  const total = subtotal - discount + tax + shipping;
  if (total < 0) throw new OrderRejection(422, 'tender-mismatch', 'Tenders do not match the order total', `Promotions (${discount}) exceed the order value.`);
  const tendered = intake.tenders.reduce((s, t) => s + t.amount.amount, 0);
  if (tendered !== total) {
    throw new OrderRejection(422, 'tender-mismatch', 'Tenders do not match the order total', `The tenders add up to ${tendered}, the order total is ${total}.`, [
      { pointer: '/tenders', message: `must add up to ${total}` },
    ]);
  }
  return {
    lines,
    totals: { subtotal: money(currency, subtotal), discount: money(currency, discount), tax: money(currency, tax), shipping: money(currency, shipping), total: money(currency, total) },
  };
}

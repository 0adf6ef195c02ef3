import type { components } from '../../generated/types/system/erp.v1';
import type { CallerContext } from '../../platform/http/handler-types';
import type { Queryable } from '../../platform/db/database';
import { sum, taxOf } from '../common/money';
import type { FieldError } from '../common/problems';
import { unprocessable } from '../common/problems';
import { findItems } from './items';
import type { NewSalesOrder } from './sales-order-store';

type CreateSalesOrderRequest = components['schemas']['CreateSalesOrderRequest'];

/** Every amount of the request that must be in the sales order currency, with its pointer. */
function amounts(body: CreateSalesOrderRequest): Array<[string, { currency: string }]> {
  const out: Array<[string, { currency: string }]> = [];
  body.lines.forEach((l, i) => {
    out.push([`/lines/${i}/unitPrice/currency`, l.unitPrice]);
    if (l.tax) out.push([`/lines/${i}/tax/currency`, l.tax]);
  });
  if (body.shipping) out.push(['/shipping/currency', body.shipping]);
  if (body.discount) out.push(['/discount/currency', body.discount]);
  (body.tenders ?? []).forEach((t, i) => out.push([`/tenders/${i}/amount/currency`, t.amount]));
  return out;
}

/**
 * Checks a sales order against the item master and prices it: line tax defaults to the item's rate on
 * quantity × unitPrice, rounded half up; total = subtotal − discount + shipping + taxTotal. Answers the 422 the
 * contract declares, or the sales order to insert.
 */
export async function priceSalesOrder(q: Queryable, body: CreateSalesOrderRequest, receivedAt: Date, caller: CallerContext) {
  const mismatched: FieldError[] = amounts(body)
    .filter(([, m]) => m.currency !== body.currency)
    .map(([pointer, m]) => ({ pointer, message: `${m.currency} is not the sales order currency ${body.currency}` }));
  if (mismatched.length > 0) {
    return { ok: false as const, problem: unprocessable(caller, 'validation', `Every amount must be in ${body.currency}.`, mismatched) };
  }
  const seen = new Set<number>();
  const duplicates: FieldError[] = [];
  body.lines.forEach((l, i) => {
    if (seen.has(l.lineNo)) duplicates.push({ pointer: `/lines/${i}/lineNo`, message: `line ${l.lineNo} appears twice` });
    seen.add(l.lineNo);
  });
  if (duplicates.length > 0) return { ok: false as const, problem: unprocessable(caller, 'validation', 'Line numbers must be unique.', duplicates) };

  const items = await findItems(q, body.lines.map((l) => l.sku));
  const unknown: FieldError[] = [];
  const inactive: FieldError[] = [];
  body.lines.forEach((l, i) => {
    const item = items.get(l.sku);
    if (!item) unknown.push({ pointer: `/lines/${i}/sku`, message: 'unknown SKU' });
    else if (!item.active) inactive.push({ pointer: `/lines/${i}/sku`, message: 'inactive item; it cannot be sold' });
  });
  if (unknown.length > 0) {
    const skus = [...new Set(unknown.map((e) => body.lines[Number(e.pointer.split('/')[2])]?.sku))].join(', ');
    return { ok: false as const, problem: unprocessable(caller, 'unknown-sku', `${skus} ${unknown.length === 1 ? 'is' : 'are'} not in the ERP item master.`, unknown) };
  }
  if (inactive.length > 0) return { ok: false as const, problem: unprocessable(caller, 'validation', 'Inactive items cannot be sold.', inactive) };

  const lines = body.lines.map((l) => {
    const net = l.quantity * l.unitPrice.amount;
    const rate = items.get(l.sku)?.tax_rate_bp ?? 0;
    return {
      lineNo: l.lineNo,
      ...(l.orderLineId === undefined ? {} : { orderLineId: l.orderLineId }),
      sku: l.sku,
      quantity: l.quantity,
      unitPrice: l.unitPrice.amount,
      tax: l.tax?.amount ?? taxOf(net, rate),
      net,
    };
  });
  const subtotal = sum(lines.map((l) => l.net));
  const taxTotal = sum(lines.map((l) => l.tax));
  const discount = body.discount?.amount ?? 0;
  const shipping = body.shipping?.amount ?? 0;
  const total = subtotal - discount + shipping + taxTotal;
  if (total < 0) {
    return {
      ok: false as const,
      problem: unprocessable(caller, 'validation', `The discount ${discount} exceeds the order value ${subtotal + shipping + taxTotal}.`, [
        { pointer: '/discount/amount', message: 'exceeds the order value' },
      ]),
    };
  }
  const order: NewSalesOrder = {
    externalRef: body.externalRef,
    channel: body.channel,
    ...(body.channelOrderId === undefined ? {} : { channelOrderId: body.channelOrderId }),
    currency: body.currency,
    customer: body.customer,
    ...(body.shippingAddress === undefined ? {} : { shippingAddress: body.shippingAddress }),
    tenders: body.tenders ?? [],
    subtotal,
    discount,
    shipping,
    taxTotal,
    total,
    lines: lines.map(({ net: _net, ...line }) => line),
    receivedAt,
  };
  return { ok: true as const, order };
}

import type { components } from '../../generated/types/system/erp.v1';
import type { CallerContext } from '../../platform/http/handler-types';
import { sum } from '../common/money';
import type { FieldError } from '../common/problems';
import { unprocessable } from '../common/problems';
import type { SalesOrderLineRow } from './sales-order-store';

type CreateCreditMemoRequest = components['schemas']['CreateCreditMemoRequest'];

/** Checks that need only the request: one currency, and lines, tax and allocations adding up to `amount`. */
export function checkCreditMemoAmounts(body: CreateCreditMemoRequest, caller: CallerContext) {
  const currency = body.amount.currency;
  const moneys: Array<[string, { currency: string }]> = [['/taxReversed/currency', body.taxReversed]];
  body.lines.forEach((l, i) => moneys.push([`/lines/${i}/amount/currency`, l.amount], [`/lines/${i}/tax/currency`, l.tax]));
  body.allocations.forEach((a, i) => moneys.push([`/allocations/${i}/amount/currency`, a.amount]));
  const mismatched: FieldError[] = moneys
    .filter(([, m]) => m.currency !== currency)
    .map(([pointer, m]) => ({ pointer, message: `${m.currency} is not the credit memo currency ${currency}` }));
  if (mismatched.length > 0) return unprocessable(caller, 'validation', `Every amount must be in ${currency}.`, mismatched);

  const amount = body.amount.amount;
  const lineTotal = sum(body.lines.map((l) => l.amount.amount + l.tax.amount));
  if (lineTotal !== amount) {
    return unprocessable(caller, 'tender-mismatch', `Lines and their tax add up to ${lineTotal} ${currency} minor units; the credit memo amount is ${amount}.`, [
      { pointer: '/lines', message: `must add up to ${amount}` },
    ]);
  }
  const lineTax = sum(body.lines.map((l) => l.tax.amount));
  if (lineTax !== body.taxReversed.amount) {
    return unprocessable(caller, 'tender-mismatch', `Line tax adds up to ${lineTax} ${currency} minor units; taxReversed is ${body.taxReversed.amount}.`, [
      { pointer: '/taxReversed', message: `must be ${lineTax}, the sum of the line tax` },
    ]);
  }
  const allocated = sum(body.allocations.map((a) => a.amount.amount));
  if (allocated !== amount) {
    return unprocessable(caller, 'tender-mismatch', `Allocations add up to ${allocated} ${currency} minor units; the credit memo amount is ${amount}.`, [
      { pointer: '/allocations', message: `must add up to ${amount}` },
    ]);
  }
  return undefined;
}

/** Each credited line must be on the sales order (by line number, or else by SKU) and within its quantity. */
export function checkCreditMemoLines(body: CreateCreditMemoRequest, salesOrderId: string, soLines: readonly SalesOrderLineRow[], caller: CallerContext) {
  const errors: FieldError[] = [];
  body.lines.forEach((l, i) => {
    if (l.salesOrderLineNo !== undefined) {
      const line = soLines.find((s) => s.line_no === l.salesOrderLineNo);
      if (!line) errors.push({ pointer: `/lines/${i}/salesOrderLineNo`, message: `not a line of ${salesOrderId}` });
      else if (line.sku !== l.sku) errors.push({ pointer: `/lines/${i}/sku`, message: `line ${line.line_no} of ${salesOrderId} is ${line.sku}` });
      else if (l.quantity > line.quantity) errors.push({ pointer: `/lines/${i}/quantity`, message: `line ${line.line_no} has ${line.quantity} ordered` });
      return;
    }
    const ordered = sum(soLines.filter((s) => s.sku === l.sku).map((s) => s.quantity));
    if (ordered === 0) errors.push({ pointer: `/lines/${i}/sku`, message: `not on ${salesOrderId}` });
    else if (l.quantity > ordered) errors.push({ pointer: `/lines/${i}/quantity`, message: `${ordered} ordered` });
  });
  return errors.length > 0 ? unprocessable(caller, 'validation', `A line is not on ${salesOrderId} as credited.`, errors) : undefined;
}

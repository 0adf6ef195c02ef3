import type { Money } from './types';

/**
 * Concord carries money as integer minor units with a currency; the vendor as a decimal string in the major unit
 * ("16.99"). Converting through the currency's exponent (not a fixed 100) keeps JPY or BHD right, and going through
 * integers on Concord's side means no float ever leaks into an amount Concord adds up.
 */
const EXPONENT: Record<string, number> = { JPY: 0, KRW: 0, BHD: 3, KWD: 3, JOD: 3, OMR: 3, TND: 3 };
const exponent = (currency: string): number => EXPONENT[currency] ?? 2;

/** Minor units → the vendor's decimal string. */
export function toVendorAmount(money: Money): string {
  const e = exponent(money.currency);
  if (e === 0) return String(money.amount);
  const s = String(money.amount).padStart(e + 1, '0');
  return `${s.slice(0, -e)}.${s.slice(-e)}`;
}

/** The vendor's decimal string → minor units; parsed digit by digit, never through a float. */
export function fromVendorAmount(amount: string, currency: string): Money {
  const e = exponent(currency);
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!m) throw new Error(`vendor amount '${amount}' is not a decimal`);
  const fraction = (m[3] ?? '').padEnd(e, '0');
  // More decimals than the currency has: the vendor rounds to the currency, so extra digits are zeros.
  const minor = Number(`${m[2]}${fraction.slice(0, e)}`);
  return { currency, amount: m[1] ? -minor : minor };
}

/** A percentage string ("20.00") → basis points (2000), as erp.v1's taxRateBp. */
export const percentToBasisPoints = (pct: string): number => Math.round(Number(pct) * 100);

/** Tax on a line the way erp.v1 defines the default: rate × quantity × unit price, rounded half up. */
export const lineTax = (unitPrice: Money, quantity: number, rateBp: number): Money => ({
  currency: unitPrice.currency,
  amount: Math.floor((unitPrice.amount * quantity * rateBp + 5000) / 10000),
});

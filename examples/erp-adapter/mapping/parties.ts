import type { VendorPartyAddress, VendorPayment } from '../vendor-stub/types';
import { fromVendorAmount, toVendorAmount } from './money';
import type { Erp } from './types';

/** erp.v1's tender types as the vendor's payment method keys; shared by sales orders (tenders) and credit memos (refunds). */
const METHOD: Record<Erp['TenderType'], string> = { credit_card: 'CC', debit_card: 'DC', gift_card: 'GC', store_credit: 'SC', paypal: 'PP', cash: 'CA', marketplace: 'MP' };
const METHOD_BACK = Object.fromEntries(Object.entries(METHOD).map(([k, v]) => [v, k])) as Record<string, Erp['TenderType']>;

export const toVendorPayment = (t: { type: Erp['TenderType']; amount: Erp['Money']; reference?: string }): VendorPayment => ({
  ZLSCH: METHOD[t.type],
  BETRG: toVendorAmount(t.amount),
  ...(t.reference ? { REF: t.reference } : {}),
});

export const fromVendorPayment = (p: VendorPayment, currency: string): Erp['Tender'] => ({
  type: METHOD_BACK[p.ZLSCH] ?? 'store_credit',
  amount: fromVendorAmount(p.BETRG, currency),
  ...(p.REF ? { reference: p.REF } : {}),
});

/** The vendor wants a name on every address; erp.v1's is optional, so an empty one is sent and dropped again. */
export const toVendorAddress = (a: Erp['Address']): VendorPartyAddress => ({
  NAME: a.name ?? '',
  STREET: a.line1,
  ...(a.line2 ? { STREET2: a.line2 } : {}),
  CITY: a.city,
  ...(a.region ? { REGION: a.region } : {}),
  POSTCODE: a.postalCode,
  COUNTRY: a.country,
});

export const fromVendorAddress = (a: VendorPartyAddress): Erp['Address'] => ({
  ...(a.NAME ? { name: a.NAME } : {}),
  line1: a.STREET,
  ...(a.STREET2 ? { line2: a.STREET2 } : {}),
  city: a.CITY,
  ...(a.REGION ? { region: a.REGION } : {}),
  postalCode: a.POSTCODE,
  country: a.COUNTRY,
});

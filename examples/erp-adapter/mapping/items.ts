import type { VendorMaterial } from '../vendor-stub/types';
import { fromVendorAmount, percentToBasisPoints } from './money';
import type { Erp } from './types';

/**
 * Vendor material → erp.v1 Item. The vendor keeps a deletion flag ('X' = blocked for sales) where erp.v1 has
 * `active`, a VAT percentage where erp.v1 has basis points, and a decimal net price.
 */
export function toItem(m: VendorMaterial, opts: { dropTaxRate?: boolean } = {}): Erp['Item'] {
  const item: Erp['Item'] = {
    sku: m.MATNR,
    name: m.MAKTX,
    price: fromVendorAmount(m.NETPR, m.WAERS),
    taxRateBp: percentToBasisPoints(m.MWST_PCT),
    active: m.LVORM !== 'X',
  };
  // ERP_ADAPTER_BREAK=drop-field: the mapping bug provider verification has to catch.
  if (opts.dropTaxRate) delete (item as Partial<Erp['Item']>).taxRateBp;
  return item;
}

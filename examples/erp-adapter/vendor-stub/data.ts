import { demoItems, demoLocations, DEMO_CURRENCY, DEMO_TAX_RATE_BP } from '../../../system-apis/demo-data';
import type { VendorMaterial, VendorPlant, VendorPlantKind, VendorStockPosting } from './types';

/**
 * The stub's master data is Concord's demo catalogue and network in the vendor's own shapes, so an adapter on this
 * stub hands Concord the SKUs and locations its sandbox stock is seeded with (order intake then works end to end).
 */
const KIND: Record<string, VendorPlantKind> = { network: 'NETWORK', region: 'REGION', dc: 'DC', store: 'STORE', dark_store: 'DARK', '3pl': '3PL' };

export const decimal = (minor: number): string => (minor / 100).toFixed(2);

export function seedMaterials(): VendorMaterial[] {
  return demoItems.map((i) => ({
    MATNR: i.sku,
    MAKTX: i.name,
    NETPR: decimal(i.price),
    WAERS: DEMO_CURRENCY,
    MWST_PCT: (DEMO_TAX_RATE_BP / 100).toFixed(2),
    LVORM: '',
  }));
}

export function seedPlants(): VendorPlant[] {
  return demoLocations.map((l) => ({
    WERKS: l.id,
    NAME1: l.name,
    PLANT_KIND: KIND[l.type]!,
    PARENT: l.parentId ?? '',
    CC_FLAG: l.pickupEnabled ? 'X' : '',
    SFS_FLAG: l.shipFromStoreEnabled ? 'X' : '',
  }));
}

export function seedPostings(): VendorStockPosting[] {
  return [
    { MBLNR: 4900000001, MATNR: 'SKU-0001', WERKS: 'DC1', MENGE: -2, BWART: '551', TEXT: 'water damage', CPUDT: '20261120', CPUTM: '081500' },
    { MBLNR: 4900000002, MATNR: 'SKU-0002', WERKS: 'S1', MENGE: 1, BWART: '702', CPUDT: '20261120', CPUTM: '093000' },
  ];
}

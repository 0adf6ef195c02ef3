/**
 * The sandbox demo data: a deterministic retail network, catalogue and stock.
 * Contract examples, tests, the portal's try-it console and the benchmarks all rely on these ids and prices,
 * and a test checks every contract example against them.
 */

export const DEMO_CURRENCY = 'EUR';
/** VAT rate in basis points applied by the sandbox ERP price list. */
export const DEMO_TAX_RATE_BP = 2000;

export type DemoLocationType = 'network' | 'region' | 'dc' | 'store' | 'dark_store' | '3pl';

export interface DemoLocation {
  id: string;
  name: string;
  type: DemoLocationType;
  parentId?: string;
  pickupEnabled: boolean;
  shipFromStoreEnabled: boolean;
}

export interface DemoItem {
  sku: string;
  name: string;
  /** Net unit price in minor units. */
  price: number;
}

export interface DemoStock {
  sku: string;
  locationId: string;
  onHand: number;
  safetyStock: number;
}

const loc = (
  id: string,
  name: string,
  type: DemoLocationType,
  parentId?: string,
): DemoLocation => ({
  id,
  name,
  type,
  ...(parentId ? { parentId } : {}),
  pickupEnabled: type === 'store',
  shipFromStoreEnabled: type === 'store' || type === 'dark_store',
});

export const demoLocations: readonly DemoLocation[] = [
  loc('NET', 'Concord Retail network', 'network'),
  loc('NORTH', 'North region', 'region', 'NET'),
  loc('CENTRAL', 'Central region', 'region', 'NET'),
  loc('SOUTH', 'South region', 'region', 'NET'),
  loc('DC1', 'Leeds distribution centre', 'dc', 'NORTH'),
  loc('DC2', 'Bristol distribution centre', 'dc', 'SOUTH'),
  loc('S1', 'Leeds Briggate store', 'store', 'NORTH'),
  loc('S2', 'York Coney Street store', 'store', 'NORTH'),
  loc('S3', 'Birmingham Bullring store', 'store', 'CENTRAL'),
  loc('S4', 'Nottingham Victoria store', 'store', 'CENTRAL'),
  loc('S5', 'Bristol Cabot store', 'store', 'SOUTH'),
  loc('S6', 'Exeter Princesshay store', 'store', 'SOUTH'),
  loc('DS1', 'Coventry dark store', 'dark_store', 'CENTRAL'),
  loc('3PL1', 'Midlands 3PL node', '3pl', 'CENTRAL'),
];

export const DEMO_SKU_COUNT = 240;
/** SKUs from this number on are scarce: 1–5 units, at DC1 only (flash-sale scenarios). */
export const DEMO_SCARCE_FROM = 231;

export const demoSku = (n: number): string => `SKU-${String(n).padStart(4, '0')}`;

/** Net price in minor units: x.99 prices from 16.99 to 105.99. */
export const demoPrice = (n: number): number => (10 + ((n * 7) % 90)) * 100 - 1;

const KINDS = ['T-shirt', 'Hoodie', 'Sneakers', 'Backpack', 'Jacket', 'Cap', 'Jeans', 'Scarf'];
const SIZES = ['XS', 'S', 'M', 'L', 'XL'];

export const demoItems: readonly DemoItem[] = Array.from({ length: DEMO_SKU_COUNT }, (_, i) => {
  const n = i + 1;
  return {
    sku: demoSku(n),
    name: `${KINDS[n % KINDS.length]} ${SIZES[n % SIZES.length]} #${n}`,
    price: demoPrice(n),
  };
});

/** Tax on a line in minor units, rounded half up, as the sandbox ERP computes it. */
export const demoLineTax = (netAmount: number): number =>
  Math.floor((netAmount * DEMO_TAX_RATE_BP + 5000) / 10000);

/**
 * SKUs up to this number (SKU-0001, SKU-0002) are those of the contracts' marketplace order example and the README's
 * order: they hold a thousand times the stock of the others (same proportions between locations), so the examples
 * can be run again and again on one data dir. The others keep stock that tests can exhaust within request limits.
 */
export const DEMO_EXAMPLE_SKUS = 2;
const EXAMPLE_STOCK_FACTOR = 1000;

export const demoStock: readonly DemoStock[] = (() => {
  const rows: DemoStock[] = [];
  for (let n = 1; n <= DEMO_SKU_COUNT; n++) {
    const sku = demoSku(n);
    if (n >= DEMO_SCARCE_FROM) {
      rows.push({ sku, locationId: 'DC1', onHand: ((n - DEMO_SCARCE_FROM) % 5) + 1, safetyStock: 0 });
      continue;
    }
    const start = rows.length;
    rows.push({ sku, locationId: 'DC1', onHand: 50 + (n % 151), safetyStock: 5 });
    rows.push({ sku, locationId: 'DC2', onHand: 40 + ((n * 3) % 161), safetyStock: 5 });
    if (n <= 100) {
      for (const store of ['S1', 'S2', 'S3', 'S4', 'S5', 'S6']) {
        rows.push({ sku, locationId: store, onHand: 5 + ((n + store.charCodeAt(1)) % 16), safetyStock: 1 });
      }
    }
    if (n <= 50) rows.push({ sku, locationId: 'DS1', onHand: 10, safetyStock: 0 });
    if (n > 100 && n <= 200) rows.push({ sku, locationId: '3PL1', onHand: 30, safetyStock: 2 });
    if (n <= DEMO_EXAMPLE_SKUS) for (const row of rows.slice(start)) row.onHand *= EXAMPLE_STOCK_FACTOR;
  }
  return rows;
})();

import { DEMO_EXAMPLE_SKUS, DEMO_SCARCE_FROM, demoSku, demoStock } from './demo-data';

const onHand = (sku: string, locationId: string) => demoStock.find((r) => r.sku === sku && r.locationId === locationId)?.onHand ?? 0;

describe('the demo stock', () => {
  it('lets the contract’s marketplace example (SKU-0001 picked up at S1, 2 × SKU-0002 shipped) run a thousand times', () => {
    // The marketplace sees 30 % of what is sellable (on hand less safety stock).
    const marketplaceShare = (sku: string, locationId: string) => {
      const row = demoStock.find((r) => r.sku === sku && r.locationId === locationId)!;
      return Math.floor(((row.onHand - row.safetyStock) * 30) / 100);
    };
    expect(marketplaceShare('SKU-0001', 'S1')).toBeGreaterThanOrEqual(1000);
    expect(Math.floor(marketplaceShare('SKU-0002', 'DC1') / 2) + Math.floor(marketplaceShare('SKU-0002', 'DC2') / 2)).toBeGreaterThanOrEqual(1000);
  });

  it('keeps the example SKUs’ proportions between locations, and the other SKUs as they were', () => {
    for (let n = 1; n <= DEMO_EXAMPLE_SKUS; n++) expect(onHand(demoSku(n), 'DC1') > onHand(demoSku(n), 'DC2')).toBe(50 + n > 40 + 3 * n);
    expect(onHand(demoSku(DEMO_EXAMPLE_SKUS + 1), 'DC1')).toBe(50 + DEMO_EXAMPLE_SKUS + 1);
  });

  it('keeps the scarce SKUs scarce: 1–5 units at DC1 only', () => {
    const scarce = demoStock.filter((r) => Number(r.sku.slice(4)) >= DEMO_SCARCE_FROM);
    expect(scarce.length).toBeGreaterThan(0);
    for (const r of scarce) {
      expect(r.locationId).toBe('DC1');
      expect(r.onHand).toBeGreaterThanOrEqual(1);
      expect(r.onHand).toBeLessThanOrEqual(5);
    }
  });
});

import { migrate } from '../platform/db/migrate';
import { describeOnBothDatabases } from '../platform/testing/databases';
import { DEMO_SKU_COUNT, demoLocations, demoPrice } from './demo-data';
import { systemMigrations } from './migrations';
import { seedSandbox } from './seed';

describeOnBothDatabases('sandbox seed', (open) => {
  it('seeds each system its own copy of the demo data on the first run only; a second run changes nothing', async () => {
    const { db, cleanup } = await open();
    try {
      expect(await migrate(db, systemMigrations)).toEqual(['erp/0001_init', 'wms/0001_init', 'pos/0001_init']);
      const counts = async () => {
        const tables = ['erp.items', 'erp.locations', 'wms.nodes', 'wms.items', 'pos.stores', 'pos.items'];
        const out: Record<string, number> = {};
        for (const t of tables) out[t] = Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${t}`)).rows[0]?.n);
        return out;
      };
      const dump = async () =>
        (
          await db.query<{ j: string }>(
            `SELECT row_to_json(t)::text AS j FROM erp.items t UNION ALL SELECT row_to_json(t)::text FROM erp.locations t
             UNION ALL SELECT row_to_json(t)::text FROM pos.items t ORDER BY 1`,
          )
        ).rows.map((r) => r.j);

      expect(await seedSandbox(db)).toEqual(['erp', 'wms', 'pos']);
      expect(await counts()).toEqual({
        'erp.items': DEMO_SKU_COUNT,
        'erp.locations': demoLocations.length,
        'wms.nodes': 4,
        'wms.items': DEMO_SKU_COUNT,
        'pos.stores': 6,
        'pos.items': DEMO_SKU_COUNT,
      });
      const before = await dump();
      expect(await seedSandbox(db)).toEqual([]);
      expect(await dump()).toEqual(before);

      const { rows: items } = await db.query<{ sku: string; price: string | number; tax_rate_bp: number; active: boolean }>(
        "SELECT sku, price, tax_rate_bp, active FROM erp.items WHERE sku IN ('SKU-0001', 'SKU-0240') ORDER BY sku",
      );
      expect(items.map((i) => [i.sku, Number(i.price), i.tax_rate_bp, i.active])).toEqual([
        ['SKU-0001', demoPrice(1), 2000, true],
        ['SKU-0240', demoPrice(240), 2000, true],
      ]);
      const { rows: nodes } = await db.query<{ id: string }>('SELECT id FROM wms.nodes ORDER BY id');
      expect(nodes.map((n) => n.id)).toEqual(['3PL1', 'DC1', 'DC2', 'DS1']);
      const { rows: stores } = await db.query<{ id: string }>('SELECT id FROM pos.stores WHERE pickup_enabled ORDER BY id');
      expect(stores.map((s) => s.id)).toEqual(['S1', 'S2', 'S3', 'S4', 'S5', 'S6']);
    } finally {
      await db.close();
      await cleanup();
    }
  });
});

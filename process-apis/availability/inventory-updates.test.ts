import { describeWithService } from '../../platform/testing/services';
import type { Backend, Harness } from '../orders/testing/harness';
import { startHarness } from '../orders/testing/harness';
import { AvailabilityChanges, applyInventoryUpdate } from '.';
import { pruneSeenUpdates } from './ingest/sequences';
import { metric, position, stockEvents, storeSale } from './testing/helpers';

// Ordered inventory updates: the systems record documents (POS sales and counts, WMS movements, ERP adjustments), and
// Concord polls them through the generated clients and applies them by source sequence (scenario 5).

function suite(backend: Backend) {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(backend);
  });
  afterAll(async () => h?.close());

  const record = async (path: string, body: unknown) => {
    const res = await h.call('admin', 'POST', path, body);
    expect([201, 202]).toContain(res.status);
  };
  const runOnce = () => h.platform.services.availability!.runOnce();
  const gaps = async (sku: string, locationId: string) =>
    (
      await h.platform.db.query<{ source: string; from_sequence: string; to_sequence: string }>(
        'SELECT source, from_sequence, to_sequence FROM inventory.sequence_gaps WHERE sku = $1 AND location_id = $2 ORDER BY source, from_sequence',
        [sku, locationId],
      )
    ).rows.map((r) => [r.source, Number(r.from_sequence), Number(r.to_sequence)]);

  test('scenario 5: POS sales 101, 103, 102, 101 and a WMS count at a DC: stale counted, duplicate ignored, gap reported until 102', async () => {
    const sku = 'SKU-0042';
    const store = await position(h, sku, 'S3');
    const at = new Date(Date.now() - 2_000);

    await record('/system/pos/v1/store-sales', storeSale('S3', sku, 1, 101, at));
    await record('/system/pos/v1/store-sales', storeSale('S3', sku, 2, 103, at));
    expect(await runOnce()).toBe(2);
    expect((await position(h, sku, 'S3')).on_hand).toBe(store.on_hand - 3);
    expect(await gaps(sku, 'S3')).toEqual([['pos', 102, 102]]);
    expect(await metric(h, 'concord_inventory_sequence_gaps{source="pos"}')).toBe(1);
    expect(await runOnce()).toBe(0);
    expect((await position(h, sku, 'S3')).on_hand).toBe(store.on_hand - 3);

    // 102 arrives after 103: stale, not applied, counted; the gap it left is closed.
    await record('/system/pos/v1/store-sales', storeSale('S3', sku, 5, 102, at));
    expect(await runOnce()).toBe(1);
    expect((await position(h, sku, 'S3')).on_hand).toBe(store.on_hand - 3);
    expect(await gaps(sku, 'S3')).toEqual([]);
    expect(await metric(h, 'concord_inventory_sequence_gaps{source="pos"}')).toBe(0);
    expect(await metric(h, 'concord_inventory_updates_stale_total{source="pos"}')).toBe(1);

    // 101 again: a duplicate, ignored and counted as such.
    await record('/system/pos/v1/store-sales', storeSale('S3', sku, 4, 101, at));
    expect(await runOnce()).toBe(1);
    expect((await position(h, sku, 'S3')).on_hand).toBe(store.on_hand - 3);
    expect(await metric(h, 'concord_inventory_updates_duplicate_total{source="pos"}')).toBe(1);

    // The DC's WMS count has its own sequence: 102 from WMS never collides with the store's 102.
    await record('/system/wms/v1/inventory-movements', { type: 'cycle_count', sku, locationId: 'DC1', quantity: 77, source: 'wms', sourceSequence: 102, occurredAt: at.toISOString() });
    expect(await runOnce()).toBe(1);
    expect((await position(h, sku, 'DC1')).on_hand).toBe(77);
    expect(await gaps(sku, 'DC1')).toEqual([]);

    const storeEvents = await stockEvents(h, sku, 'S3');
    expect(storeEvents.filter((e) => e.type === 'inventory.adjusted').map((e) => [e.data.sourceSequence, e.data.delta])).toEqual([
      [101, -1],
      [103, -2],
    ]);
    // Both sales were applied in one pass: one coalesced availability change.
    const changes = storeEvents.filter((e) => e.type === 'inventory.availability-changed');
    expect(changes).toHaveLength(1);
    expect((changes[0]!.data.previousAtp as number) - (changes[0]!.data.atp as number)).toBe(3);
    expect((await stockEvents(h, sku, 'DC1')).map((e) => [e.type, e.data.source ?? null])).toEqual([
      ['inventory.adjusted', 'wms'],
      ['inventory.availability-changed', null],
    ]);
    expect(await metric(h, 'concord_inventory_event_lag_seconds_count{location="S3"}')).toBe(2);
    expect(await metric(h, 'concord_inventory_updates_applied_total{source="wms"}')).toBe(1);
  });

  test('WMS damage and QC moves and ERP adjustments change the right buckets; low stock is flagged', async () => {
    const sku = 'SKU-0043';
    const before = await position(h, sku, 'DC2');
    const at = new Date().toISOString();
    await record('/system/wms/v1/inventory-movements', { type: 'damage', sku, locationId: 'DC2', quantity: 2, source: 'wms', sourceSequence: 1, occurredAt: at });
    await record('/system/wms/v1/inventory-movements', { type: 'qc_hold', sku, locationId: 'DC2', quantity: 3, source: 'wms', sourceSequence: 2, occurredAt: at });
    await record('/system/wms/v1/inventory-movements', { type: 'receipt', sku, locationId: 'DC2', quantity: 10, source: 'wms', sourceSequence: 3, occurredAt: at });
    await record('/system/erp/v1/inventory-adjustments', { sku, locationId: 'DC2', delta: -4, reason: 'shrinkage', source: 'erp', sourceSequence: 15, occurredAt: at });
    expect(await runOnce()).toBe(4);
    expect(await position(h, sku, 'DC2')).toEqual({ ...before, on_hand: before.on_hand + 6, damaged: 2, quality_control: 3 });

    // A count down to almost nothing crosses the low-stock threshold (5): the change says so.
    await record('/system/wms/v1/inventory-movements', { type: 'cycle_count', sku, locationId: 'DC2', quantity: before.safety_stock + 5 + 2 + 3, source: 'wms', sourceSequence: 4, occurredAt: at });
    expect(await runOnce()).toBe(1);
    const last = (await stockEvents(h, sku, 'DC2')).pop()!;
    expect(last).toEqual({ type: 'inventory.availability-changed', data: expect.objectContaining({ atp: 5, lowStock: true, threshold: 5 }) });
  });

  test('POS stock counts are polled: absolute counts in the store’s POS sequence, interleaved with its sales; a late count is stale', async () => {
    const at = new Date(Date.now() - 1_000).toISOString();
    const count = (sourceSequence: number, counts: Array<{ sku: string; counted: number }>) => record('/system/pos/v1/stock-counts', { storeId: 'S5', counts, sourceSequence, occurredAt: at });
    await count(10, [{ sku: 'SKU-0045', counted: 7 }, { sku: 'SKU-0046', counted: 3 }]);
    expect(await runOnce()).toBe(1);
    expect((await position(h, 'SKU-0045', 'S5')).on_hand).toBe(7);
    expect((await position(h, 'SKU-0046', 'S5')).on_hand).toBe(3);

    await record('/system/pos/v1/store-sales', storeSale('S5', 'SKU-0045', 2, 11, new Date(at)));
    // A count taken before that sale, sent late: stale, so it never undoes the sale.
    await count(9, [{ sku: 'SKU-0045', counted: 7 }]);
    expect(await runOnce()).toBe(2);
    expect((await position(h, 'SKU-0045', 'S5')).on_hand).toBe(5);
    expect((await stockEvents(h, 'SKU-0045', 'S5')).filter((e) => e.type === 'inventory.adjusted').map((e) => [e.data.reason, e.data.sourceSequence])).toEqual([
      ['cycle_count', 10],
      ['sale', 11],
    ]);
  });

  test('applyInventoryUpdate: gaps split as missing sequences arrive, one at a time', async () => {
    const u = { sku: 'SKU-0044', locationId: 'S4', source: 'erp' as const, reason: 'correction' as const, delta: 1 };
    const apply = (sourceSequence: number) =>
      h.platform.db.transaction(async (tx) => {
        const changes = new AvailabilityChanges(5, 'test');
        const outcome = await applyInventoryUpdate(tx, { ...u, sourceSequence }, { now: new Date(), appendEvents: async () => [], changes, correlationId: 'test' });
        return outcome.kind === 'applied' ? ['applied', outcome.gap ?? null] : [outcome.kind];
      });
    expect(await apply(1)).toEqual(['applied', null]);
    expect(await apply(5)).toEqual(['applied', { from: 2, to: 4 }]);
    expect(await apply(3)).toEqual(['stale']);
    expect(await gaps('SKU-0044', 'S4')).toEqual([
      ['erp', 2, 2],
      ['erp', 4, 4],
    ]);
    expect(await apply(3)).toEqual(['duplicate']);
    expect(await apply(5)).toEqual(['duplicate']);
    expect(await apply(2)).toEqual(['stale']);
    expect(await apply(4)).toEqual(['stale']);
    expect(await gaps('SKU-0044', 'S4')).toEqual([]);
    expect(await apply(6)).toEqual(['applied', null]);

    // Sequences seen long ago are forgotten; one arriving again, even the last applied, is stale, never new.
    const pruned = await pruneSeenUpdates(h.platform.db, new Date(Date.now() + 60_000));
    expect(pruned).toBeGreaterThanOrEqual(6);
    const { rows } = await h.platform.db.query(`SELECT 1 FROM inventory.seen_updates WHERE sku = 'SKU-0044' AND location_id = 'S4'`);
    expect(rows).toEqual([]);
    expect(await apply(6)).toEqual(['stale']);
    expect(await apply(5)).toEqual(['stale']);
    expect(await gaps('SKU-0044', 'S4')).toEqual([]);
    expect(await apply(7)).toEqual(['applied', null]);
  });
}

describe('ordered inventory updates on PGlite with the in-process bus', () => suite('embedded'));
describeWithService('postgres', 'ordered inventory updates on PostgreSQL with NATS JetStream', () => suite('postgres+nats'));

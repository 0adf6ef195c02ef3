import type { components as Erp } from '../../../generated/types/system/erp.v1';
import type { components as Pos } from '../../../generated/types/system/pos.v1';
import type { components as Wms } from '../../../generated/types/system/wms.v1';
import type { SystemClients } from '../../orders/sync/downstream';
import type { AdjustmentReason, InventoryUpdate } from './inventory-update';

/** One system document and the stock updates it carries; `no` is the system's document number (`IM-000311` → 311). */
export interface FeedDocument {
  no: number;
  updates: InventoryUpdate[];
}

/** A system's list of inventory documents, read newest first one page at a time. */
export interface Feed {
  name: string;
  page(cursor: string | undefined, correlationId: string): Promise<{ docs: FeedDocument[]; nextCursor?: string }>;
}

const PAGE = 100;

export function docNumber(id: string): number {
  const m = /-([0-9]+)$/.exec(id);
  if (!m) throw new Error(`document id ${id} has no number`);
  return Number(m[1]);
}

function pageOf<T>(feed: string, result: { data?: { items: T[]; nextCursor?: string | null }; response: Response }) {
  if (!result.data) throw new Error(`${feed}: HTTP ${result.response.status}`);
  return { items: result.data.items, ...(result.data.nextCursor ? { nextCursor: result.data.nextCursor } : {}) };
}

/** WMS movements: receipts and transfers change on hand, counts set it, damage and QC move units between buckets. */
export function wmsMovementUpdates(m: Wms['schemas']['InventoryMovement']): InventoryUpdate[] {
  const head = { sku: m.sku, locationId: m.locationId, source: m.source, sourceSequence: m.sourceSequence, occurredAt: new Date(m.occurredAt) };
  switch (m.type) {
    case 'cycle_count':
      return [{ ...head, reason: 'cycle_count', count: m.quantity }];
    case 'receipt':
      return [{ ...head, reason: 'receipt', delta: m.quantity }];
    case 'transfer_in':
      return [{ ...head, reason: 'transfer', delta: Math.abs(m.quantity) }];
    case 'transfer_out':
      return [{ ...head, reason: 'transfer', delta: -Math.abs(m.quantity) }];
    case 'adjustment':
      return [{ ...head, reason: 'correction', delta: m.quantity }];
    case 'damage':
      return [{ ...head, reason: 'damage', delta: m.quantity, bucket: 'damaged' }];
    case 'qc_hold':
      return [{ ...head, reason: 'quality_control', delta: m.quantity, bucket: 'qualityControl' }];
    case 'qc_release':
      return [{ ...head, reason: 'quality_control', delta: -m.quantity, bucket: 'qualityControl' }];
  }
}

/** A store sale: one on-hand decrement per SKU (lines of one SKU summed), all with the sale's sequence. */
export function posSaleUpdates(s: Pos['schemas']['StoreSale']): InventoryUpdate[] {
  const bySku = new Map<string, number>();
  for (const l of s.lines) bySku.set(l.sku, (bySku.get(l.sku) ?? 0) + l.quantity);
  return [...bySku].map(([sku, quantity]) => ({
    sku,
    locationId: s.storeId,
    source: 'pos' as const,
    sourceSequence: s.sourceSequence,
    reason: 'sale' as const,
    delta: -quantity,
    occurredAt: new Date(s.occurredAt),
  }));
}

/** A store stock count: an absolute on-hand count per SKU counted, all with the count's POS sequence. */
export function posCountUpdates(c: Pos['schemas']['StockCount']): InventoryUpdate[] {
  return c.counts.map((line) => ({
    sku: line.sku,
    locationId: c.storeId,
    source: 'pos' as const,
    sourceSequence: c.sourceSequence,
    reason: 'cycle_count' as const,
    count: line.counted,
    occurredAt: new Date(c.occurredAt),
  }));
}

const ERP_REASON: Record<Erp['schemas']['InventoryAdjustmentReason'], AdjustmentReason> = {
  correction: 'correction',
  damage: 'damage',
  shrinkage: 'correction',
  found: 'correction',
  write_off: 'correction',
  other: 'correction',
};

/** An ERP adjustment: a signed on-hand change (ERP's "damage" writes the units off; it does not quarantine them). */
export function erpAdjustmentUpdates(a: Erp['schemas']['InventoryAdjustment']): InventoryUpdate[] {
  return [
    {
      sku: a.sku,
      locationId: a.locationId,
      source: a.source,
      sourceSequence: a.sourceSequence,
      reason: ERP_REASON[a.reason],
      delta: a.delta,
      occurredAt: new Date(a.occurredAt ?? a.bookedAt),
    },
  ];
}

/** The feeds Concord polls: WMS movements, POS sales and stock counts, ERP adjustments. */
export function systemFeeds(clients: SystemClients): Feed[] {
  const params = (cursor: string | undefined, correlationId: string) => ({ header: { 'X-Correlation-ID': correlationId }, query: { limit: PAGE, ...(cursor ? { cursor } : {}) } });
  return [
    {
      name: 'wms.inventory-movements',
      async page(cursor, correlationId) {
        const p = pageOf(this.name, await clients.wms.GET('/system/wms/v1/inventory-movements', { params: params(cursor, correlationId) }));
        return { ...p, docs: p.items.map((m) => ({ no: docNumber(m.id), updates: wmsMovementUpdates(m) })) };
      },
    },
    {
      name: 'pos.store-sales',
      async page(cursor, correlationId) {
        const p = pageOf(this.name, await clients.pos.GET('/system/pos/v1/store-sales', { params: params(cursor, correlationId) }));
        return { ...p, docs: p.items.map((s) => ({ no: docNumber(s.id), updates: posSaleUpdates(s) })) };
      },
    },
    {
      name: 'pos.stock-counts',
      async page(cursor, correlationId) {
        const p = pageOf(this.name, await clients.pos.GET('/system/pos/v1/stock-counts', { params: params(cursor, correlationId) }));
        return { ...p, docs: p.items.map((c) => ({ no: docNumber(c.id), updates: posCountUpdates(c) })) };
      },
    },
    {
      name: 'erp.inventory-adjustments',
      async page(cursor, correlationId) {
        const p = pageOf(this.name, await clients.erp.GET('/system/erp/v1/inventory-adjustments', { params: params(cursor, correlationId) }));
        return { ...p, docs: p.items.map((a) => ({ no: docNumber(a.id), updates: erpAdjustmentUpdates(a) })) };
      },
    },
  ];
}

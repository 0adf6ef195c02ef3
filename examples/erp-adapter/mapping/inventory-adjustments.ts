import type { VendorStockPosting } from '../vendor-stub/types';
import { toTimestamp } from './dates';
import { adjustmentId } from './ids';
import type { Erp } from './types';

/** The vendor's movement types that are financial adjustments, as erp.v1 reasons. Anything else is `other`. */
const REASON: Record<string, Erp['InventoryAdjustmentReason']> = { '701': 'correction', '551': 'damage', '553': 'shrinkage', '702': 'found', '555': 'write_off' };

/**
 * Vendor stock posting → erp.v1 InventoryAdjustment. Concord orders inventory updates per source × SKU × location
 * by `sourceSequence` and drops stale or repeated ones; the vendor's posting number (MBLNR) comes from one
 * ascending number range, so it is that sequence as is, and the same posting always maps to the same sequence.
 */
export function toInventoryAdjustment(p: VendorStockPosting): Erp['InventoryAdjustment'] {
  const at = toTimestamp(p.CPUDT, p.CPUTM);
  return {
    id: adjustmentId(p.MBLNR),
    sku: p.MATNR,
    locationId: p.WERKS,
    delta: p.MENGE,
    reason: REASON[p.BWART] ?? 'other',
    ...(p.TEXT ? { note: p.TEXT } : {}),
    source: 'erp',
    sourceSequence: p.MBLNR,
    occurredAt: at,
    bookedAt: at,
  };
}

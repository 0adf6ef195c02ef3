import type { components } from '../../../generated/types/events';

type AdjustedData = components['schemas']['InventoryAdjustedData'];
export type InventorySource = AdjustedData['source'];
export type AdjustmentReason = AdjustedData['reason'];

interface UpdateHeader {
  sku: string;
  locationId: string;
  source: InventorySource;
  /** The source's own counter for this SKU × location: stale and duplicate values are never applied. */
  sourceSequence: number;
  reason: AdjustmentReason;
  /** When it happened at the source: the lag metric measures from here to applied. */
  occurredAt?: Date;
}

/**
 * One stock update from a system: a signed change (`delta`, to on hand unless `bucket` names damaged or quality
 * control) or an absolute on-hand `count`.
 */
export type InventoryUpdate = UpdateHeader & ({ delta: number; bucket?: 'onHand' | 'damaged' | 'qualityControl' } | { count: number });

import type { Condition, Disposition, Reason, RefundAllocation } from './model';

/** Sandbox return window: a line can be returned until 30 days after it (last) shipped. */
export const RETURN_WINDOW_DAYS = 30;
export const RETURN_WINDOW_MS = RETURN_WINDOW_DAYS * 24 * 3600 * 1000;

/** Restocking fee by reason code, in basis points of the line's item value (returns.v1: `changed_mind` 10 %). */
export const RESTOCKING_FEE_BP: Readonly<Record<Reason, number>> = {
  changed_mind: 1000,
  defective: 0,
  damaged_in_transit: 0,
  wrong_item: 0,
  wrong_size: 0,
  not_as_described: 0,
  other: 0,
};

/** The disposition a condition gets without an override (returns.v1, inspectReturn). */
export const DEFAULT_DISPOSITION: Readonly<Record<Condition, Disposition>> = {
  new: 'resellable',
  opened: 'resellable',
  damaged: 'refurbish',
  defective: 'quarantine',
};

/** A damaged or defective unit never goes back to sellable stock, whatever the inspector asks. */
export const mayResell = (condition: Condition): boolean => condition === 'new' || condition === 'opened';

/** Refunds go back to gift cards and store credit first, then cards, then everything else. */
export const TENDER_RANK: Readonly<Record<RefundAllocation['tenderType'], number>> = {
  gift_card: 0,
  store_credit: 0,
  credit_card: 1,
  debit_card: 1,
  paypal: 2,
  cash: 2,
  marketplace: 2,
};

/** Where a receipt may happen: a store (its POS sends it) or a DC (its WMS sends it). */
export const RECEIVING_LOCATION_TYPES: ReadonlySet<string> = new Set(['store', 'dc']);

/**
 * The provider states the concord-process pacts name. A system under verification sets each one up through its
 * state-change hook (README "Verify your adapter"); Concord's sandbox through pact/provider/system-states.ts.
 * States that need fresh data return the ids the interaction injects, so a pact can be verified again and again
 * against the same running adapter: every run posts under references the system has never seen.
 */
export const ERP_STATES = {
  /** Returns `externalRef`: a Concord order id the ERP has no sales order for. */
  knowsSkus: 'ERP knows the SKUs SKU-0001 and SKU-0002',
  /** Params `salesOrder` (a CreateSalesOrderRequest); posts it under a fresh order id. Returns `externalRef`, `salesOrderId`, and `returnId`: a return id never credited. */
  salesOrderPosted: 'a sales order was posted for the order',
  /** At least one adjustment is booked. */
  adjustmentsBooked: 'ERP has booked inventory adjustments',
  /** Every operation answers 503 `system-unavailable` with Retry-After until teardown. */
  unavailable: 'ERP is unavailable',
  /** Params `retryAfterSeconds`; every operation answers 429 `system-throttled` with that Retry-After until teardown. */
  throttling: 'ERP is throttling',
} as const;

export const WMS_STATES = {
  /** Returns `orderId` and `externalRef` (`<orderId>:g1`): a fulfilment group the WMS has never seen. */
  knowsDc1: 'WMS fulfils from DC1',
  /** Params `fulfilmentOrder` (a CreateFulfilmentOrderRequest); posts it for a fresh order id. Returns `fulfilmentOrderId`. */
  fulfilmentOrderExists: 'a fulfilment order exists',
  /** Returns `returnId`: a return id with no receipt yet. */
  expectsReturn: 'WMS expects a return at DC1',
  movementsBooked: 'WMS has booked inventory movements',
  unavailable: 'WMS is unavailable',
} as const;

export const POS_STATES = {
  /** Returns `orderId` and `externalRef` (`<orderId>:g2`): a fulfilment group the POS has never seen. */
  knowsS1: 'POS takes pickups at store S1',
  /** Params `pickup` (a CreatePickupInstructionRequest); posts it for a fresh order id. Returns `pickupId`. */
  pickupExists: 'a pickup exists',
  salesRecorded: 'POS has recorded store sales',
  countsRecorded: 'POS has recorded stock counts',
  unavailable: 'POS is unavailable',
} as const;

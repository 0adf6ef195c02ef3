import { ProcessRejection } from '../common/rejection';

/** A rule an availability request broke: answered as problem+json with the rule's own type (common/rejection.ts). */
export { ProcessRejection as AvailabilityRejection };

export const badQuery = (detail: string, pointer: string, message: string) =>
  new ProcessRejection(400, 'validation', 'Request validation failed', detail, [{ pointer, message }]);
export const unknownSku = (sku: string, pointer: string) =>
  new ProcessRejection(422, 'unknown-sku', 'Unknown SKU', `${sku} is not in the catalogue.`, [{ pointer, message: 'unknown SKU' }]);
export const unknownLocation = (detail: string, pointer: string, message: string) =>
  new ProcessRejection(422, 'unknown-location', 'Unknown location', detail, [{ pointer, message }]);

import { problem } from '../../platform/server/problem';
import type { ProblemBody } from '../../platform/server/problem';

/** A rule a request broke, answered as problem+json with the rule's own type. */
export class AvailabilityRejection extends Error {
  override readonly name = 'AvailabilityRejection';
  constructor(
    readonly status: 400 | 404 | 409 | 422,
    readonly kind: string,
    readonly title: string,
    detail: string,
    readonly errors: Array<{ pointer: string; message: string }> = [],
  ) {
    super(detail);
  }

  toProblem(correlationId: string): ProblemBody {
    return problem(this.kind, this.status, this.title, { detail: this.message, correlationId, ...(this.errors.length ? { errors: this.errors } : {}) });
  }
}

export const badQuery = (detail: string, pointer: string, message: string) =>
  new AvailabilityRejection(400, 'validation', 'Request validation failed', detail, [{ pointer, message }]);
export const unknownSku = (sku: string, pointer: string) =>
  new AvailabilityRejection(422, 'unknown-sku', 'Unknown SKU', `${sku} is not in the catalogue.`, [{ pointer, message: 'unknown SKU' }]);
export const unknownLocation = (detail: string, pointer: string, message: string) =>
  new AvailabilityRejection(422, 'unknown-location', 'Unknown location', detail, [{ pointer, message }]);

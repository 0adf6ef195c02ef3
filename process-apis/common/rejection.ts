import { problem } from '../../platform/server/problem';
import type { ProblemBody } from '../../platform/server/problem';

/**
 * A business rule a request broke, in any process API: answered as problem+json with the rule's own type. Each
 * API names it for itself (OrderRejection, ReturnRejection, AvailabilityRejection); it is one class, so a rule one
 * API checks for another (order intake reserving stock) is answered the same way.
 */
export class ProcessRejection extends Error {
  override readonly name = 'ProcessRejection';
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
    return problem(this.kind, this.status, this.title, {
      detail: this.message,
      correlationId,
      // Bounded like every other output: a request with thousands of bad lines gets the first hundred.
      ...(this.errors.length ? { errors: this.errors.slice(0, 100) } : {}),
    });
  }
}

import { problem } from '../../platform/server/problem';
import type { ProblemBody } from '../../platform/server/problem';

/** A business rule an order broke: answered as problem+json with the rule's own type. */
export class OrderRejection extends Error {
  override readonly name = 'OrderRejection';
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
      ...(this.errors.length ? { errors: this.errors.slice(0, 100) } : {}),
    });
  }
}

export const notFound = (orderId: string) => new OrderRejection(404, 'not-found', 'Not found', `No order ${orderId}.`);

import { ProcessRejection } from '../common/rejection';

/** A business rule an order broke: answered as problem+json with the rule's own type (common/rejection.ts). */
export { ProcessRejection as OrderRejection };

export const notFound = (orderId: string) => new ProcessRejection(404, 'not-found', 'Not found', `No order ${orderId}.`);

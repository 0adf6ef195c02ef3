import { OrderRejection } from '../orders/problems';

/** A broken rule of the returns workflow, answered as problem+json with the rule's own type (as order intake does). */
export { OrderRejection as ReturnRejection };

type FieldErrors = Array<{ pointer: string; message: string }>;

export const returnNotFound = (id: string) => new OrderRejection(404, 'not-found', 'Not found', `No return ${id}.`);
export const orderNotFound = (id: string) => new OrderRejection(404, 'not-found', 'Not found', `Order ${id} was not found.`);
export const notAllowed = (detail: string, errors: FieldErrors = []) => new OrderRejection(422, 'return-not-allowed', 'Return not allowed', detail, errors);
export const quantityExceeded = (title: string, detail: string, errors: FieldErrors) => new OrderRejection(422, 'return-quantity-exceeded', title, detail, errors);
export const windowClosed = (detail: string, errors: FieldErrors) => new OrderRejection(422, 'return-window-closed', 'Return window closed', detail, errors);
export const invalidState = (detail: string) => new OrderRejection(409, 'invalid-return-state', 'Invalid return state', detail);
export const validation = (detail: string, errors: FieldErrors) => new OrderRejection(422, 'validation', 'Request validation failed', detail, errors);
export const unknownLocation = (detail: string, pointer: string) =>
  new OrderRejection(422, 'unknown-location', 'Unknown location', detail, [{ pointer, message: 'not a store or DC' }]);

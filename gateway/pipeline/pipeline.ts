import { createRequestValidation } from '../policies/request-validation';
import type { Policy } from './policy';

/**
 * The gateway pipeline, in order. Before these, the server shell sets the correlation id and enforces size
 * limits, and the router answers unknown paths (404) and wrong methods (405). The upstream call is the route's
 * handler. The full order from DESIGN.md, with each policy joining this list where it belongs:
 *   version status, authentication, scope and audience, rate limit, request validation, idempotency,
 *   [upstream call], response validation, metrics.
 */
export function createPipeline(): Policy[] {
  return [createRequestValidation()];
}

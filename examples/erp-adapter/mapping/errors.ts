import type { VendorError } from '../vendor-stub/types';
import type { Problem } from './types';

/**
 * Vendor errors → erp.v1 problem answers. The vendor answers 400 for every business error and tells them apart by
 * `errCode` only, so the code decides the status Concord's workers act on: 422/409 are permanent (the order
 * sync worker parks the job as a sync exception), 429/503 are transient (retried after Retry-After). An unknown
 * code is answered 422: retrying a refusal nobody understood would only repeat it, and a person has to look.
 */
export interface ProblemAnswer {
  status: number;
  problem: Problem;
  headers?: Record<string, string>;
}

const TYPE = (kind: string) => `https://concord.dev/problems/${kind}`;

export function problemAnswer(status: number, kind: string, title: string, detail?: string, extra: Partial<Problem> = {}, headers?: Record<string, string>): ProblemAnswer {
  return { status, problem: { type: TYPE(kind), title, status, ...(detail ? { detail } : {}), ...extra }, ...(headers ? { headers } : {}) };
}

/** erp.v1's 503 `system-unavailable`: nothing was changed, retry after `retryAfterSeconds`. */
export const unavailable = (retryAfterSeconds: number, detail = 'The ERP is unavailable; nothing was changed.'): ProblemAnswer =>
  problemAnswer(503, 'system-unavailable', 'ERP is unavailable', detail, {}, { 'retry-after': String(retryAfterSeconds) });

/** erp.v1's 429 `system-throttled`. */
export const throttled = (retryAfterSeconds: number): ProblemAnswer =>
  problemAnswer(429, 'system-throttled', 'ERP is throttling requests', `Retry after ${retryAfterSeconds} seconds.`, {}, { 'retry-after': String(retryAfterSeconds) });

/** erp.v1's 504 `upstream-timeout`, for reads (writes go through the exactly-once path instead). */
export const timedOut = (): ProblemAnswer => problemAnswer(504, 'upstream-timeout', 'ERP did not answer in time', 'The ERP did not answer in time; retry.');

/** Where a business error is about a sales document that does not exist, the operation decides: 404 or 422. */
export type Operation = 'sales-order' | 'cancel' | 'credit-memo' | 'read';

export function fromVendorError(e: VendorError, op: Operation): ProblemAnswer {
  switch (e.errCode) {
    case 'M7/001': {
      // "Material SKU-9999 does not exist (item 20)": the item number points at the line, as erp.v1's errors do.
      const item = /\(item (\d+)\)/.exec(e.errText);
      const pointer = item ? `/lines/${Number(item[1]) / 10 - 1}/sku` : '/lines';
      return problemAnswer(422, 'unknown-sku', 'Unknown SKU', e.errText, { errors: [{ pointer, message: 'unknown SKU' }] });
    }
    case 'V1/302':
      return op === 'credit-memo'
        ? problemAnswer(422, 'validation', 'Request validation failed', e.errText, { errors: [{ pointer: '/salesOrderId', message: 'no such sales order' }] })
        : problemAnswer(404, 'not-found', 'Not found', e.errText);
    case 'V1/341':
    case 'F5/120':
    case 'F5/121':
      return problemAnswer(409, 'conflict', 'Conflict with the resource state', e.errText);
    case 'F5/130':
      return problemAnswer(422, 'tender-mismatch', 'Allocations do not add up', e.errText, { errors: [{ pointer: '/allocations', message: e.errText }] });
    default:
      return problemAnswer(422, 'validation', 'Request validation failed', `The ERP refused the document: ${e.errCode} ${e.errText}`);
  }
}

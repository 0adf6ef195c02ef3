import type { IFunctionResult, RulesetFunction } from '@stoplight/spectral-core';
import { contractPathOf } from '../contract-path';
import { isObject } from './json';
import { findHeaderParameter, labelOf, operationsOf } from './operations';

/** The upstreams that are process APIs, for documents that do not live under contracts/openapi/process/. */
const PROCESS_UPSTREAMS = new Set(['orders', 'returns', 'availability']);

function isProcessApi(doc: unknown, source: string | null): boolean {
  const where = contractPathOf(source);
  if (where) return where.group === 'process';
  return isObject(doc) && PROCESS_UPSTREAMS.has(String(doc['x-concord-upstream']));
}

/**
 * A process API's create (a POST that can answer 201) must require an Idempotency-Key, so a retried order, return
 * or reservation is never made twice. Other unsafe process operations (cancel, receive, release…) opt in with
 * `x-concord-idempotency: required`; wherever that is set, the header must be declared and required.
 * System APIs use `optional` by design (the process APIs call them with keys of their own), so they are not forced.
 */
export const idempotencyKeyRequired: RulesetFunction<unknown, null> = (doc, _options, context) => {
  const results: IFunctionResult[] = [];
  const processApi = isProcessApi(doc, context.document.source);
  for (const o of operationsOf(doc)) {
    const mode = o.op['x-concord-idempotency'];
    const creates = processApi && o.method === 'post' && isObject(o.op.responses) && '201' in o.op.responses;
    const label = labelOf(o);
    if (creates && mode !== 'required') {
      results.push({
        message: `${label} creates a resource in a process API (it answers 201), so it must declare \`x-concord-idempotency: required\`.`,
        path: mode === undefined ? o.at : [...o.at, 'x-concord-idempotency'],
      });
    }
    if (!creates && mode !== 'required') continue;
    const key = findHeaderParameter(o, 'Idempotency-Key');
    if (!key) {
      results.push({
        message: `${label} must declare the Idempotency-Key header parameter ($ref: '../common/http.yaml#/components/parameters/IdempotencyKey').`,
        path: Array.isArray(o.op.parameters) ? [...o.at, 'parameters'] : o.at,
      });
    } else if (key.param.required !== true) {
      results.push({ message: 'The Idempotency-Key header must be `required: true` where an operation requires idempotency.', path: key.at });
    }
  }
  return results;
};

import type { IFunctionResult, RulesetFunction } from '@stoplight/spectral-core';
import { entries, isObject } from './json';
import { findHeaderParameter, labelOf, operationsOf } from './operations';

const HEADER = 'X-Correlation-ID';

/** The gateway echoes X-Correlation-ID on every response and carries it into logs and events; the contract says so. */
export const correlationId: RulesetFunction<unknown, null> = (doc) => {
  const results: IFunctionResult[] = [];
  for (const o of operationsOf(doc)) {
    if (!findHeaderParameter(o, HEADER)) {
      results.push({
        message: `${labelOf(o)} does not declare the ${HEADER} request header; add $ref: '../common/http.yaml#/components/parameters/CorrelationId' to the path item's parameters.`,
        path: Array.isArray(o.item.parameters) ? ['paths', o.path, 'parameters'] : o.at,
      });
    }
    for (const [status, response] of entries(o.op.responses)) {
      if (!isObject(response)) continue;
      const headers = entries(response.headers).map(([name]) => name.toLowerCase());
      if (!headers.includes(HEADER.toLowerCase())) {
        results.push({
          message: `Response ${status} does not declare the ${HEADER} header.`,
          path: [...o.at, 'responses', status, ...(isObject(response.headers) ? ['headers'] : [])],
        });
      }
    }
  }
  return results;
};

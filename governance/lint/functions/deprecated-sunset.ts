import type { IFunctionResult, RulesetFunction } from '@stoplight/spectral-core';
import { isObject } from './json';
import { labelOf, operationsOf } from './operations';
import { isRfc3339Date } from './rfc3339';

const badDate = (value: unknown) => `x-sunset ${JSON.stringify(value)} is not an RFC 3339 date, e.g. '2027-06-30'.`;

/**
 * A deprecated operation tells partners when it stops answering: `x-sunset` on the operation or at the document
 * root (orders.v1.yaml), an RFC 3339 date that the gateway turns into the `Sunset` header and, after it, 410.
 */
export const deprecatedSunset: RulesetFunction<unknown, null> = (doc) => {
  const results: IFunctionResult[] = [];
  const rootSunset = isObject(doc) ? doc['x-sunset'] : undefined;
  if (rootSunset !== undefined && !isRfc3339Date(rootSunset)) results.push({ message: badDate(rootSunset), path: ['x-sunset'] });
  for (const o of operationsOf(doc)) {
    const own = o.op['x-sunset'];
    if (own !== undefined && !isRfc3339Date(own)) results.push({ message: badDate(own), path: [...o.at, 'x-sunset'] });
    if (o.op.deprecated === true && own === undefined && rootSunset === undefined) {
      results.push({ message: `${labelOf(o)} is deprecated but has no x-sunset, on the operation or at the document root.`, path: [...o.at, 'deprecated'] });
    }
  }
  return results;
};

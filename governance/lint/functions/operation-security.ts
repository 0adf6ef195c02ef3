import type { IFunctionResult, RulesetFunction } from '@stoplight/spectral-core';
import { isObject } from './json';
import { labelOf, operationsOf } from './operations';

/**
 * Every operation needs a security requirement, its own or the document's. `security: []` (or an empty
 * requirement `{}`, which makes authentication optional) is allowed only with `x-concord-public: true`,
 * the marker contracts/README.md documents for the token endpoint and JWKS.
 */
export const operationSecurity: RulesetFunction<unknown, null> = (doc) => {
  const results: IFunctionResult[] = [];
  const rootSecurity = isObject(doc) ? doc.security : undefined;
  for (const o of operationsOf(doc)) {
    const own = o.op.security;
    const security = own ?? rootSecurity;
    const at = own !== undefined ? [...o.at, 'security'] : o.at;
    const isPublic = o.op['x-concord-public'] === true;
    const label = labelOf(o);
    if (!Array.isArray(security)) {
      results.push({ message: `${label} has no security requirement: set \`security\` on the operation or at the document root.`, path: at });
    } else if (security.length === 0) {
      if (!isPublic) results.push({ message: `${label} has \`security: []\` but is not marked \`x-concord-public: true\`.`, path: at });
    } else if (!isPublic) {
      security.forEach((requirement: unknown, i) => {
        if (!isObject(requirement) || Object.keys(requirement).length === 0) {
          results.push({ message: `${label} lists an empty security requirement, which lets anonymous callers in; only \`x-concord-public: true\` operations may.`, path: [...at, i] });
        }
      });
    }
  }
  return results;
};

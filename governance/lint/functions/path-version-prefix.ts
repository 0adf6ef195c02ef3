import type { IFunctionResult, RulesetFunction } from '@stoplight/spectral-core';
import type { ContractPath } from '../contract-path';
import { contractPathOf } from '../contract-path';
import { entries, isObject } from './json';

/** Where contracts/README.md serves each group: process `/v<N>/`, system `/system/<api>/v<N>/`, platform `/<api>/v<N>/`. */
function prefixOf(where: Required<ContractPath>): string {
  if (where.group === 'process') return `/v${where.major}/`;
  if (where.group === 'system') return `/system/${where.api}/v${where.major}/`;
  return `/${where.api}/v${where.major}/`;
}

const isPublicItem = (item: unknown) => {
  const ops = entries(item).filter(([key, op]) => isObject(op) && key !== 'parameters' && !key.startsWith('x-'));
  return ops.length > 0 && ops.every(([, op]) => isObject(op) && op['x-concord-public'] === true);
};

/**
 * A file is one major version of one API, so its paths and `info.version` must agree with its name.
 * Only files laid out as contracts/openapi/<group>/<api>.v<N>.yaml can be checked; common files have no version.
 */
export const pathVersionPrefix: RulesetFunction<unknown, null> = (doc, _options, context) => {
  const where = contractPathOf(context.document.source);
  if (!where || where.group === 'common' || where.api === undefined || where.major === undefined || !isObject(doc)) return [];
  const results: IFunctionResult[] = [];
  const prefix = prefixOf(where as Required<ContractPath>);
  for (const [path, item] of entries(doc.paths)) {
    if (path.startsWith(prefix)) continue;
    // OAuth and JWKS fix their own paths (/oauth/token, /.well-known/jwks.json); those operations are the public ones.
    if (where.group === 'platform' && isPublicItem(item)) continue;
    results.push({ message: `Path ${path} is not under ${prefix}, where ${where.group} API ${where.api}.v${where.major} is served.`, path: ['paths', path] });
  }
  const version = isObject(doc.info) ? doc.info.version : undefined;
  const major = typeof version === 'string' ? /^v?(\d+)(\.|$)/.exec(version)?.[1] : undefined;
  if (major === undefined || Number(major) !== where.major) {
    results.push({
      message: `info.version ${JSON.stringify(version ?? null)} must have major version ${where.major}, as the file name ${where.api}.v${where.major} says.`,
      path: version === undefined ? ['info'] : ['info', 'version'],
    });
  }
  return results;
};

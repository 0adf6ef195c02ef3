import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { HTTP_METHODS } from '../../codegen/contracts/extensions';
import type { JsonPath } from './functions/json';
import { isObject } from './functions/json';
import { operationLabel } from './functions/operations';

/**
 * Names the operation a finding's path is in: `POST /v2/orders (createOrder)` in OpenAPI, `send concord.orders.created`
 * in AsyncAPI. Documents are the ones linted, or files reached through `$ref`, read once when first needed.
 */
export function operationNamer(linted: ReadonlyMap<string, unknown>): (file: string, path: JsonPath) => Promise<string | undefined> {
  const docs = new Map<string, Promise<unknown>>();
  const docOf = (file: string): Promise<unknown> => {
    if (linted.has(file)) return Promise.resolve(linted.get(file));
    let doc = docs.get(file);
    if (!doc) {
      doc = readFile(file, 'utf8').then((text) => parse(text) as unknown, () => undefined);
      docs.set(file, doc);
    }
    return doc;
  };
  return async (file, path) => {
    const [top, a, b] = path;
    if (top === 'paths' && typeof a === 'string' && HTTP_METHODS.includes(b as (typeof HTTP_METHODS)[number])) {
      const doc = await docOf(file);
      const item = isObject(doc) && isObject(doc.paths) ? doc.paths[a] : undefined;
      const op = isObject(item) ? item[b as string] : undefined;
      return operationLabel(String(b), a, isObject(op) ? op.operationId : undefined);
    }
    if (top === 'operations' && typeof a === 'string') {
      const doc = await docOf(file);
      const op = isObject(doc) && isObject(doc.operations) ? doc.operations[a] : undefined;
      if (!isObject(op) || typeof op.action !== 'string') return undefined;
      const ref = isObject(op.channel) && typeof op.channel.$ref === 'string' ? /^#\/channels\/([^/]+)$/.exec(op.channel.$ref)?.[1] : undefined;
      const channel = ref !== undefined && isObject(doc) && isObject(doc.channels) ? doc.channels[decodeURIComponent(ref).replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
      return `${op.action} ${isObject(channel) && typeof channel.address === 'string' ? channel.address : a}`;
    }
    return undefined;
  };
}

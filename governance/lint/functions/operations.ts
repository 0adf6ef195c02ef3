import { HTTP_METHODS } from '../../../codegen/contracts/extensions';
import type { JsonObject, JsonPath } from './json';
import { entries, isObject } from './json';

/** One operation of an OpenAPI document, with what the rules need around it. */
export interface OperationAt {
  path: string;
  method: string;
  op: JsonObject;
  item: JsonObject;
  /** JSON path of the operation object. */
  at: JsonPath;
}

export function operationsOf(doc: unknown): OperationAt[] {
  const out: OperationAt[] = [];
  if (!isObject(doc)) return out;
  for (const [path, item] of entries(doc.paths)) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (isObject(op)) out.push({ path, method, op, item, at: ['paths', path, method] });
    }
  }
  return out;
}

export interface ParameterAt {
  param: JsonObject;
  at: JsonPath;
}

/**
 * The parameters that apply to an operation: the path item's, overridden by the operation's own with the same
 * name and location (OpenAPI 3.1 §4.8.9). Header names are case-insensitive. `$ref`s left unresolved are skipped.
 */
export function parametersOf(o: OperationAt): ParameterAt[] {
  const byKey = new Map<string, ParameterAt>();
  const add = (list: unknown, at: JsonPath) => {
    if (!Array.isArray(list)) return;
    list.forEach((param: unknown, i) => {
      if (!isObject(param) || typeof param.name !== 'string' || typeof param.in !== 'string') return;
      const name = param.in === 'header' ? param.name.toLowerCase() : param.name;
      byKey.set(`${param.in}:${name}`, { param, at: [...at, i] });
    });
  };
  add(o.item.parameters, ['paths', o.path, 'parameters']);
  add(o.op.parameters, [...o.at, 'parameters']);
  return [...byKey.values()];
}

export const findHeaderParameter = (o: OperationAt, name: string): ParameterAt | undefined =>
  parametersOf(o).find((p) => p.param.in === 'header' && String(p.param.name).toLowerCase() === name.toLowerCase());

/** Response status keys that are errors: 4xx and 5xx, as codes or as `4XX`/`5XX` ranges. */
export const isErrorStatus = (status: string): boolean => /^[45](\d\d|XX)$/i.test(status);
export const isSuccessStatus = (status: string): boolean => /^2(\d\d|XX)$/i.test(status);

/** `POST /v2/orders (createOrder)`, as governance findings name an operation. */
export const operationLabel = (method: string, path: string, operationId: unknown): string =>
  `${method.toUpperCase()} ${path}${typeof operationId === 'string' && operationId ? ` (${operationId})` : ''}`;

export const labelOf = (o: OperationAt): string => operationLabel(o.method, o.path, o.op.operationId);

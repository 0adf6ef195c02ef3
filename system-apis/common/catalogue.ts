import type { CallerContext } from '../../platform/http/handler-types';
import type { Queryable } from '../../platform/db/database';
import type { FieldError } from './problems';
import { unprocessable } from './problems';

/** The item list a system keeps in its own schema. */
export type ItemTable = 'erp.items' | 'wms.items' | 'pos.items';

/**
 * 422 `unknown-sku` naming every SKU of the request that `table` does not hold, or undefined when it holds them
 * all. `skus` pairs each SKU with its JSON pointer in the request.
 */
export async function checkSkus(q: Queryable, table: ItemTable, skus: ReadonlyArray<readonly [pointer: string, sku: string]>, caller: CallerContext) {
  const { rows } = await q.query<{ sku: string }>(`SELECT sku FROM ${table} WHERE sku = ANY($1::text[])`, [[...new Set(skus.map(([, s]) => s))]]);
  const known = new Set(rows.map((r) => r.sku));
  const errors: FieldError[] = skus.filter(([, sku]) => !known.has(sku)).map(([pointer]) => ({ pointer, message: 'unknown SKU' }));
  if (errors.length === 0) return undefined;
  const missing = [...new Set(skus.filter(([, sku]) => !known.has(sku)).map(([, sku]) => sku))];
  return unprocessable(caller, 'unknown-sku', `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in the item master.`, errors);
}

/** 422 `validation` when two lines of a request share an id. */
export function checkUniqueLineIds(ids: readonly string[], pointer: (i: number) => string, caller: CallerContext) {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  ids.forEach((id, i) => {
    if (seen.has(id)) errors.push({ pointer: pointer(i), message: `line ${id} appears twice` });
    seen.add(id);
  });
  return errors.length > 0 ? unprocessable(caller, 'validation', 'Line ids must be unique.', errors) : undefined;
}

/** 422 `validation` unless `externalRef` is `<orderId>:<fulfilmentGroupId>`; else the fulfilment group id. */
export function fulfilmentGroupOf(externalRef: string, orderId: string, caller: CallerContext) {
  const prefix = `${orderId}:`;
  if (externalRef.startsWith(prefix) && externalRef.length > prefix.length) return { ok: true as const, groupId: externalRef.slice(prefix.length) };
  return {
    ok: false as const,
    problem: unprocessable(caller, 'validation', `externalRef ${externalRef} does not start with the orderId ${orderId}.`, [
      { pointer: '/externalRef', message: `must be ${orderId}:<fulfilmentGroupId>` },
    ]),
  };
}

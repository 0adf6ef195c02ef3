import type { CallerContext } from '../../platform/http/handler-types';
import type { Queryable } from '../../platform/db/database';
import { unprocessable } from '../common/problems';
import { whatLocationIs } from '../common/location-names';

async function findStore(q: Queryable, id: string): Promise<{ id: string; pickup_enabled: boolean } | undefined> {
  const { rows } = await q.query<{ id: string; pickup_enabled: boolean }>('SELECT id, pickup_enabled FROM pos.stores WHERE id = $1', [id]);
  return rows[0];
}

function notAStore(id: string): string {
  const what = whatLocationIs(id);
  return what ? `${what}, not a store; POS runs the stores.` : `${id} is not a store POS runs.`;
}

/** 422 `unknown-location` unless `id` is one of the POS's stores. */
export async function checkStore(q: Queryable, id: string, pointer: string, caller: CallerContext) {
  if (await findStore(q, id)) return undefined;
  return unprocessable(caller, 'unknown-location', notAStore(id), [{ pointer, message: 'not a store' }]);
}

/** 422 `invalid-pickup-store` unless `id` is a pickup-enabled store. */
export async function checkPickupStore(q: Queryable, id: string, pointer: string, caller: CallerContext) {
  const store = await findStore(q, id);
  if (store?.pickup_enabled) return undefined;
  const detail = `${store ? id : (whatLocationIs(id) ?? `${id} is not a store POS runs`)} and does not offer store pickup.`;
  return unprocessable(caller, 'invalid-pickup-store', detail, [{ pointer, message: 'not a pickup-enabled store' }]);
}

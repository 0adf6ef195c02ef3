import type { CallerContext } from '../../platform/http/handler-types';
import type { Queryable } from '../../platform/db/database';
import { unprocessable } from '../common/problems';
import type { DemoLocationType } from '../demo-data';
import { whatLocationIs } from '../common/location-names';

/** The location types WMS runs: the DCs, the dark store and the 3PL node. Stores run on the POS. */
export const WMS_NODE_TYPES: ReadonlySet<DemoLocationType> = new Set(['dc', 'dark_store', '3pl']);

/** 422 `unknown-location` unless `id` is a node in WMS's own node list. */
export async function checkWmsNode(q: Queryable, id: string, pointer: string, caller: CallerContext) {
  const { rows } = await q.query<{ id: string }>(
    "SELECT id FROM wms.nodes ORDER BY CASE type WHEN 'dc' THEN 1 WHEN 'dark_store' THEN 2 ELSE 3 END, id",
  );
  const nodes = rows.map((r) => r.id);
  if (nodes.includes(id)) return undefined;
  const runs = `WMS runs ${nodes.slice(0, -1).join(', ')} and ${nodes.at(-1) ?? ''}`;
  const detail = `${whatLocationIs(id) ?? `${id} is not a location WMS knows`}; ${runs}.`;
  return unprocessable(caller, 'unknown-location', detail, [{ pointer, message: 'not a WMS node' }]);
}

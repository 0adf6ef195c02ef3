import type { ErpV1Handlers } from '../../generated/handlers/system/erp.v1';
import type { components } from '../../generated/types/system/erp.v1';
import type { Queryable } from '../../platform/db/database';
import type { SystemDeps } from '../common/deps';
import { listPage } from '../common/listing';
import { opt } from '../common/rows';

type Location = components['schemas']['Location'];
type LocationType = components['schemas']['LocationType'];

interface LocationRow {
  id: string;
  position: number;
  name: string;
  type: LocationType;
  parent_id: string | null;
  pickup_enabled: boolean;
  ship_from_store_enabled: boolean;
}

/** Locations that hold stock; the network and the regions only group them. */
export const STOCK_HOLDING_TYPES: ReadonlySet<LocationType> = new Set(['dc', 'store', 'dark_store', '3pl']);

const toLocation = (r: LocationRow): Location => ({
  id: r.id,
  name: r.name,
  type: r.type,
  ...opt('parentId', r.parent_id),
  pickupEnabled: r.pickup_enabled,
  shipFromStoreEnabled: r.ship_from_store_enabled,
});

export async function findLocationType(q: Queryable, id: string): Promise<LocationType | undefined> {
  const { rows } = await q.query<{ type: LocationType }>('SELECT type FROM erp.locations WHERE id = $1', [id]);
  return rows[0]?.type;
}

export function locationHandlers({ db }: SystemDeps): Pick<ErpV1Handlers, 'listLocations'> {
  return {
    listLocations: (req, caller) =>
      listPage(caller, req.query, {
        name: 'locations',
        kind: 'number',
        // `position` is the master's order, parents before children.
        rows: async (after, limit) => {
          const { rows } = await db.query<LocationRow>(
            `SELECT id, position, name, type, parent_id, pickup_enabled, ship_from_store_enabled FROM erp.locations
              WHERE ($1::integer IS NULL OR position > $1) AND ($2::text IS NULL OR type = $2)
              ORDER BY position LIMIT $3`,
            [after ?? null, req.query.type ?? null, limit],
          );
          return rows;
        },
        key: (r) => r.position,
        items: (rows) => rows.map(toLocation),
      }),
  };
}

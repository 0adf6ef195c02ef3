import type { Queryable } from '../../platform/db/database';
import type { components as Common } from '../../generated/types/process/orders.v2';

type LocationType = Common['schemas']['FulfilmentGroup']['nodeType'];

export interface CatalogueItem {
  sku: string;
  name: string;
  currency: string;
  /** Net unit price in minor units. */
  price: number;
  taxRateBp: number;
  active: boolean;
}

export interface NetworkLocation {
  id: string;
  name: string;
  type: LocationType;
  parentId?: string;
  pickupEnabled: boolean;
  shipFromStoreEnabled: boolean;
}

/** An in-memory snapshot of `refdata`, read on the hot path of order intake; `reload()` after a sync. */
export interface ReferenceData {
  item(sku: string): CatalogueItem | undefined;
  location(id: string): NetworkLocation | undefined;
  locations(): readonly NetworkLocation[];
  /** False until a first copy of the item master exists (first start, before the first sync from ERP). */
  ready(): boolean;
  reload(): Promise<void>;
}

export async function loadReferenceData(db: Queryable): Promise<ReferenceData> {
  let items = new Map<string, CatalogueItem>();
  let locations: NetworkLocation[] = [];
  let byId = new Map<string, NetworkLocation>();
  const reload = async () => {
    const [i, l] = await Promise.all([
      db.query<{ sku: string; name: string; currency: string; price: string | number; tax_rate_bp: number; active: boolean }>(
        'SELECT sku, name, currency, price, tax_rate_bp, active FROM refdata.items',
      ),
      db.query<{ id: string; name: string; type: LocationType; parent_id: string | null; pickup_enabled: boolean; ship_from_store_enabled: boolean }>(
        'SELECT id, name, type, parent_id, pickup_enabled, ship_from_store_enabled FROM refdata.locations ORDER BY id',
      ),
    ]);
    items = new Map(
      i.rows.map((r) => [r.sku, { sku: r.sku, name: r.name, currency: r.currency, price: Number(r.price), taxRateBp: r.tax_rate_bp, active: r.active }]),
    );
    locations = l.rows.map((r) => ({
      id: r.id,
      name: r.name,
      type: r.type,
      ...(r.parent_id ? { parentId: r.parent_id } : {}),
      pickupEnabled: r.pickup_enabled,
      shipFromStoreEnabled: r.ship_from_store_enabled,
    }));
    byId = new Map(locations.map((x) => [x.id, x]));
  };
  await reload();
  return {
    item: (sku) => items.get(sku),
    location: (id) => byId.get(id),
    locations: () => locations,
    ready: () => items.size > 0,
    reload,
  };
}

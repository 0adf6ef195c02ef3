import type { Database } from '../../platform/db/database';
import type { ErpV1Client } from '../../generated/clients/system/erp.v1';
import type { CatalogueItem, NetworkLocation } from './reference-data';

const PAGE = 100;

export class ReferenceDataSyncError extends Error {
  override readonly name = 'ReferenceDataSyncError';
}

async function pages<T>(fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string | null }>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

/** ERP's item master with net prices, every page, as reference-data rows. Throws when ERP cannot be read. */
export function readItems(erp: ErpV1Client): Promise<CatalogueItem[]> {
  return pages<CatalogueItem>(async (cursor) => {
    const { data, response } = await erp.GET('/system/erp/v1/items', { params: { query: { limit: PAGE, ...(cursor ? { cursor } : {}) } } });
    if (!data) throw new ReferenceDataSyncError(`ERP items: HTTP ${response.status}`);
    return {
      items: data.items.map((i) => ({ sku: i.sku, name: i.name, currency: i.price.currency, price: i.price.amount, taxRateBp: i.taxRateBp, active: i.active })),
      nextCursor: data.nextCursor,
    };
  });
}

/** ERP's location master, every page, as reference-data rows. Throws when ERP cannot be read. */
export function readLocations(erp: ErpV1Client): Promise<NetworkLocation[]> {
  return pages<NetworkLocation>(async (cursor) => {
    const { data, response } = await erp.GET('/system/erp/v1/locations', { params: { query: { limit: PAGE, ...(cursor ? { cursor } : {}) } } });
    if (!data) throw new ReferenceDataSyncError(`ERP locations: HTTP ${response.status}`);
    return {
      items: data.items.map((l) => ({
        id: l.id,
        name: l.name,
        type: l.type,
        ...(l.parentId ? { parentId: l.parentId } : {}),
        pickupEnabled: l.pickupEnabled ?? false,
        shipFromStoreEnabled: l.shipFromStoreEnabled ?? false,
      })),
      nextCursor: data.nextCursor,
    };
  });
}

/**
 * Copies ERP's item master, price list and location master into `refdata`, replacing the previous copy in one
 * transaction. Throws when ERP cannot be read; the previous copy then stays in use.
 */
export async function syncReferenceData(db: Database, erp: ErpV1Client): Promise<{ items: number; locations: number }> {
  const items = await readItems(erp);
  const locations = await readLocations(erp);
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM refdata.items');
    await tx.query('DELETE FROM refdata.locations');
    // One statement per table: a JSON array expanded server-side, rather than hundreds of round trips.
    await tx.query(
      `INSERT INTO refdata.items (sku, name, currency, price, tax_rate_bp, active)
       SELECT x.sku, x.name, x.currency, x.price, x."taxRateBp", x.active
         FROM jsonb_to_recordset($1::text::jsonb) AS x(sku text, name text, currency text, price bigint, "taxRateBp" integer, active boolean)`,
      [JSON.stringify(items)],
    );
    await tx.query(
      `INSERT INTO refdata.locations (id, name, type, parent_id, pickup_enabled, ship_from_store_enabled)
       SELECT x.id, x.name, x.type, x."parentId", x."pickupEnabled", x."shipFromStoreEnabled"
         FROM jsonb_to_recordset($1::text::jsonb) AS x(id text, name text, type text, "parentId" text, "pickupEnabled" boolean, "shipFromStoreEnabled" boolean)`,
      [JSON.stringify(locations)],
    );
  });
  return { items: items.length, locations: locations.length };
}

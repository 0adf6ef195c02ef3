import type { NetworkLocation, ReferenceData } from '../reference-data/reference-data';
import type { OrderIntake, System } from './model';
import { OrderRejection } from './problems';

type Method = OrderIntake['lines'][number]['fulfilment']['method'];

/** Where a line may be fulfilled, in order of preference, and which system executes it there. */
export interface Candidate {
  location: NetworkLocation;
  system: Exclude<System, 'erp'>;
}

/** WMS runs the DCs, the dark store and the 3PL node; every store runs POS. */
export const systemOf = (l: NetworkLocation): Candidate['system'] => (l.type === 'store' ? 'pos' : 'wms');

const SHIP_ORDER: Record<string, number> = { dc: 0, dark_store: 1, '3pl': 2 };

/**
 * The routing rule (process-apis/orders/README.md):
 * - `store_pickup`: the named store only; it must be a pickup store.
 * - `ship`: the DCs first (by id), then the dark store, then the 3PL node; the first whose ATP covers the whole
 *   line takes it. Stores are not used for `ship`.
 * - `ship_from_store`: the named node, which must allow ship-from-store; without one, the dark store first, then
 *   the stores (by id).
 */
export function candidatesFor(line: { fulfilment: { method: Method; locationId?: string } }, index: number, ref: ReferenceData): Candidate[] {
  const { method, locationId } = line.fulfilment;
  const named = locationId === undefined ? undefined : ref.location(locationId);
  const pointer = `/lines/${index}/fulfilment/locationId`;
  switch (method) {
    case 'store_pickup':
      if (!named || named.type !== 'store' || !named.pickupEnabled) {
        throw new OrderRejection(
          422,
          'invalid-pickup-store',
          'Invalid pickup store',
          locationId === undefined ? `Line ${index} is for store pickup but names no store.` : `${locationId} is not a pickup store.`,
          [{ pointer, message: locationId === undefined ? 'required for store_pickup' : 'not a pickup store' }],
        );
      }
      return [{ location: named, system: 'pos' }];
    case 'ship':
      return ref
        .locations()
        .filter((l) => l.type in SHIP_ORDER)
        .sort((a, b) => SHIP_ORDER[a.type]! - SHIP_ORDER[b.type]! || (a.id < b.id ? -1 : 1))
        .map((l) => ({ location: l, system: systemOf(l) }));
    case 'ship_from_store': {
      if (locationId !== undefined) {
        if (!named || !named.shipFromStoreEnabled) {
          throw new OrderRejection(422, 'unknown-location', 'Invalid ship-from-store location', `${locationId} does not ship from store.`, [
            { pointer, message: 'not a ship-from-store location' },
          ]);
        }
        return [{ location: named, system: systemOf(named) }];
      }
      return ref
        .locations()
        .filter((l) => l.shipFromStoreEnabled)
        .sort((a, b) => (a.type === b.type ? (a.id < b.id ? -1 : 1) : a.type === 'dark_store' ? -1 : 1))
        .map((l) => ({ location: l, system: systemOf(l) }));
    }
  }
}

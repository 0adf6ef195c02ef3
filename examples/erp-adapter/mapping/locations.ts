import type { VendorPlant, VendorPlantKind } from '../vendor-stub/types';
import type { Erp } from './types';

type LocationType = Erp['LocationType'];

/** The vendor's plant kinds are a closed list like Concord's; one entry each, so a new kind fails loudly. */
const TYPE: Record<VendorPlantKind, LocationType> = { NETWORK: 'network', REGION: 'region', DC: 'dc', STORE: 'store', DARK: 'dark_store', '3PL': '3pl' };

/** Vendor plant → erp.v1 Location. 'X' flags become booleans; the vendor's empty PARENT means "no parent". */
export function toLocation(p: VendorPlant): Erp['Location'] {
  return {
    id: p.WERKS,
    name: p.NAME1,
    type: TYPE[p.PLANT_KIND],
    ...(p.PARENT ? { parentId: p.PARENT } : {}),
    pickupEnabled: p.CC_FLAG === 'X',
    shipFromStoreEnabled: p.SFS_FLAG === 'X',
  };
}

import type { WmsV1Handlers } from '../../generated/handlers/system/wms.v1';
import type { SystemDeps } from '../common/deps';
import type { SandboxOperation } from '../sandbox/fault-endpoints';
import { fulfilmentOrderHandlers } from './fulfilment-orders';
import { inventoryMovementHandlers } from './inventory-movements';
import { returnReceiptHandlers } from './return-receipts';
import { shipmentHandlers } from './shipments';

/** Every WMS operation but the sandbox endpoints, which the sandbox adds around them. */
export type WmsOperations = Omit<WmsV1Handlers, SandboxOperation>;

/** The sandbox WMS (contracts/openapi/system/wms.v1.yaml) over the `wms` schema. */
export function createWmsOperations(deps: SystemDeps): WmsOperations {
  return {
    ...fulfilmentOrderHandlers(deps),
    ...shipmentHandlers(deps),
    ...returnReceiptHandlers(deps),
    ...inventoryMovementHandlers(deps),
  };
}

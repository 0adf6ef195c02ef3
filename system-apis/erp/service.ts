import type { ErpV1Handlers } from '../../generated/handlers/system/erp.v1';
import type { SystemDeps } from '../common/deps';
import type { SandboxOperation } from '../sandbox/fault-endpoints';
import { creditMemoHandlers } from './credit-memos';
import { inventoryAdjustmentHandlers } from './inventory-adjustments';
import { itemHandlers } from './items';
import { locationHandlers } from './locations';
import { salesOrderHandlers } from './sales-orders';

/** Every ERP operation but the sandbox endpoints, which the sandbox adds around them. */
export type ErpOperations = Omit<ErpV1Handlers, SandboxOperation>;

/** The sandbox ERP (contracts/openapi/system/erp.v1.yaml) over the `erp` schema. */
export function createErpOperations(deps: SystemDeps): ErpOperations {
  return {
    ...itemHandlers(deps),
    ...locationHandlers(deps),
    ...salesOrderHandlers(deps),
    ...creditMemoHandlers(deps),
    ...inventoryAdjustmentHandlers(deps),
  };
}

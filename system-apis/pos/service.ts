import type { PosV1Handlers } from '../../generated/handlers/system/pos.v1';
import type { SandboxOperation } from '../sandbox/fault-endpoints';
import type { InStoreReturnDeps, InStoreReturns } from './in-store-returns';
import { inStoreReturns } from './in-store-returns';
import { pickupHandlers } from './pickups';
import { stockCountHandlers } from './stock-counts';
import { storeSaleHandlers } from './store-sales';

/** Every POS operation but the sandbox endpoints, which the sandbox adds around them. */
export type PosOperations = Omit<PosV1Handlers, SandboxOperation>;

/** The sandbox POS (contracts/openapi/system/pos.v1.yaml) over the `pos` schema. */
export function createPosOperations(deps: InStoreReturnDeps): { operations: PosOperations; returns: InStoreReturns } {
  const returns = inStoreReturns(deps);
  return {
    operations: {
      ...storeSaleHandlers(deps),
      ...pickupHandlers(deps),
      ...returns.handlers,
      ...stockCountHandlers(deps),
    },
    returns,
  };
}

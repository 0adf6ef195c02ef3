import type { components } from '../../generated/types/system/pos.v1';
import type { CallerContext } from '../../platform/http/handler-types';
import type { ProblemBody } from '../../platform/server/problem';

/** What POS sends Concord's returns process API for a return started at a store. */
export interface InStoreReturnForward {
  /** POS's number for the return: the key Concord deduplicates repeated forwards by. */
  posReturnId: string;
  storeId: string;
  orderId: string;
  lines: components['schemas']['InStoreReturnLine'][];
  customerEmail: string;
  note?: string;
}

/** Concord's answer: the return it created, a rejection (POS records nothing), or no answer (POS keeps trying). */
export type ForwardingOutcome =
  | { outcome: 'forwarded'; concordReturnId: string }
  | { outcome: 'rejected'; problem: ProblemBody }
  | { outcome: 'unreachable'; reason: string };

/** Forwards an in-store return to Concord. Injected: the returns process API is Concord's, not the POS's. */
export type ForwardInStoreReturn = (ret: InStoreReturnForward, caller: CallerContext) => Promise<ForwardingOutcome>;

/** Until Concord's returns process API is wired in, POS cannot reach it: returns are recorded `pending`. */
export const returnsNotConnected: ForwardInStoreReturn = async () => ({
  outcome: 'unreachable',
  reason: "Concord's returns process API is not connected to the sandbox POS",
});

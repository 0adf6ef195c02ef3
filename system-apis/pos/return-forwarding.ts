import type { ReturnsV1Client } from '../../generated/clients/process/returns.v1';
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

/** The slice of Concord's returns client the forwarder uses (generated from returns.v1). */
export type ReturnsCreateClient = Pick<ReturnsV1Client, 'POST'>;

/**
 * Forwards through Concord's returns process API (`POST /v1/returns`, `channel: pos`, the store as `locationId`).
 * The POS return number is the Idempotency-Key, so forwarding the same return again, after a lost answer or from
 * `retryPending`, replays the first return instead of making a second one. 201 is taken; a 4xx is Concord's
 * refusal (the order, the quantities or the window); anything else, or no answer, means try again later.
 */
export function forwardToReturnsApi(client: ReturnsCreateClient): ForwardInStoreReturn {
  return async (ret, caller) => {
    try {
      const { data, error, response } = await client.POST('/v1/returns', {
        params: { header: { 'Idempotency-Key': `pos-${ret.posReturnId}`, 'X-Correlation-ID': caller.correlationId } },
        body: {
          orderId: ret.orderId,
          channel: 'pos',
          locationId: ret.storeId,
          lines: ret.lines.map((l) => ({ orderLineId: l.orderLineId, quantity: l.quantity, reason: l.reason, ...(ret.note ? { note: ret.note } : {}) })),
        },
      });
      if (response.status === 201 && data) return { outcome: 'forwarded', concordReturnId: data.id };
      const problem = error as ProblemBody | undefined;
      // 401/403 are Concord's configuration, not the customer's return: keep it and try again.
      const retryable = response.status >= 500 || [401, 403, 408, 429].includes(response.status) || problem?.type?.endsWith('/idempotency-in-flight');
      if (!retryable && response.status >= 400 && response.status < 500 && problem) return { outcome: 'rejected', problem };
      return { outcome: 'unreachable', reason: `Concord's returns API answered ${response.status}${problem?.title ? ` ${problem.title}` : ''}` };
    } catch (err) {
      return { outcome: 'unreachable', reason: `Concord's returns API did not answer: ${err instanceof Error ? err.message : String(err)}` };
    }
  };
}

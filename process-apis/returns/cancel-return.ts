import type { CallerContext } from '../../platform/http/handler-types';
import { partnerScope } from '../orders/cancel-order';
import { retryTransaction } from '../orders/retry';
import type { Respond, ReturnDeps } from './deps';
import { cancelReplacement } from './exchange';
import type { CancelReturnRequest, StoredReturn } from './model';
import { invalidState, returnNotFound } from './rejections';
import { returnRepository } from './repository';

/**
 * Cancels an authorized return before any unit arrived, with its exchange's replacement order (releasing its
 * reservations). A cancelled return carries no refund and holds no units of the order any more. Cancelling a
 * cancelled return answers it again.
 */
export async function cancelReturn(deps: ReturnDeps, returnId: string, _body: CancelReturnRequest, caller: CallerContext, respond: Respond): Promise<StoredReturn> {
  return retryTransaction(() =>
    deps.db.transaction(async (tx) => {
      const stored = await returnRepository.get(tx, returnId, partnerScope(caller), { forUpdate: true });
      if (!stored) throw returnNotFound(returnId);
      const ret = stored.return;
      if (ret.status !== 'cancelled') {
        const received = ret.lines.some((l) => l.receivedQuantity > 0);
        if (ret.status !== 'authorized' || received) throw invalidState(`Return ${ret.id} is ${ret.status} and can no longer be cancelled.`);
        if (ret.exchange?.replacementOrderId) await cancelReplacement(deps.createOrderDeps, tx, ret.exchange.replacementOrderId, ret.id, caller);
        ret.status = 'cancelled';
        delete ret.refund;
        stored.refundLines = [];
        ret.updatedAt = deps.now().toISOString();
        await returnRepository.save(tx, stored);
      }
      await caller.idempotency?.commitResponse(tx, respond(stored));
      return stored;
    }),
  );
}

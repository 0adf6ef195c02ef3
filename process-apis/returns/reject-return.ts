import type { CallerContext } from '../../platform/http/handler-types';
import { partnerScope } from '../orders/cancel-order';
import { retryTransaction } from '../orders/retry';
import type { Respond, ReturnDeps } from './deps';
import { cancelReplacement } from './exchange';
import type { RejectReturnRequest, StoredReturn } from './model';
import { invalidState, returnNotFound } from './rejections';
import { returnRepository } from './repository';
import { sendBack } from './stock';

const REJECTABLE = new Set(['authorized', 'received']);

/**
 * The merchant refuses a return before inspection has dispositioned anything: what was received goes back to the
 * customer (out of quality control and on hand where it arrived, never sellable), an exchange's replacement is
 * cancelled, and no refund is kept, so the worker never posts a credit memo. Rejecting a rejected return answers
 * it again.
 */
export async function rejectReturn(deps: ReturnDeps, returnId: string, body: RejectReturnRequest, caller: CallerContext, respond: Respond): Promise<StoredReturn> {
  return retryTransaction(() =>
    deps.db.transaction(async (tx) => {
      const stored = await returnRepository.get(tx, returnId, partnerScope(caller), { forUpdate: true });
      if (!stored) throw returnNotFound(returnId);
      const ret = stored.return;
      if (ret.status !== 'rejected') {
        if (!REJECTABLE.has(ret.status)) throw invalidState(`Return ${ret.id} is ${ret.status} and can no longer be rejected.`);
        if (ret.exchange?.replacementOrderId) await cancelReplacement(deps.createOrderDeps, tx, ret.exchange.replacementOrderId, ret.id, caller);
        for (const receipt of stored.receipts) {
          for (const r of receipt.lines) {
            const line = ret.lines.find((l) => l.lineId === r.lineId);
            if (line) await sendBack(tx, line.sku, receipt.locationId, r.quantity);
          }
        }
        ret.status = 'rejected';
        ret.rejectionReason = body.note ? `${body.reason}: ${body.note}` : body.reason;
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

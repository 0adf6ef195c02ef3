import type { CallerContext } from '../../platform/http/handler-types';
import { partnerScope } from '../orders/cancel-order';
import { orderRepository } from '../orders/repository';
import { retryTransaction } from '../orders/retry';
import { refundFor } from './claims';
import type { Respond, ReturnDeps } from './deps';
import { returnEvent } from './events';
import type { InspectReturnRequest, StoredReturn } from './model';
import { DEFAULT_DISPOSITION, mayResell } from './policy';
import { invalidState, notAllowed, returnNotFound, validation } from './rejections';
import { returnRepository } from './repository';

/**
 * Records every received line's condition and disposition in one call and closes receipt: the return is
 * `inspected` and its refund is recomputed on the received quantities (still pending). The returns worker then
 * applies the dispositions to stock and approves the refund (`dispositioned`).
 */
export async function inspectReturn(deps: ReturnDeps, returnId: string, body: InspectReturnRequest, caller: CallerContext, respond: Respond): Promise<StoredReturn> {
  return retryTransaction(() =>
    deps.db.transaction(async (tx) => {
      const stored = await returnRepository.get(tx, returnId, partnerScope(caller), { forUpdate: true });
      if (!stored) throw returnNotFound(returnId);
      const ret = stored.return;
      if (ret.status !== 'received') throw invalidState(`Return ${ret.id} is ${ret.status}; it can be inspected once received, and only once.`);

      const seen = new Set<string>();
      const errors: Array<{ pointer: string; message: string }> = [];
      body.lines.forEach((l, i) => {
        const line = ret.lines.find((x) => x.lineId === l.lineId);
        if (!line) errors.push({ pointer: `/lines/${i}/lineId`, message: 'unknown return line' });
        else if (line.receivedQuantity === 0) errors.push({ pointer: `/lines/${i}/lineId`, message: 'nothing received on this line' });
        else if (seen.has(l.lineId)) errors.push({ pointer: `/lines/${i}/lineId`, message: 'listed twice' });
        seen.add(l.lineId);
      });
      ret.lines.forEach((line) => {
        if (line.receivedQuantity > 0 && !seen.has(line.lineId)) errors.push({ pointer: '/lines', message: `received line ${line.lineId} is not inspected` });
      });
      if (errors.length) throw validation('Every received line is inspected once, in one call.', errors);
      body.lines.forEach((l, i) => {
        if (l.disposition === 'resellable' && !mayResell(l.condition)) {
          throw notAllowed(`A ${l.condition} item cannot be dispositioned as resellable.`, [{ pointer: `/lines/${i}/disposition`, message: `not allowed for condition ${l.condition}` }]);
        }
      });

      for (const l of body.lines) {
        const line = ret.lines.find((x) => x.lineId === l.lineId)!;
        line.condition = l.condition;
        line.disposition = l.disposition ?? DEFAULT_DISPOSITION[l.condition];
      }
      ret.status = 'inspected';
      ret.updatedAt = deps.now().toISOString();
      const order = await orderRepository.get(tx, ret.orderId, undefined);
      if (order) {
        const refund = refundFor(stored, order.order, await returnRepository.forOrder(tx, ret.orderId, ret.id), 'pending');
        ret.refund = refund.refund;
        stored.refundLines = refund.lines;
      }
      await returnRepository.save(tx, stored);
      await deps.appendEvents(tx, [returnEvent('return.inspected', ret, caller)]);
      await caller.idempotency?.commitResponse(tx, respond(stored));
      return stored;
    }),
  );
}

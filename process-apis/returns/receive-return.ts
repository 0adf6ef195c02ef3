import type { CallerContext } from '../../platform/http/handler-types';
import { partnerScope } from '../orders/cancel-order';
import { retryTransaction } from '../orders/retry';
import type { Respond, ReturnDeps } from './deps';
import { returnEvent } from './events';
import type { ReceiveReturnRequest, StoredReturn } from './model';
import { RECEIVING_LOCATION_TYPES } from './policy';
import { invalidState, quantityExceeded, returnNotFound, unknownLocation, validation } from './rejections';
import { returnRepository } from './repository';
import { holdReceived } from './stock';

/**
 * Records units that arrived at a store (sent by its POS) or a DC (sent by its WMS). Partial receipts add up to at
 * most each line's authorized quantity. The units go on hand in quality control at that location, so they are
 * visible and never promised until inspection decides their disposition.
 */
export async function receiveReturn(deps: ReturnDeps, returnId: string, body: ReceiveReturnRequest, caller: CallerContext, respond: Respond): Promise<StoredReturn> {
  const type = deps.ref.location(body.locationId)?.type;
  if (!type || !RECEIVING_LOCATION_TYPES.has(type)) throw unknownLocation(`${body.locationId} is not a store or a distribution centre.`, '/locationId');

  return retryTransaction(() =>
    deps.db.transaction(async (tx) => {
      const stored = await returnRepository.get(tx, returnId, partnerScope(caller), { forUpdate: true });
      if (!stored) throw returnNotFound(returnId);
      const ret = stored.return;
      if (ret.status !== 'authorized' && ret.status !== 'received') throw invalidState(`Return ${ret.id} is ${ret.status}; goods can be received while it is authorized or received.`);

      const adding = new Map<string, number>();
      body.lines.forEach((l, i) => {
        const line = ret.lines.find((x) => x.lineId === l.lineId);
        if (!line) throw validation(`Return ${ret.id} has no line ${l.lineId}.`, [{ pointer: `/lines/${i}/lineId`, message: 'unknown return line' }]);
        const before = line.receivedQuantity + (adding.get(line.lineId) ?? 0);
        if (before + l.quantity > line.quantity) {
          throw quantityExceeded('Received quantity exceeds the authorized quantity', `Return line ${line.lineId} authorized ${line.quantity} unit(s); ${before} already received.`, [
            { pointer: `/lines/${i}/quantity`, message: `at most ${line.quantity - before}` },
          ]);
        }
        adding.set(line.lineId, (adding.get(line.lineId) ?? 0) + l.quantity);
      });

      const at = deps.now().toISOString();
      for (const [lineId, quantity] of adding) {
        const line = ret.lines.find((x) => x.lineId === lineId)!;
        line.receivedQuantity += quantity;
        await holdReceived(tx, line.sku, body.locationId, quantity);
      }
      stored.receipts.push({ locationId: body.locationId, lines: [...adding].map(([lineId, quantity]) => ({ lineId, quantity })), receivedAt: at });
      ret.status = 'received';
      ret.updatedAt = at;
      await returnRepository.save(tx, stored);
      await deps.appendEvents(tx, [returnEvent('return.received', ret, caller)]);
      await caller.idempotency?.commitResponse(tx, respond(stored));
      return stored;
    }),
  );
}

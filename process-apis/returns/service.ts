import type { ReturnsV1Handlers } from '../../generated/handlers/process/returns.v1';
import type { CallerContext } from '../../platform/http/handler-types';
import { problem } from '../../platform/server/problem';
import { partnerScope } from '../orders/cancel-order';
import { cancelReturn } from './cancel-return';
import { createReturn } from './create-return';
import { decodeCursor, encodeCursor } from './cursor';
import type { ReturnDeps } from './deps';
import { inspectReturn } from './inspect-return';
import type { StoredReturn } from './model';
import { receiveReturn } from './receive-return';
import { rejectReturn } from './reject-return';
import { ReturnRejection } from './rejections';
import { returnRepository } from './repository';

export interface ReturnServiceDeps extends ReturnDeps {
  /** Called after a return transaction committed: wakes the outbox relay and the returns worker. */
  onCommitted?: () => void;
}

type Rejected<S> = S extends number ? { status: S; body: ReturnType<ReturnRejection['toProblem']> } : never;

/** Turns a rejection into the problem response its operation declares; an undeclared one stays an error (500). */
async function rejecting<T, S extends ReturnRejection['status']>(caller: CallerContext, declared: readonly S[], run: () => Promise<T>): Promise<T | Rejected<S>> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ReturnRejection && (declared as readonly number[]).includes(err.status)) {
      return { status: err.status, body: err.toProblem(caller.correlationId) } as Rejected<S>;
    }
    throw err;
  }
}

const REJECTIONS = [400, 404, 409, 422] as const;
const view = (s: StoredReturn) => s.return;
const ok = (s: StoredReturn) => ({ status: 200 as const, body: view(s) });

/** The returns.v1 operations over the workflow steps. */
export function createReturnsV1Service(deps: ReturnServiceDeps): ReturnsV1Handlers {
  const created = (s: StoredReturn) => ({ status: 201 as const, body: view(s), headers: { Location: `/v1/returns/${s.return.id}` } });
  async function changed<A>(caller: CallerContext, step: () => Promise<StoredReturn>, answer: (s: StoredReturn) => A) {
    const result = await rejecting(caller, REJECTIONS, step);
    if (!('return' in result)) return result;
    deps.onCommitted?.();
    return answer(result);
  }
  return {
    createReturn: (req, caller) => changed(caller, () => createReturn(deps, req.body, caller, created), created),
    receiveReturn: (req, caller) => changed(caller, () => receiveReturn(deps, req.params.returnId, req.body, caller, ok), ok),
    inspectReturn: (req, caller) => changed(caller, () => inspectReturn(deps, req.params.returnId, req.body, caller, ok), ok),
    cancelReturn: (req, caller) => changed(caller, () => cancelReturn(deps, req.params.returnId, req.body, caller, ok), ok),
    rejectReturn: (req, caller) => changed(caller, () => rejectReturn(deps, req.params.returnId, req.body, caller, ok), ok),
    async getReturn(req, caller) {
      const stored = await returnRepository.get(deps.db, req.params.returnId, partnerScope(caller));
      if (!stored) return { status: 404, body: problem('not-found', 404, 'Not found', { detail: `No return ${req.params.returnId}.`, correlationId: caller.correlationId }) };
      return ok(stored);
    },
    async listReturns(req, caller) {
      const beforeId = decodeCursor(req.query.cursor);
      if (beforeId === null) {
        return {
          status: 400,
          body: problem('validation', 400, 'Request validation failed', { correlationId: caller.correlationId, errors: [{ pointer: '#/query/cursor', message: 'not a cursor this API issued' }] }),
        };
      }
      const limit = req.query.limit ?? 20;
      const partnerKey = partnerScope(caller);
      const rows = await returnRepository.list(deps.db, {
        limit: limit + 1,
        ...(partnerKey !== undefined ? { partnerKey } : {}),
        ...(req.query.status ? { status: req.query.status } : {}),
        ...(req.query.orderId ? { orderId: req.query.orderId } : {}),
        ...(beforeId ? { beforeId } : {}),
      });
      const page = rows.slice(0, limit);
      return { status: 200, body: { items: page.map(view), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.return.id) : null } };
    },
  };
}

import type { OrdersV1Handlers } from '../../generated/handlers/process/orders.v1';
import type { OrdersV2Handlers } from '../../generated/handlers/process/orders.v2';
import type { CallerContext } from '../../platform/http/handler-types';
import { problem } from '../../platform/server/problem';
import { cancelOrder, partnerScope } from './cancel-order';
import type { CreateOrderDeps, CreateOrderOutcome } from './create-order';
import { createOrder } from './create-order';
import { decodeCursor, encodeCursor } from './cursor';
import type { OrderIntake, StoredOrder } from './model';
import { fromV1, fromV2, v1View, v2View } from './model';
import { OrderRejection } from './problems';
import { orderRepository } from './repository';

export interface OrderServiceDeps extends CreateOrderDeps {
  /** Called after an order transaction committed: wakes the outbox relay and the sync worker. */
  onCommitted?: () => void;
  observeAcceptance?: (seconds: number, outcome: string) => void;
}

type Rejected<S> = S extends number ? { status: S; body: ReturnType<OrderRejection['toProblem']> } : never;

/** Turns a rejection into the problem response its operation declares; an undeclared one stays an error (500). */
async function rejecting<T, S extends OrderRejection['status']>(caller: CallerContext, declared: readonly S[], run: () => Promise<T>): Promise<T | Rejected<S>> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof OrderRejection && (declared as readonly number[]).includes(err.status)) {
      return { status: err.status, body: err.toProblem(caller.correlationId) } as Rejected<S>;
    }
    throw err;
  }
}

const CREATE_REJECTIONS = [400, 409, 422] as const;
const CANCEL_REJECTIONS = [400, 404, 409, 422] as const;

/**
 * One implementation of order intake served as two contract versions. The versions differ only in how the
 * source of an order is written (v1: `channel` + `channelOrderId`; v2: `source`), so each version is a view.
 */
function versioned<V>(deps: OrderServiceDeps, version: 1 | 2, view: (s: StoredOrder) => V) {
  const location = (id: string) => ({ Location: `/v${version}/orders/${id}` });
  const respondCreated = ({ status, stored }: CreateOrderOutcome) =>
    status === 201 ? { status, body: view(stored), headers: location(stored.order.id) } : { status, body: view(stored) };

  return {
    async create(intake: () => OrderIntake, caller: CallerContext) {
      if (!deps.ref.ready()) {
        return {
          status: 503 as const,
          body: problem('not-ready', 503, 'Order intake is starting', { detail: 'The item master has not been copied from ERP yet.', correlationId: caller.correlationId }),
          headers: { 'Retry-After': '5' },
        };
      }
      const started = process.hrtime.bigint();
      const result = await rejecting(caller, CREATE_REJECTIONS, () => createOrder(deps, intake(), caller, respondCreated));
      deps.observeAcceptance?.(Number(process.hrtime.bigint() - started) / 1e9, String(result.status));
      if (!('stored' in result)) return result;
      if (result.status === 201) deps.onCommitted?.();
      return respondCreated(result);
    },
    async get(orderId: string, caller: CallerContext) {
      const stored = await orderRepository.get(deps.db, orderId, partnerScope(caller));
      if (!stored) return { status: 404 as const, body: problem('not-found', 404, 'Not found', { detail: `No order ${orderId}.`, correlationId: caller.correlationId }) };
      return { status: 200 as const, body: view(stored) };
    },
    async list(q: { cursor?: string; limit?: number; status?: StoredOrder['order']['status']; sourceOrderId?: string }, caller: CallerContext) {
      const beforeId = decodeCursor(q.cursor);
      if (beforeId === null) {
        return {
          status: 400 as const,
          body: problem('validation', 400, 'Request validation failed', { correlationId: caller.correlationId, errors: [{ pointer: '#/query/cursor', message: 'not a cursor this API issued' }] }),
        };
      }
      const limit = q.limit ?? 20;
      const partnerKey = partnerScope(caller);
      const rows = await orderRepository.list(deps.db, {
        limit: limit + 1,
        ...(partnerKey !== undefined ? { partnerKey } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.sourceOrderId ? { sourceOrderId: q.sourceOrderId } : {}),
        ...(beforeId ? { beforeId } : {}),
      });
      const page = rows.slice(0, limit);
      return { status: 200 as const, body: { items: page.map(view), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.order.id) : null } };
    },
    async cancel(orderId: string, body: Parameters<typeof cancelOrder>[2], caller: CallerContext) {
      const result = await rejecting(caller, CANCEL_REJECTIONS, () => cancelOrder(deps, orderId, body, caller, (s) => ({ status: 200, body: view(s) })));
      if (!('order' in result)) return result;
      deps.onCommitted?.();
      return { status: 200 as const, body: view(result) };
    },
  };
}

export function createOrdersV1Service(deps: OrderServiceDeps): OrdersV1Handlers {
  const s = versioned(deps, 1, v1View);
  return {
    createOrder: (req, caller) => s.create(() => fromV1(req.body), caller),
    getOrder: (req, caller) => s.get(req.params.orderId, caller),
    listOrders: (req, caller) =>
      s.list({ ...req.query, ...(req.query.channelOrderId ? { sourceOrderId: req.query.channelOrderId } : {}) }, caller),
    cancelOrder: (req, caller) => s.cancel(req.params.orderId, req.body, caller),
  };
}

export function createOrdersV2Service(deps: OrderServiceDeps): OrdersV2Handlers {
  const s = versioned(deps, 2, v2View);
  return {
    createOrder: (req, caller) => s.create(() => fromV2(req.body), caller),
    getOrder: (req, caller) => s.get(req.params.orderId, caller),
    listOrders: (req, caller) => s.list(req.query, caller),
    cancelOrder: (req, caller) => s.cancel(req.params.orderId, req.body, caller),
  };
}

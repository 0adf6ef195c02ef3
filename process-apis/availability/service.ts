import type { AvailabilityV1Handlers } from '../../generated/handlers/process/availability.v1';
import type { CallerContext } from '../../platform/http/handler-types';
import { problem } from '../../platform/server/problem';
import type { QueryDeps } from './availability-query';
import { queryAvailability } from './availability-query';
import { hierarchyOrder } from './locations';
import { AvailabilityRejection, badQuery } from './problems';
import type { ReservationDeps } from './reservation-api';
import { createReservation, getReservation, releaseReservation } from './reservation-api';

export type AvailabilityServiceDeps = QueryDeps & ReservationDeps & { onCommitted?: () => void };

type Rejected<S> = S extends number ? { status: S; body: ReturnType<AvailabilityRejection['toProblem']> } : never;

/** Turns a rejection into the problem response its operation declares; an undeclared one stays an error (500). */
async function rejecting<T, S extends AvailabilityRejection['status']>(caller: CallerContext, declared: readonly S[], run: () => Promise<T>): Promise<T | Rejected<S>> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof AvailabilityRejection && (declared as readonly number[]).includes(err.status)) {
      return { status: err.status, body: err.toProblem(caller.correlationId) } as Rejected<S>;
    }
    throw err;
  }
}

const notReady = (caller: CallerContext) => ({
  status: 503 as const,
  body: problem('not-ready', 503, 'Availability is starting', { detail: 'The item master and locations have not been copied from ERP yet.', correlationId: caller.correlationId }),
  headers: { 'Retry-After': '5' },
});

/** The generated availability.v1 interface over the query, reservation and location functions. */
export function createAvailabilityV1Service(deps: AvailabilityServiceDeps): AvailabilityV1Handlers {
  return {
    async getAvailability(req, caller) {
      if (!deps.ref.ready()) return notReady(caller);
      return rejecting(caller, [400, 422] as const, async () => {
        const { sku, skus, ...scope } = req.query;
        if ((sku === undefined) === (skus === undefined)) throw badQuery('Give exactly one of sku or skus.', '#/query/skus', 'exactly one of sku and skus');
        return { status: 200 as const, body: await queryAvailability(deps, { ...scope, skus: skus ?? [sku!] }, '#/query/') };
      });
    },
    async queryAvailability(req, caller) {
      if (!deps.ref.ready()) return notReady(caller);
      return rejecting(caller, [400, 422] as const, async () => ({ status: 200 as const, body: await queryAvailability(deps, req.body, '/') }));
    },
    async createReservation(req, caller) {
      if (!deps.ref.ready()) return notReady(caller);
      const result = await rejecting(caller, [409, 422] as const, () => createReservation(deps, req.body, caller));
      if (result.status === 201) deps.onCommitted?.();
      return result;
    },
    getReservation: (req, caller) => rejecting(caller, [404] as const, () => getReservation(deps, req.params.reservationId, caller)),
    async releaseReservation(req, caller) {
      const result = await rejecting(caller, [404, 409] as const, () => releaseReservation(deps, req.params.reservationId, caller));
      if (result.status === 200) deps.onCommitted?.();
      return result;
    },
    listLocations: async () => ({ status: 200 as const, body: { items: hierarchyOrder(deps.ref) } }),
  };
}

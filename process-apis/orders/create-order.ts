import type { CallerContext } from '../../platform/http/handler-types';
import { newId } from '../../platform/ids';
import type { AppendEvents } from '../../platform/events/types';
import type { Queryable } from '../../platform/db/database';
import { reservations } from '../availability/reservations';
import type { AllocationRules } from '../availability/allocation';
import type { ReferenceData } from '../reference-data/reference-data';
import type { FulfilmentGroup, Order, OrderIntake, StoredOrder, SyncState, System } from './model';
import { OrderRejection } from './problems';
import type { BusinessKey } from './repository';
import { orderRepository } from './repository';
import { retryTransaction } from './retry';
import type { Candidate } from './routing';
import { candidatesFor } from './routing';
import { validateIntake } from './validate';

export const ORDERS_SOURCE = '/concord/orders';

export interface CreateOrderDeps {
  db: { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> } & Queryable;
  ref: ReferenceData;
  appendEvents: AppendEvents;
  now: () => Date;
  /** How long an order's reservations hold before the availability sweeper may expire them. */
  reservationTtlMs: number;
  /** The channel allocation rules: an order reserves within its channel's share, like any reservation. */
  allocation: AllocationRules;
}

export type CreateOrderOutcome = { status: 201 | 200; stored: StoredOrder };

/** Thrown inside the transaction when the business key turned out to exist: rolls back this attempt's reservations. */
class DuplicateSourceOrder extends Error {}

const businessKey = (intake: OrderIntake, caller: CallerContext): BusinessKey => ({
  partnerKey: caller.partnerId ?? '',
  channel: intake.channel,
  marketplace: intake.marketplace ?? '',
  sourceOrderId: intake.sourceOrderId,
});

/**
 * Order intake. Validates (schema already checked by the gateway), then in ONE transaction reserves every line,
 * splits the lines into fulfilment groups by node, stores the order, its outbox events, its downstream sync jobs
 * and the idempotent response. A source order that exists already is answered with 200 and creates nothing.
 * `respond` builds the version's response from the stored order, so the stored idempotent response is exact.
 */
export async function createOrder(
  deps: CreateOrderDeps,
  intake: OrderIntake,
  caller: CallerContext,
  respond: (outcome: CreateOrderOutcome) => { status: number; body: unknown; headers?: Record<string, string> },
): Promise<CreateOrderOutcome> {
  const { lines: priced, totals } = validateIntake(intake, deps.ref);
  const candidates = intake.lines.map((l, i) => candidatesFor(l, i, deps.ref));
  const key = businessKey(intake, caller);

  const existing = await orderRepository.findByBusinessKey(deps.db, key);
  if (existing) return { status: 200, stored: existing };

  try {
    return await retryTransaction(() =>
      deps.db.transaction(async (tx) => {
        const now = deps.now();
        const at = now.toISOString();
        const orderId = newId('ord', now.getTime());
        const expiresAt = new Date(now.getTime() + deps.reservationTtlMs);

        // Lines reserve in SKU order, so two orders sharing SKUs lock positions in the same order (no deadlock).
        const byLockOrder = [...priced].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : a.index - b.index));
        const chosen = new Map<number, Candidate>();
        const made = [];
        for (const line of byLockOrder) {
          const lineId = String(line.index + 1);
          let best = 0;
          let reserved = false;
          for (const c of candidates[line.index]!) {
            const outcome = await reservations.reserve(tx, {
              sku: line.sku,
              locationId: c.location.id,
              quantity: line.quantity,
              channel: intake.channel,
              rule: deps.allocation[intake.channel],
              orderId,
              lineId,
              expiresAt,
            });
            if (outcome.kind === 'reserved') {
              chosen.set(line.index, c);
              made.push(outcome.reservation);
              reserved = true;
              break;
            }
            if (outcome.kind === 'insufficient') best = Math.max(best, outcome.atp);
            else if (intake.lines[line.index]!.fulfilment.method === 'store_pickup') {
              throw new OrderRejection(422, 'invalid-pickup-store', 'Invalid pickup store', `${c.location.id} does not stock ${line.sku}.`, [
                { pointer: `/lines/${line.index}/fulfilment/locationId`, message: `does not stock ${line.sku}` },
              ]);
            }
          }
          if (!reserved) {
            throw new OrderRejection(
              409,
              'insufficient-stock',
              'Insufficient stock',
              `${line.sku} has ${best} unit(s) available to promise at any eligible location for this line; ${line.quantity} requested.`,
              [{ pointer: `/lines/${line.index}/quantity`, message: `at most ${best} available` }],
            );
          }
        }

        const groups: FulfilmentGroup[] = [];
        const groupOf = new Map<string, FulfilmentGroup>();
        const lines: Order['lines'] = intake.lines.map((l, i) => {
          const c = chosen.get(i)!;
          const groupKey = `${c.location.id}|${l.fulfilment.method}`;
          let group = groupOf.get(groupKey);
          if (!group) {
            group = { id: `fg${groups.length + 1}`, nodeId: c.location.id, nodeType: c.location.type, method: l.fulfilment.method, system: c.system, lineIds: [], status: 'pending' };
            groups.push(group);
            groupOf.set(groupKey, group);
          }
          const lineId = String(i + 1);
          group.lineIds.push(lineId);
          const p = priced[i]!;
          return {
            lineId,
            sku: l.sku,
            quantity: l.quantity,
            unitPrice: l.unitPrice,
            tax: p.tax,
            fulfilment: l.fulfilment,
            fulfilmentGroupId: group.id,
            shippedQuantity: 0,
            cancelledQuantity: 0,
            returnedQuantity: 0,
          };
        });
        const uses = (s: System) => groups.some((g) => g.system === s);
        const sync = (applies: boolean): SyncState => ({ status: applies ? 'pending' : 'not_applicable', attempts: 0 });
        const order: Order = {
          id: orderId,
          ...(caller.partnerId ? { partnerId: caller.partnerId } : {}),
          channel: intake.channel,
          channelOrderId: intake.sourceOrderId,
          status: 'accepted',
          currency: intake.currency,
          customer: intake.customer,
          ...(intake.shippingAddress ? { shippingAddress: intake.shippingAddress } : {}),
          lines,
          tenders: intake.tenders,
          promotions: intake.promotions,
          fulfilmentGroups: groups,
          totals,
          sync: { erp: sync(true), wms: sync(uses('wms')), pos: sync(uses('pos')) },
          createdAt: at,
          updatedAt: at,
        };
        const stored: StoredOrder = {
          order,
          ...(intake.marketplace ? { marketplace: intake.marketplace } : {}),
          ...(intake.storeId ? { storeId: intake.storeId } : {}),
        };
        if (!(await orderRepository.insertIfNew(tx, key, stored))) throw new DuplicateSourceOrder();

        await tx.query(
          `INSERT INTO orders.sync_jobs (order_id, system, action, group_id, status, next_attempt_at)
           SELECT $1, x.system, 'create', x.group_id, 'pending', $2
             FROM jsonb_to_recordset($3::text::jsonb) AS x(system text, group_id text)`,
          [orderId, now, JSON.stringify([{ system: 'erp', group_id: null }, ...groups.map((g) => ({ system: g.system, group_id: g.id }))])],
        );
        await tx.query(
          `INSERT INTO orders.groups (order_id, group_id, system)
           SELECT $1, x.group_id, x.system FROM jsonb_to_recordset($2::text::jsonb) AS x(group_id text, system text)`,
          [orderId, JSON.stringify(groups.map((g) => ({ group_id: g.id, system: g.system })))],
        );
        await deps.appendEvents(tx, [
          {
            type: 'order.created',
            subject: orderId,
            source: ORDERS_SOURCE,
            data: { order },
            correlationId: caller.correlationId,
            ...(caller.traceparent ? { traceparent: caller.traceparent } : {}),
            ...(caller.partnerId ? { partnerId: caller.partnerId } : {}),
          },
        ]);
        const outcome: CreateOrderOutcome = { status: 201, stored };
        await caller.idempotency?.commitResponse(tx, respond(outcome));
        return outcome;
      }),
    );
  } catch (err) {
    if (!(err instanceof DuplicateSourceOrder)) throw err;
    // A concurrent request with the same source order won the race: answer with its order.
    const winner = await orderRepository.findByBusinessKey(deps.db, key);
    if (!winner) throw new Error(`order with business key ${JSON.stringify(key)} vanished`, { cause: err });
    return { status: 200, stored: winner };
  }
}

import { randomInt } from 'node:crypto';
import type { PosV1Handlers } from '../../generated/handlers/system/pos.v1';
import type { CallerContext } from '../../platform/http/handler-types';
import { checkSkus, checkUniqueLineIds, fulfilmentGroupOf } from '../common/catalogue';
import type { SystemDeps } from '../common/deps';
import { answerCreate, changeDocument, getDocument } from '../common/documents';
import { listPage, numberedList } from '../common/listing';
import type { PickupStatus } from './pickup-store';
import { PU, findPickup, insertPickup, listPickupRows, toPickup, transition } from './pickup-store';
import { checkPickupStore } from './stores';

type PickupHandlers = Pick<
  PosV1Handlers,
  'listPickups' | 'createPickupInstruction' | 'getPickup' | 'markPickupReady' | 'markPickupCollected' | 'cancelPickup'
>;

/** The code the customer shows at the counter: six digits, not guessable from the pickup id. */
const pickupCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0');

/**
 * One state change of a pickup: `from` the states it applies to, `done` the state that is answered unchanged (the
 * change is naturally idempotent), anything else is 409 with `why`.
 */
interface Rule {
  from: readonly PickupStatus[];
  to: 'ready' | 'collected' | 'cancelled';
  why: (id: string, status: PickupStatus) => string;
}

const READY: Rule = { from: ['pending'], to: 'ready', why: (id, s) => `${id} is ${s}.` };
const COLLECTED: Rule = {
  from: ['ready'],
  to: 'collected',
  why: (id, s) => (s === 'pending' ? `${id} is pending; mark it ready first.` : `${id} is ${s}.`),
};
const CANCELLED: Rule = { from: ['pending', 'ready'], to: 'cancelled', why: (id) => `${id} has been collected.` };

export function pickupHandlers({ db, now }: SystemDeps): PickupHandlers {
  const pickups = { prefix: PU, what: 'pickup', find: (no: number) => findPickup(db, { no }) };
  const change = (id: string, rule: Rule, caller: CallerContext, reason?: string) =>
    changeDocument(
      caller,
      pickups,
      id,
      (no) => transition(db, no, rule.from, rule.to, now(), reason),
      (pickup) => (pickup.status === rule.to ? undefined : rule.why(id, pickup.status)),
    );

  return {
    listPickups: (req, caller) =>
      listPage(caller, req.query, numberedList('pickups', (before, limit) => listPickupRows(db, before, req.query, limit), (rows) => rows.map(toPickup))),

    async createPickupInstruction(req, caller) {
      const b = req.body;
      // The first instruction for a group wins, whatever this body says.
      const existing = await findPickup(db, { externalRef: b.externalRef });
      if (existing) return { status: 200, body: existing };
      const group = fulfilmentGroupOf(b.externalRef, b.orderId, caller);
      if (!group.ok) return group.problem;
      const invalid =
        checkUniqueLineIds(b.lines.map((l) => l.lineId), (i) => `/lines/${i}/lineId`, caller) ??
        (await checkPickupStore(db, b.storeId, '/storeId', caller)) ??
        (await checkSkus(db, 'pos.items', b.lines.map((l, i) => [`/lines/${i}/sku`, l.sku] as const), caller));
      if (invalid) return invalid;
      const created = await insertPickup(db, {
        externalRef: b.externalRef,
        orderId: b.orderId,
        fulfilmentGroupId: group.groupId,
        storeId: b.storeId,
        lines: b.lines,
        customer: b.customer,
        pickupCode: pickupCode(),
        createdAt: now(),
      });
      return answerCreate(
        created,
        () => findPickup(db, { externalRef: b.externalRef }),
        `pickup ${b.externalRef}`,
        (pickup) => `/system/pos/v1/pickups/${pickup.id}`,
      );
    },

    getPickup: (req, caller) => getDocument(caller, pickups, req.params.pickupId),

    markPickupReady: (req, caller) => change(req.params.pickupId, READY, caller),
    markPickupCollected: (req, caller) => change(req.params.pickupId, COLLECTED, caller),
    cancelPickup: (req, caller) => change(req.params.pickupId, CANCELLED, caller, req.body.reason),
  };
}

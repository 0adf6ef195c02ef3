import type { PosV1Handlers } from '../../generated/handlers/system/pos.v1';
import type { components } from '../../generated/types/system/pos.v1';
import type { Queryable } from '../../platform/db/database';
import type { CallerContext } from '../../platform/http/handler-types';
import { committed } from '../common/committed';
import type { SystemDeps } from '../common/deps';
import { formatDocId } from '../common/document-ids';
import { getDocument } from '../common/documents';
import { iso, json, num, opt } from '../common/rows';
import type { ForwardInStoreReturn, InStoreReturnForward } from './return-forwarding';
import { checkStore } from './stores';

type InStoreReturn = components['schemas']['InStoreReturn'];

const PR = 'PR';

interface ReturnRow {
  no: number | string;
  concord_return_id: string | null;
  forwarding_status: InStoreReturn['forwardingStatus'];
  store_id: string;
  order_id: string;
  lines: InStoreReturn['lines'];
  customer_email: string;
  note: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const COLUMNS = 'no, concord_return_id, forwarding_status, store_id, order_id, lines, customer_email, note, created_at, updated_at';

const toReturn = (r: ReturnRow): InStoreReturn => ({
  posReturnId: formatDocId(PR, num(r.no)),
  ...opt('concordReturnId', r.concord_return_id),
  forwardingStatus: r.forwarding_status,
  storeId: r.store_id,
  orderId: r.order_id,
  lines: r.lines,
  customerEmail: r.customer_email,
  ...opt('note', r.note),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

const forwardOf = (r: Pick<InStoreReturn, 'storeId' | 'orderId' | 'lines' | 'customerEmail' | 'note'>, posReturnId: string): InStoreReturnForward => ({
  posReturnId,
  storeId: r.storeId,
  orderId: r.orderId,
  lines: r.lines,
  customerEmail: r.customerEmail,
  ...(r.note === undefined ? {} : { note: r.note }),
});

async function findReturn(q: Queryable, no: number): Promise<InStoreReturn | undefined> {
  const { rows } = await q.query<ReturnRow>(`SELECT ${COLUMNS} FROM pos.in_store_returns WHERE no = $1`, [no]);
  return rows[0] ? toReturn(rows[0]) : undefined;
}

export interface InStoreReturnDeps extends SystemDeps {
  forward: ForwardInStoreReturn;
}

export interface InStoreReturns {
  handlers: Pick<PosV1Handlers, 'createInStoreReturn' | 'getInStoreReturn'>;
  /**
   * Forwards the returns recorded `pending` again, oldest first, and says how many Concord took. A rejection now
   * leaves the return pending with the reason stored and stops retrying it: POS has no state for it.
   */
  retryPending(caller: CallerContext): Promise<{ forwarded: number; pending: number }>;
}

/**
 * Returns started at a store for orders bought online. POS forwards each to Concord's returns process API before
 * answering: taken → recorded `forwarded` with Concord's return id; rejected → nothing recorded, Concord's problem
 * answered as 422; no answer → recorded `pending`, forwarded again by `retryPending`.
 */
export function inStoreReturns({ db, now, forward }: InStoreReturnDeps): InStoreReturns {
  return {
    handlers: {
      async createInStoreReturn(req, caller) {
        const b = req.body;
        const notStore = await checkStore(db, b.storeId, '/storeId', caller);
        if (notStore) return notStore;
        // The number is drawn first: Concord deduplicates forwards by it, so a retry can never make a second return.
        const { rows } = await db.query<{ no: number | string }>("SELECT nextval('pos.in_store_return_no') AS no");
        const no = num(rows[0]?.no ?? 0);
        const posReturnId = formatDocId(PR, no);
        const answer = await forward(forwardOf(b, posReturnId), caller);
        if (answer.outcome === 'rejected') {
          return { status: 422, body: { ...answer.problem, status: 422, correlationId: caller.correlationId } };
        }
        const at = now();
        return committed(db, caller, async (tx) => {
          await tx.query(
            `INSERT INTO pos.in_store_returns (no, concord_return_id, forwarding_status, forwarding_error, store_id, order_id, lines, customer_email, note, created_at, updated_at)
             VALUES ($1, $2, $3, NULL, $4, $5, $6::jsonb, $7, $8, $9, $9)`,
            [
              no,
              answer.outcome === 'forwarded' ? answer.concordReturnId : null,
              answer.outcome === 'forwarded' ? 'forwarded' : 'pending',
              b.storeId,
              b.orderId,
              json(b.lines),
              b.customerEmail,
              b.note ?? null,
              at,
            ],
          );
          const recorded = await findReturn(tx, no);
          if (!recorded) throw new Error(`in-store return ${posReturnId} vanished after its insert`);
          return { status: 201 as const, body: recorded, headers: { Location: `/system/pos/v1/returns/${posReturnId}` } };
        });
      },

      getInStoreReturn: (req, caller) => getDocument(caller, { prefix: PR, what: 'in-store return', find: (no) => findReturn(db, no) }, req.params.posReturnId),
    },

    async retryPending(caller) {
      const { rows } = await db.query<ReturnRow>(
        `SELECT ${COLUMNS} FROM pos.in_store_returns WHERE forwarding_status = 'pending' AND forwarding_error IS NULL ORDER BY no`,
      );
      let forwarded = 0;
      for (const r of rows) {
        const ret = toReturn(r);
        const answer = await forward(forwardOf(ret, ret.posReturnId), caller);
        if (answer.outcome === 'unreachable') continue;
        if (answer.outcome === 'forwarded') forwarded++;
        await db.query(
          `UPDATE pos.in_store_returns SET forwarding_status = $2, concord_return_id = $3, forwarding_error = $4, updated_at = $5 WHERE no = $1`,
          answer.outcome === 'forwarded'
            ? [r.no, 'forwarded', answer.concordReturnId, null, now()]
            : [r.no, 'pending', null, `${answer.problem.title}${answer.problem.detail ? `: ${answer.problem.detail}` : ''}`, now()],
        );
      }
      return { forwarded, pending: rows.length - forwarded };
    },
  };
}

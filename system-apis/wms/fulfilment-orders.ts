import type { WmsV1Handlers } from '../../generated/handlers/system/wms.v1';
import { checkSkus, checkUniqueLineIds, fulfilmentGroupOf } from '../common/catalogue';
import type { SystemDeps } from '../common/deps';
import { answerCreate, changeDocument, getDocument } from '../common/documents';
import { listPage, numberedList } from '../common/listing';
import { FO, findFulfilmentOrder, insertFulfilmentOrder, listFulfilmentOrderRows, withLines } from './fulfilment-order-store';
import { checkWmsNode } from './nodes';

type FulfilmentOrderHandlers = Pick<
  WmsV1Handlers,
  'listFulfilmentOrders' | 'createFulfilmentOrder' | 'getFulfilmentOrder' | 'releaseFulfilmentOrder' | 'cancelFulfilmentOrder'
>;

export function fulfilmentOrderHandlers({ db, now }: SystemDeps): FulfilmentOrderHandlers {
  const fulfilmentOrders = { prefix: FO, what: 'fulfilment order', find: (no: number) => findFulfilmentOrder(db, { no }) };
  return {
    listFulfilmentOrders: (req, caller) =>
      listPage(
        caller,
        req.query,
        numberedList('fulfilment-orders', (before, limit) => listFulfilmentOrderRows(db, before, req.query, limit), (rows) => withLines(db, rows)),
      ),

    async createFulfilmentOrder(req, caller) {
      const b = req.body;
      // The first fulfilment order for a group wins, whatever this body says.
      const existing = await findFulfilmentOrder(db, { externalRef: b.externalRef });
      if (existing) return { status: 200, body: existing };
      const group = fulfilmentGroupOf(b.externalRef, b.orderId, caller);
      if (!group.ok) return group.problem;
      const invalid =
        checkUniqueLineIds(b.lines.map((l) => l.lineId), (i) => `/lines/${i}/lineId`, caller) ??
        (await checkWmsNode(db, b.nodeId, '/nodeId', caller)) ??
        (await checkSkus(db, 'wms.items', b.lines.map((l, i) => [`/lines/${i}/sku`, l.sku] as const), caller));
      if (invalid) return invalid;
      const created = await db.transaction((tx) =>
        insertFulfilmentOrder(tx, {
          externalRef: b.externalRef,
          orderId: b.orderId,
          fulfilmentGroupId: group.groupId,
          nodeId: b.nodeId,
          shipTo: b.shipTo,
          lines: b.lines,
          createdAt: now(),
        }),
      );
      return answerCreate(
        created !== undefined,
        () => findFulfilmentOrder(db, { externalRef: b.externalRef }),
        `fulfilment order ${b.externalRef}`,
        (order) => `/system/wms/v1/fulfilment-orders/${order.id}`,
      );
    },

    getFulfilmentOrder: (req, caller) => getDocument(caller, fulfilmentOrders, req.params.fulfilmentOrderId),

    // Pick release: created → released. Released or later is answered unchanged; cancelled cannot be released.
    releaseFulfilmentOrder: (req, caller) =>
      changeDocument(
        caller,
        fulfilmentOrders,
        req.params.fulfilmentOrderId,
        (no) => db.query(`UPDATE wms.fulfilment_orders SET status = 'released', released_at = $2, updated_at = $2 WHERE no = $1 AND status = 'created'`, [no, now()]),
        (order) => (order.status === 'cancelled' ? `${order.id} is cancelled and cannot be released.` : undefined),
      ),

    // Only before pick release; a cancelled one is answered unchanged.
    cancelFulfilmentOrder: (req, caller) =>
      changeDocument(
        caller,
        fulfilmentOrders,
        req.params.fulfilmentOrderId,
        (no) =>
          db.query(
            `UPDATE wms.fulfilment_orders SET status = 'cancelled', cancel_reason = $2, cancelled_at = $3, updated_at = $3 WHERE no = $1 AND status = 'created'`,
            [no, req.body.reason, now()],
          ),
        (order) => (order.status === 'cancelled' ? undefined : `${order.id} has been released for picking and can no longer be cancelled.`),
      ),
  };
}

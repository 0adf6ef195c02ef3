import type { ErpV1Handlers } from '../../generated/handlers/system/erp.v1';
import type { SystemDeps } from '../common/deps';
import { answerCreate, changeDocument, getDocument } from '../common/documents';
import { listPage, numberedList } from '../common/listing';
import { priceSalesOrder } from './sales-order-pricing';
import { SO, findSalesOrder, insertSalesOrder, listSalesOrderRows, transitionOpen, withDetails } from './sales-order-store';

export function salesOrderHandlers({ db, now }: SystemDeps): Pick<ErpV1Handlers, 'listSalesOrders' | 'createSalesOrder' | 'getSalesOrder' | 'cancelSalesOrder'> {
  const salesOrders = { prefix: SO, what: 'sales order', find: (no: number) => findSalesOrder(db, { no }) };
  return {
    listSalesOrders: (req, caller) =>
      listPage(
        caller,
        req.query,
        numberedList('sales-orders', (before, limit) => listSalesOrderRows(db, before, req.query, limit), (rows) => withDetails(db, rows)),
      ),

    async createSalesOrder(req, caller) {
      const { externalRef } = req.body;
      // The first posting wins, whatever this body says: a repeat is answered before anything is checked.
      const existing = await findSalesOrder(db, { externalRef });
      if (existing) return { status: 200, body: existing };
      const priced = await priceSalesOrder(db, req.body, now(), caller);
      if (!priced.ok) return priced.problem;
      const created = await db.transaction((tx) => insertSalesOrder(tx, priced.order));
      return answerCreate(
        created !== undefined,
        () => findSalesOrder(db, { externalRef }),
        `sales order ${externalRef}`,
        (order) => `/system/erp/v1/sales-orders/${order.id}`,
      );
    },

    getSalesOrder: (req, caller) => getDocument(caller, salesOrders, req.params.salesOrderId),

    cancelSalesOrder: (req, caller) =>
      changeDocument(
        caller,
        salesOrders,
        req.params.salesOrderId,
        (no) => transitionOpen(db, no, 'cancelled', now(), req.body.reason),
        (order) =>
          order.status === 'invoiced' || order.status === 'credited'
            ? `${order.id} is ${order.status}; post a credit memo instead of cancelling.`
            : undefined,
      ),
  };
}

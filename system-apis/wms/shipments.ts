import type { WmsV1Handlers } from '../../generated/handlers/system/wms.v1';
import type { components } from '../../generated/types/system/wms.v1';
import type { Queryable } from '../../platform/db/database';
import type { CallerContext } from '../../platform/http/handler-types';
import { checkUniqueLineIds } from '../common/catalogue';
import type { SystemDeps } from '../common/deps';
import { docNo, formatDocId } from '../common/document-ids';
import { answerCreate } from '../common/documents';
import { listPage, numberedList } from '../common/listing';
import type { FieldError } from '../common/problems';
import { conflict, unprocessable } from '../common/problems';
import { iso, json, num } from '../common/rows';
import type { FulfilmentOrderStatus } from './fulfilment-order-store';
import { FO, findFulfilmentOrderRow, fulfilmentOrderLines } from './fulfilment-order-store';

type ShipmentConfirmation = components['schemas']['ShipmentConfirmation'];
type CreateShipmentConfirmationRequest = components['schemas']['CreateShipmentConfirmationRequest'];

interface ConfirmationRow {
  no: number | string;
  shipment_id: string;
  fulfilment_order_no: number | string;
  external_ref: string;
  order_id: string;
  node_id: string;
  carrier: string;
  tracking_number: string;
  lines: ShipmentConfirmation['lines'];
  fulfilment_order_status: FulfilmentOrderStatus;
  shipped_at: Date | string;
  confirmed_at: Date | string;
}

const SELECT = `SELECT c.no, c.shipment_id, c.fulfilment_order_no, f.external_ref, f.order_id, f.node_id, c.carrier, c.tracking_number,
  c.lines, c.fulfilment_order_status, c.shipped_at, c.confirmed_at
  FROM wms.shipment_confirmations c JOIN wms.fulfilment_orders f ON f.no = c.fulfilment_order_no`;

const toConfirmation = (r: ConfirmationRow): ShipmentConfirmation => ({
  id: formatDocId('SC', num(r.no)),
  fulfilmentOrderId: formatDocId(FO, num(r.fulfilment_order_no)),
  externalRef: r.external_ref,
  orderId: r.order_id,
  nodeId: r.node_id,
  shipmentId: r.shipment_id,
  carrier: r.carrier,
  trackingNumber: r.tracking_number,
  lines: r.lines,
  fulfilmentOrderStatus: r.fulfilment_order_status,
  shippedAt: iso(r.shipped_at),
  confirmedAt: iso(r.confirmed_at),
});

async function findConfirmation(q: Queryable, shipmentId: string): Promise<ShipmentConfirmation | undefined> {
  const { rows } = await q.query<ConfirmationRow>(`${SELECT} WHERE c.shipment_id = $1`, [shipmentId]);
  return rows[0] ? toConfirmation(rows[0]) : undefined;
}

const problem = <P>(p: P) => ({ outcome: 'problem' as const, problem: p });

/**
 * Ships the confirmed units under the fulfilment order's row lock, so two shipments of one order can never ship
 * more than was ordered together. 'exists' means a confirmation with this shipmentId won.
 */
async function confirm(tx: Queryable, b: CreateShipmentConfirmationRequest, at: Date, caller: CallerContext) {
  const id = b.fulfilmentOrderId;
  const no = docNo(FO, id);
  const fo = no === undefined ? undefined : await findFulfilmentOrderRow(tx, { no }, true);
  if (no === undefined || !fo) {
    return problem(unprocessable(caller, 'validation', `There is no fulfilment order ${id}.`, [{ pointer: '/fulfilmentOrderId', message: 'no such fulfilment order' }]));
  }
  // Holding the lock, a concurrent confirmation of this same shipment has committed or not started.
  if (await findConfirmation(tx, b.shipmentId)) return { outcome: 'exists' as const };
  if (fo.status !== 'released' && fo.status !== 'partially_shipped') {
    const why = fo.status === 'created' ? 'has not been released for picking' : `is ${fo.status}`;
    return problem(conflict(caller, `${id} ${why}; nothing can be shipped.`));
  }
  const lines = (await fulfilmentOrderLines(tx, [no])).get(no) ?? [];
  const invalid: FieldError[] = [];
  const over: string[] = [];
  const shipped = new Map(lines.map((l) => [l.line_id, l.shipped_quantity]));
  for (const [i, l] of b.lines.entries()) {
    const line = lines.find((x) => x.line_id === l.lineId);
    if (!line) {
      invalid.push({ pointer: `/lines/${i}/lineId`, message: `not a line of ${id}` });
    } else if (line.sku !== l.sku) {
      invalid.push({ pointer: `/lines/${i}/sku`, message: `line ${l.lineId} of ${id} is ${line.sku}` });
    } else {
      const left = line.quantity - line.shipped_quantity;
      if (l.quantity > left) over.push(`Line ${l.lineId} of ${id} has ${left} unit${left === 1 ? '' : 's'} left to ship; ${l.quantity} confirmed.`);
      shipped.set(l.lineId, line.shipped_quantity + l.quantity);
    }
  }
  if (invalid.length > 0) return problem(unprocessable(caller, 'validation', `A line is not on ${id} as confirmed.`, invalid));
  if (over.length > 0) return problem(conflict(caller, over.join(' ')));

  const status: FulfilmentOrderStatus = lines.every((l) => shipped.get(l.line_id) === l.quantity) ? 'shipped' : 'partially_shipped';
  const { rows } = await tx.query(
    `INSERT INTO wms.shipment_confirmations (shipment_id, fulfilment_order_no, carrier, tracking_number, lines, fulfilment_order_status, shipped_at, confirmed_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8) ON CONFLICT (shipment_id) DO NOTHING RETURNING no`,
    [b.shipmentId, no, b.carrier, b.trackingNumber, json(b.lines), status, b.shippedAt ?? at, at],
  );
  if (rows.length === 0) return { outcome: 'exists' as const };
  await tx.query(
    `UPDATE wms.fulfilment_order_lines l SET shipped_quantity = l.shipped_quantity + s.quantity
       FROM unnest($2::text[], $3::integer[]) AS s (line_id, quantity)
      WHERE l.fulfilment_order_no = $1 AND l.line_id = s.line_id`,
    [no, b.lines.map((l) => l.lineId), b.lines.map((l) => l.quantity)],
  );
  await tx.query('UPDATE wms.fulfilment_orders SET status = $2, updated_at = $3 WHERE no = $1', [no, status, at]);
  return { outcome: 'created' as const };
}

export function shipmentHandlers({ db, now }: SystemDeps): Pick<WmsV1Handlers, 'listShipmentConfirmations' | 'createShipmentConfirmation'> {
  return {
    listShipmentConfirmations: (req, caller) => {
      const { fulfilmentOrderId } = req.query;
      const foNo = fulfilmentOrderId === undefined ? undefined : docNo(FO, fulfilmentOrderId);
      const rows = async (before: number | undefined, limit: number) => {
        // A fulfilment order id that names none has no confirmations.
        if (fulfilmentOrderId !== undefined && foNo === undefined) return [];
        const { rows } = await db.query<ConfirmationRow>(
          `${SELECT} WHERE ($1::bigint IS NULL OR c.no < $1) AND ($2::bigint IS NULL OR c.fulfilment_order_no = $2) ORDER BY c.no DESC LIMIT $3`,
          [before ?? null, foNo ?? null, limit],
        );
        return rows;
      };
      return listPage(caller, req.query, numberedList('shipment-confirmations', rows, (confirmations) => confirmations.map(toConfirmation)));
    },

    async createShipmentConfirmation(req, caller) {
      const b = req.body;
      const existing = await findConfirmation(db, b.shipmentId);
      if (existing) return { status: 200, body: existing };
      const duplicate = checkUniqueLineIds(b.lines.map((l) => l.lineId), (i) => `/lines/${i}/lineId`, caller);
      if (duplicate) return duplicate;
      const result = await db.transaction((tx) => confirm(tx, b, now(), caller));
      if (result.outcome === 'problem') return result.problem;
      return answerCreate(result.outcome === 'created', () => findConfirmation(db, b.shipmentId), `shipment confirmation ${b.shipmentId}`);
    },
  };
}

import type { Queryable } from '../../platform/db/database';
import type { CallerContext } from '../../platform/http/handler-types';
import { cancelOrder } from '../orders/cancel-order';
import { createOrder } from '../orders/create-order';
import type { CreateOrderDeps } from '../orders/create-order';
import type { OrderIntake, StoredOrder } from '../orders/model';
import { OrderRejection } from '../orders/problems';
import { lineTax } from '../orders/validate';
import type { ReferenceData } from '../reference-data/reference-data';
import { withinTransaction } from './deps';
import type { CreateReturnRequest } from './model';
import { invalidState } from './rejections';

type ExchangeLines = NonNullable<CreateReturnRequest['exchange']>['lines'];

/** The gross value (price plus tax, at the ERP price list) of the replacement lines; unknown SKUs are 422 `unknown-sku`. */
export function exchangeValue(lines: ExchangeLines, ref: ReferenceData): number {
  const unknown = lines.flatMap((l, i) => (ref.item(l.sku)?.active ? [] : [{ pointer: `/exchange/lines/${i}/sku`, message: `${l.sku} is not in the ERP item master` }]));
  if (unknown.length) throw new OrderRejection(422, 'unknown-sku', 'Unknown SKU', unknown.map((e) => e.message).join('; '), unknown);
  return lines.reduce((s, l) => {
    const item = ref.item(l.sku)!;
    const net = item.price * l.quantity;
    return s + net + lineTax(net, item.taxRateBp);
  }, 0);
}

/**
 * Creates the replacement order through order intake, inside the return's transaction: priced at the ERP price
 * list, paid with store credit worth its total (referencing the return), shipped to the original address (or
 * picked up at the return's store when the original order had none), and reserved at once. Its business key is
 * the return id, so it can never be created twice.
 */
export async function createReplacement(
  deps: CreateOrderDeps,
  tx: Queryable,
  original: StoredOrder,
  returnId: string,
  request: CreateReturnRequest,
  gross: number,
  caller: CallerContext,
): Promise<StoredOrder> {
  const o = original.order;
  const pickupAt = request.locationId ?? o.lines.find((l) => l.fulfilment.method === 'store_pickup')?.fulfilment.locationId;
  const fulfilment = o.shippingAddress || !pickupAt ? { method: 'ship' as const } : { method: 'store_pickup' as const, locationId: pickupAt };
  const intake: OrderIntake = {
    channel: o.channel,
    sourceOrderId: returnId,
    ...(original.marketplace ? { marketplace: original.marketplace } : {}),
    currency: o.currency,
    customer: o.customer,
    ...(o.shippingAddress ? { shippingAddress: o.shippingAddress } : {}),
    lines: request.exchange!.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: { currency: o.currency, amount: deps.ref.item(l.sku)!.price }, fulfilment })),
    promotions: [],
    tenders: [{ type: 'store_credit', amount: { currency: o.currency, amount: gross }, reference: returnId }],
  };
  const onBehalf: CallerContext = {
    correlationId: caller.correlationId,
    ...(caller.traceparent ? { traceparent: caller.traceparent } : {}),
    ...(o.partnerId ? { partnerId: o.partnerId } : {}),
    scopes: [],
  };
  try {
    const { stored } = await createOrder(withinTransaction(deps, tx), intake, onBehalf, () => ({ status: 201, body: null }));
    return stored;
  } catch (err) {
    // Order intake names its own request's fields; the caller sent them under /exchange.
    if (err instanceof OrderRejection) {
      throw new OrderRejection(err.status, err.kind, err.title, `Exchange replacement: ${err.message}`, err.errors.map((e) => ({ ...e, pointer: `/exchange${e.pointer}` })));
    }
    throw err;
  }
}

/** Cancels the replacement order with the return; once it is released for picking, the return cannot be cancelled. */
export async function cancelReplacement(deps: CreateOrderDeps, tx: Queryable, orderId: string, returnId: string, caller: CallerContext): Promise<void> {
  try {
    await cancelOrder(withinTransaction(deps, tx), orderId, { reason: 'customer_request' }, { correlationId: caller.correlationId, scopes: [] }, () => ({ status: 200, body: null }));
  } catch (err) {
    if (err instanceof OrderRejection && err.status === 409) throw invalidState(`Return ${returnId}: its replacement order ${orderId} can no longer be cancelled (${err.message})`);
    throw err;
  }
}

import type { components as V1 } from '../../generated/types/process/orders.v1';
import type { components as V2 } from '../../generated/types/process/orders.v2';

/** The canonical Order (common/schemas.yaml), as orders.v1 serves it and the events carry it. */
export type Order = V1['schemas']['Order'];
export type OrderLine = Order['lines'][number];
export type FulfilmentGroup = Order['fulfilmentGroups'][number];
export type SyncState = Order['sync']['erp'];
export type Money = Order['totals']['total'];
export type Channel = Order['channel'];
export type OrderV2 = V2['schemas']['OrderV2'];
export type CreateOrderV1 = V1['schemas']['CreateOrderRequest'];
export type CreateOrderV2 = V2['schemas']['CreateOrderRequest'];
export type CancelOrderRequest = V1['schemas']['CancelOrderRequest'];
export type System = 'erp' | 'wms' | 'pos';

/** The order as stored: the canonical order plus the v2 source details v1 has no field for. */
export interface StoredOrder {
  order: Order;
  marketplace?: string;
  storeId?: string;
}

/** An order request of either version, in one shape. */
export interface OrderIntake {
  channel: Channel;
  sourceOrderId: string;
  marketplace?: string;
  storeId?: string;
  currency: string;
  customer: Order['customer'];
  shippingAddress?: Order['shippingAddress'];
  lines: CreateOrderV2['lines'];
  promotions: Order['promotions'];
  shipping?: Money;
  tenders: Order['tenders'];
}

/** What both versions' requests share: everything but how the source of the order is written. */
const commercial = (r: CreateOrderV1 | CreateOrderV2) => ({
  currency: r.currency,
  customer: r.customer,
  ...(r.shippingAddress ? { shippingAddress: r.shippingAddress } : {}),
  lines: r.lines,
  promotions: r.promotions ?? [],
  ...(r.shipping ? { shipping: r.shipping } : {}),
  tenders: r.tenders,
});

export const fromV1 = (r: CreateOrderV1): OrderIntake => ({ channel: r.channel, sourceOrderId: r.channelOrderId, ...commercial(r) });

export const fromV2 = (r: CreateOrderV2): OrderIntake => ({
  channel: r.source.channel,
  sourceOrderId: r.source.orderId,
  ...(r.source.marketplace ? { marketplace: r.source.marketplace } : {}),
  ...(r.source.storeId ? { storeId: r.source.storeId } : {}),
  ...commercial(r),
});

export const v1View = (s: StoredOrder): Order => s.order;

export function v2View({ order, marketplace, storeId }: StoredOrder): OrderV2 {
  const { channel, channelOrderId, ...rest } = order;
  return { ...rest, source: { channel, orderId: channelOrderId, ...(marketplace ? { marketplace } : {}), ...(storeId ? { storeId } : {}) } };
}

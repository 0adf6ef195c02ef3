import type { StoredOrder } from '../../../process-apis/orders/model';
import type { SyncJob } from '../../../process-apis/orders/sync/downstream';
import type { ReturnJob } from '../../../process-apis/returns/downstream';
import type { StoredReturn } from '../../../process-apis/returns/model';

/**
 * What the process APIs' system calls are built from, for the concord-process consumer suites: a stored order and
 * a stored return as the repositories hand them to the workers. Each holds what the code under test reads (the
 * workers build their requests from these, the suites never write a request by hand).
 */

const EUR = (amount: number) => ({ currency: 'EUR', amount });
const synced = { status: 'synced' as const, attempts: 1 };

/** A marketplace order of 1 × SKU-0001 and 2 × SKU-0002, shipped from DC1 (group g1) or collected at S1 (group g2). */
export function storedOrder(id: string): StoredOrder {
  return {
    order: {
      id,
      channel: 'marketplace',
      channelOrderId: 'MKT-100234',
      status: 'accepted',
      currency: 'EUR',
      customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
      shippingAddress: { name: 'Ada Lovelace', line1: '12 Market Street', city: 'Leeds', postalCode: 'LS1 6DT', country: 'GB' },
      lines: [
        { lineId: '1', sku: 'SKU-0001', quantity: 1, unitPrice: EUR(1699), tax: EUR(340), fulfilment: { method: 'ship' }, fulfilmentGroupId: 'g1', shippedQuantity: 0, cancelledQuantity: 0, returnedQuantity: 0 },
        { lineId: '2', sku: 'SKU-0002', quantity: 2, unitPrice: EUR(2399), tax: EUR(960), fulfilment: { method: 'pickup', locationId: 'S1' }, fulfilmentGroupId: 'g2', shippedQuantity: 0, cancelledQuantity: 0, returnedQuantity: 0 },
      ],
      tenders: [{ type: 'marketplace', amount: EUR(7797), reference: 'MKT-PAY-100234' }],
      promotions: [],
      fulfilmentGroups: [
        { id: 'g1', nodeId: 'DC1', nodeType: 'dc', method: 'ship', system: 'wms', lineIds: ['1'], status: 'pending' },
        { id: 'g2', nodeId: 'S1', nodeType: 'store', method: 'pickup', system: 'pos', lineIds: ['2'], status: 'pending' },
      ],
      totals: { subtotal: EUR(6497), discount: EUR(0), tax: EUR(1300), shipping: EUR(0), total: EUR(7797) },
      sync: { erp: synced, wms: synced, pos: synced },
      createdAt: '2026-11-21T10:15:30Z',
      updatedAt: '2026-11-21T10:15:30Z',
    },
    marketplace: 'amazon',
  } as StoredOrder;
}

export const syncJob = (orderId: string, system: SyncJob['system'], action: SyncJob['action'], extra: Partial<SyncJob> = {}): SyncJob => ({
  id: 1,
  orderId,
  system,
  action,
  groupId: null,
  attempts: 0,
  ...extra,
});

/** An approved refund of one defective SKU-0002 (23.99 + 4.80 tax) of `orderId`, received at DC1. */
export function storedReturn(id: string, orderId: string, refund = 2399): StoredReturn {
  const tax = Math.floor((refund * 2000 + 5000) / 10000);
  return {
    return: {
      id,
      orderId,
      channel: 'web',
      status: 'inspected',
      locationId: 'DC1',
      lines: [{ lineId: '1', orderLineId: '2', sku: 'SKU-0002', quantity: 1, reason: 'defective', condition: 'damaged' }],
      refund: { status: 'approved', items: EUR(refund), promotionProration: EUR(0), taxReversed: EUR(tax), restockingFee: EUR(0), total: EUR(refund + tax), allocations: [{ tenderType: 'marketplace', amount: EUR(refund + tax), reference: 'MKT-PAY-100234' }] },
      createdAt: '2026-11-28T14:00:00Z',
      updatedAt: '2026-11-28T14:02:00Z',
    },
    receipts: [{ locationId: 'DC1', lines: [{ lineId: '1', quantity: 1 }], receivedAt: '2026-11-28T14:01:00Z' }],
    refundLines: [{ lineId: '1', orderLineId: '2', sku: 'SKU-0002', quantity: 1, items: refund, promotion: 0, tax, restockingFee: 0 }],
  } as StoredReturn;
}

export const returnJob = (returnId: string, kind: ReturnJob['kind']): ReturnJob => ({
  id: 1,
  returnId,
  system: kind === 'credit_memo' ? 'erp' : 'wms',
  kind,
  locationId: 'DC1',
  channel: 'web',
  attempts: 0,
});

/** Now, for classify's Retry-After arithmetic. */
export const NOW_MS = Date.parse('2026-11-21T10:15:30Z');

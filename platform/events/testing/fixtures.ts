import type { AnyNewEvent, NewEvent } from '../types';

/** Valid events of a few types, for tests. `n` makes each one distinct. */
export const restocked = (n: number, subject = 'SKU-0001@S1'): NewEvent<'item.restocked'> => ({
  type: 'item.restocked',
  subject,
  source: '/concord/returns',
  correlationId: `corr-${n}`,
  data: { sku: subject.split('@')[0] ?? 'SKU-0001', locationId: subject.split('@')[1] ?? 'S1', quantity: n, returnId: 'ret_01JD3QB1M2N3P4Q5' },
});

export const cancelled = (orderId: string, n = 1): NewEvent<'order.cancelled'> => ({
  type: 'order.cancelled',
  subject: orderId,
  source: '/concord/orders',
  correlationId: `corr-cancel-${n}`,
  partnerId: 'prt_sandbox',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  data: { orderId, reason: 'customer_request', lines: [{ lineId: '1', sku: 'SKU-0001', quantity: n }], cancelledAt: '2026-11-21T10:20:02Z' },
});

export const availabilityChanged = (subject: string, atp: number): NewEvent<'inventory.availability-changed'> => ({
  type: 'inventory.availability-changed',
  subject,
  source: '/concord/availability',
  correlationId: `corr-atp-${atp}`,
  data: { sku: subject.split('@')[0] ?? 'SKU-0001', locationId: subject.split('@')[1] ?? 'S1', atp, previousAtp: atp + 1, lowStock: false, threshold: 0 },
});

/** Well typed, but against its schema: a restock of zero units (`quantity` has minimum 1). */
export const invalidRestock = (subject = 'SKU-0002@S2'): AnyNewEvent => ({ ...restocked(1, subject), data: { ...restocked(1, subject).data, quantity: 0 } });

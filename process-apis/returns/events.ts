import type { CallerContext } from '../../platform/http/handler-types';
import type { AnyNewEvent } from '../../platform/events/types';
import type { Return } from './model';

export const RETURNS_SOURCE = '/concord/returns';

type ReturnEventType = 'return.authorized' | 'return.received' | 'return.inspected';

/** Who caused an event: a caller's request, or a worker step (its own correlation id). */
export type Cause = Pick<CallerContext, 'correlationId' | 'traceparent'>;

const envelope = (ret: Return, cause: Cause) => ({
  subject: ret.id,
  source: RETURNS_SOURCE,
  correlationId: cause.correlationId,
  ...(cause.traceparent ? { traceparent: cause.traceparent } : {}),
  ...(ret.partnerId ? { partnerId: ret.partnerId } : {}),
});

export const returnEvent = (type: ReturnEventType, ret: Return, cause: Cause): AnyNewEvent => ({ type, ...envelope(ret, cause), data: { return: ret } });

export const refundApproved = (ret: Return, cause: Cause): AnyNewEvent => ({
  type: 'refund.approved',
  ...envelope(ret, cause),
  data: { returnId: ret.id, orderId: ret.orderId, refund: ret.refund! },
});

export const itemRestocked = (ret: Return, sku: string, locationId: string, quantity: number, cause: Cause): AnyNewEvent => ({
  type: 'item.restocked',
  ...envelope(ret, cause),
  data: { sku, locationId, quantity, returnId: ret.id },
});

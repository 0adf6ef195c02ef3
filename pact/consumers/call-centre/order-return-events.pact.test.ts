import { MatchersV3 } from '@pact-foundation/pact';
import type { EventMap } from '../../../generated/events';
import { consumerPact } from '../../support/consumer-pact';
import { envelope } from '../../support/events';
import { EVENTS_PROVIDER } from '../../support/names';
import { money, orderId, returnId, timestamp } from '../../support/shapes';

const { eachLike, integer, regex, string } = MatchersV3;

// The call centre keeps a customer timeline from order and return events, so an agent sees what happened without
// asking each system. It dedupes by event id.
const { pact, checkAgainstRecord } = consumerPact('call-centre', EVENTS_PROVIDER);
afterAll(() => checkAgainstRecord());

interface TimelineEntry {
  eventId: string;
  orderId: string;
  at: string;
  text: string;
}

type TimelineEvent = EventMap['order.created'] | EventMap['order.cancelled'] | EventMap['return.authorized'];

function timelineEntry(event: TimelineEvent): TimelineEntry {
  const base = { eventId: event.id, at: event.time };
  switch (event.type) {
    case 'order.created':
      return { ...base, orderId: event.data.order.id, text: `order ${event.data.order.channelOrderId} placed (${event.data.order.totals.total.amount} ${event.data.order.currency})` };
    case 'order.cancelled':
      return { ...base, orderId: event.data.orderId, text: `order cancelled: ${event.data.reason}` };
    case 'return.authorized':
      return { ...base, orderId: event.data.return.orderId, text: `return ${event.data.return.id} authorized, refund ${event.data.return.refund?.total.amount}` };
  }
}

const ORDER_ID = 'ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3';

describe('call centre ← Concord events', () => {
  it('adds an order.created event to the timeline', () =>
    pact
      .addAsynchronousInteraction()
      .expectsToReceive('an order created event', (b) =>
        b.withJSONContent({
          ...envelope('order.created', '/concord/orders', orderId(ORDER_ID)),
          data: { order: { id: orderId(ORDER_ID), channelOrderId: string('WEB-58213'), currency: 'EUR', status: 'accepted', totals: { total: money(2039) } } },
        }),
      )
      .executeTest(async (message) => {
        expect(timelineEntry(message.contents.content as TimelineEvent)).toMatchObject({ orderId: ORDER_ID, text: 'order WEB-58213 placed (2039 EUR)' });
      }));

  it('adds an order.cancelled event to the timeline', () =>
    pact
      .addAsynchronousInteraction()
      .expectsToReceive('an order cancelled event', (b) =>
        b.withJSONContent({
          ...envelope('order.cancelled', '/concord/orders', orderId(ORDER_ID)),
          data: { orderId: orderId(ORDER_ID), reason: regex(/^[a-z_]+$/, 'customer_request'), cancelledAt: timestamp(), lines: eachLike({ lineId: string('1'), quantity: integer(1) }) },
        }),
      )
      .executeTest(async (message) => {
        expect(timelineEntry(message.contents.content as TimelineEvent)).toMatchObject({ orderId: ORDER_ID, text: 'order cancelled: customer_request' });
      }));

  it('adds a return.authorized event to the timeline', () =>
    pact
      .addAsynchronousInteraction()
      .expectsToReceive('a return authorized event', (b) =>
        b.withJSONContent({
          ...envelope('return.authorized', '/concord/returns', returnId()),
          data: { return: { id: returnId(), orderId: orderId(ORDER_ID), status: 'authorized', refund: { total: money(2039) } } },
        }),
      )
      .executeTest(async (message) => {
        expect(timelineEntry(message.contents.content as TimelineEvent)).toMatchObject({ orderId: ORDER_ID, text: 'return ret_01JD3QB1M2N3P4Q5R6S7T8V9W0 authorized, refund 2039' });
      }));
});

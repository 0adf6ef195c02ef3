import { randomUUID } from 'node:crypto';
import type { VerifierOptions } from '@pact-foundation/pact';
import { eventCatalogue } from '../../generated/events';
import { eventProblems } from '../../platform/events/validate';
import type { CloudEvent, EventType } from '../../platform/events/types';
import type { AppCredentials, Json, ProviderConcord } from './concord';
import { authorizedReturn, createOrder, shippedWebOrder, webOrder } from './orders';

type MessageProviders = NonNullable<VerifierOptions['messageProviders']>;

/**
 * The events message pacts are verified against are never hand-built: each message provider makes Concord do the
 * thing (through the gateway, as the consumer's app), runs the real outbox relay, and hands over the event the
 * relay published. The relay publishes only what passes `eventProblems`, the AsyncAPI check before publish; it is
 * asserted again here so a refused event fails with its reason instead of a timeout.
 */
export interface PublishedEvents {
  /** Runs the relay once and answers the first published event of `type` about `subject`. */
  take<T extends EventType>(type: T, subject: string): Promise<CloudEvent<T>>;
  close(): Promise<void>;
}

export async function collectPublishedEvents(concord: ProviderConcord): Promise<PublishedEvents> {
  const { bus, relay } = concord.platform.services.events;
  const published: CloudEvent[] = [];
  const subscription = await bus.subscribe('pact-verification', Object.keys(eventCatalogue) as EventType[], async (event) => {
    published.push(event);
  });
  return {
    async take(type, subject) {
      await relay.runOnce();
      const event = published.find((e) => e.type === type && e.subject === subject);
      if (!event) throw new Error(`Concord published no ${type} event about ${subject}`);
      const problems = eventProblems(event);
      if (problems) throw new Error(problems);
      return event as CloudEvent<typeof type>;
    },
    close: () => subscription.unsubscribe(),
  };
}

export interface MessageContext {
  concord: ProviderConcord;
  app: AppCredentials;
  events: PublishedEvents;
}

/** One provider per message description the consumer pacts use. */
export function messageProviders(ctx: MessageContext): MessageProviders {
  const { concord, app, events } = ctx;
  const providers: Record<string, () => Promise<Json>> = {
    'an availability change after stock is reserved': async () => {
      const res = await concord.call(app, 'POST', '/v1/reservations', { sku: 'SKU-0002', locationId: 'DC1', quantity: 1, channel: 'marketplace' });
      if (res.status !== 201) throw new Error(`reserving SKU-0002 at DC1: ${res.status} ${JSON.stringify(res.body)}`);
      return events.take('inventory.availability-changed', 'SKU-0002@DC1');
    },
    'an order created event': async () => {
      const order = await createOrder(concord, app, webOrder(`CC-EVT-${randomUUID()}`));
      return events.take('order.created', order.id);
    },
    'an order cancelled event': async () => {
      const order = await createOrder(concord, app, webOrder(`CC-EVT-${randomUUID()}`));
      const res = await concord.call(app, 'POST', `/v2/orders/${order.id}/cancel`, { reason: 'customer_request' });
      if (res.status !== 200) throw new Error(`cancelling ${order.id}: ${res.status} ${JSON.stringify(res.body)}`);
      return events.take('order.cancelled', order.id);
    },
    'a return authorized event': async () => {
      const order = await shippedWebOrder(concord, app, `CC-EVT-${randomUUID()}`);
      const ret = await authorizedReturn(concord, app, order);
      return events.take('return.authorized', ret.id);
    },
  };
  return providers;
}

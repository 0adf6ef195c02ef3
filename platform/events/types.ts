import type { EventMap, EventType } from '../../generated/events';
import type { components } from '../../generated/types/events';
import type { Queryable } from '../db/database';

export type { EventType };

/** A CloudEvent as it travels on the bus: the envelope of contracts/asyncapi/events.yaml plus `data`. */
export type CloudEvent<T extends EventType = EventType> = EventMap[T];

type Envelope = components['schemas']['CloudEventEnvelope'];

/**
 * The payload type of one event type. The generated event types intersect the envelope's generic
 * `data: Record<string, never>` with the message's own `data`, which makes `EventMap[T]['data']` impossible to
 * construct; this takes `data` from the message's own part only. Distributes over a union of types.
 */
export type EventData<T extends EventType = EventType> = T extends EventType
  ? EventMap[T] extends Envelope & infer Own
    ? Own extends { data: infer D }
      ? D
      : never
    : never
  : never;

/** What a producer hands to the outbox; the envelope (id, time, sequence, specversion…) is filled in on append. */
export interface NewEvent<T extends EventType = EventType> {
  type: T;
  /** The aggregate's id: order id, return id, or `<sku>@<locationId>` for stock. Events of one subject keep their order. */
  subject: string;
  /** The producing service, e.g. `/concord/orders`. */
  source: string;
  data: EventData<T>;
  correlationId: string;
  traceparent?: string;
  partnerId?: string;
}

/** Appends events inside the caller's transaction, so they commit (or roll back) with the state change. */
export type AppendEvents = (tx: Queryable, events: readonly NewEvent[]) => Promise<CloudEvent[]>;

/** One NewEvent per type, discriminated on `type`, so `data` is checked against that type's schema. */
export type AnyNewEvent = { [T in EventType]: NewEvent<T> }[EventType];

/** Handles one delivered event. Throwing means "not processed": the bus redelivers, then dead-letters. */
export type EventHandler = (event: CloudEvent) => Promise<void>;

export interface Subscription {
  /** Stops delivery to this handler; resolves once no handler call is running. */
  unsubscribe(): Promise<void>;
}

/**
 * The event bus: in process on the embedded default, NATS JetStream with NATS_URL. Delivery is at least once and
 * in publish order per subject (aggregate); consumers dedupe by event id.
 */
export interface EventBus {
  readonly kind: 'in-process' | 'nats';
  /** Resolves once the bus has durably accepted the event (JetStream ack; in process: every subscriber handled it). */
  publish(event: CloudEvent): Promise<void>;
  /**
   * Delivers every event whose type is in `types` to `handler`, as the durable consumer `consumer` (one name per
   * receiving service; instances sharing a name share the work). A handler that keeps failing has the event
   * dead-lettered with the consumer's name and the last error.
   */
  subscribe(consumer: string, types: readonly EventType[], handler: EventHandler): Promise<Subscription>;
  close(): Promise<void>;
}

/**
 * A bus that can deliver one event again to one consumer only: the replay of a consumer's dead letter. Both
 * Concord buses implement it; the dead-letter replay falls back to `publish` (others dedupe by id) for a bus that
 * does not.
 */
export interface ReplayableBus extends EventBus {
  /**
   * `handled`: the consumer handled the event before this resolved (in process). `queued`: the bus durably accepted
   * it for that consumer alone, which handles it later and reports the outcome to the dead-letter store (NATS).
   * Rejects with a `RedeliveryFailed` when the consumer failed again.
   */
  redeliver(consumer: string, event: CloudEvent, deadLetterId: string): Promise<'handled' | 'queued'>;
}

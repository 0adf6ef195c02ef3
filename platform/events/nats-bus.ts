import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import type { ConsumerMessages, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { headers, nanos } from '@nats-io/transport-node';
import type { Logger } from '../logger';
import type { DependencyStatus } from '../server/readiness';
import { openNatsConnection } from './nats-connection';
import type { DeadLetterSink } from './dead-letters';
import { checkName, createNatsLayout } from './nats-layout';
import type { NatsLayout, NatsStream } from './nats-layout';
import { reasonOf } from './redelivery';
import type { CloudEvent, EventHandler, EventType, ReplayableBus, Subscription } from './types';

export interface NatsBusOptions {
  url: string;
  logger: Logger;
  deadLetters: DeadLetterSink;
  /** Prefix of every subject and stream name, so that test suites sharing a server never collide. Default none. */
  namespace?: string;
  /** Deliveries of an event a handler keeps failing on before it is dead-lettered. Default 5. */
  maxDeliver?: number;
  /** Delay before delivery `deliveryCount + 1` after a failure. Default 500 ms doubling, at most 30 s. */
  redeliveryDelayMs?: (deliveryCount: number) => number;
  /** How long a delivery may go unacknowledged before JetStream redelivers it; a running handler extends it. Default 30 s. */
  ackWaitMs?: number;
  /** How long to wait for JetStream's publish acknowledgement. Default 5 s. */
  publishTimeoutMs?: number;
}

export type NatsBus = ReplayableBus & {
  readonly kind: 'nats';
  readonly layout: NatsLayout;
  /** For /readyz: `ok` connected, `degraded` reconnecting (events wait in the outbox), `down` not connected. */
  status(): DependencyStatus;
  /** Calls `listener` whenever NATS is reachable again after an outage (the relay drains its backlog then). */
  onRestored(listener: () => void): void;
};

/** Names the dead letter a replay message settles. */
const DEAD_LETTER_HEADER = 'Concord-Dead-Letter-Id';
const RESUBSCRIBE_DELAY_MS = 1000;

const defaultDelay = (n: number) => Math.min(30_000, 500 * 2 ** (n - 1));

/** Creates each domain's stream, or brings an existing one to the expected subjects. */
async function ensureStreams(jsm: JetStreamManager, layout: NatsLayout): Promise<void> {
  for (const stream of layout.streams) {
    const info = await jsm.streams.info(stream.name).catch(() => undefined);
    if (!info) await jsm.streams.add({ name: stream.name, subjects: [stream.subjects] });
    else if (info.config.subjects?.join() !== stream.subjects) await jsm.streams.update(stream.name, { ...info.config, subjects: [stream.subjects] });
  }
}

/**
 * The production bus over NATS JetStream (see the README for the layout). Publishing awaits the stream's ack and
 * sends the event id as `Nats-Msg-Id`, so a relay that republishes after a crash is deduplicated by JetStream.
 *
 * A subscription is one durable pull consumer per stream involved, named after the consumer and filtered to the
 * whole domain (one filter subject works on every JetStream version); events of other types are acknowledged
 * without calling the handler. `max_ack_pending` 1 keeps a consumer's events in stream order, retries included,
 * across every instance sharing it: a failed event is redelivered (nak with backoff) before anything after it,
 * and after `maxDeliver` deliveries it is dead-lettered and terminated.
 */
export async function createNatsBus(opts: NatsBusOptions): Promise<NatsBus> {
  const { logger, deadLetters } = opts;
  const layout = createNatsLayout(opts.namespace);
  const maxDeliver = Math.max(1, opts.maxDeliver ?? 5);
  const redeliveryDelay = opts.redeliveryDelayMs ?? defaultDelay;
  const ackWaitMs = opts.ackWaitMs ?? 30_000;
  const publishTimeout = opts.publishTimeoutMs ?? 5000;

  const restored = new Set<() => void>();
  const connection = await openNatsConnection({
    url: opts.url,
    logger,
    prepare: (jsm) => ensureStreams(jsm, layout),
    onRestored: () => {
      for (const l of restored) l();
    },
  });
  const subscriptions = new Set<Subscription>();
  let closed = false;

  const send = async (subject: string, event: CloudEvent, msgID: string, extra: Record<string, string> = {}) => {
    const h = headers();
    h.set('Content-Type', 'application/cloudevents+json');
    for (const [k, v] of Object.entries(extra)) h.set(k, v);
    await connection.link().js.publish(subject, JSON.stringify(event), { msgID, headers: h, timeout: publishTimeout });
  };

  const ensureConsumer = async (stream: NatsStream, consumer: string) => {
    const config = { max_ack_pending: 1, max_deliver: -1, ack_wait: nanos(ackWaitMs) };
    const { jsm } = connection.link();
    try {
      await jsm.consumers.add(stream.name, {
        ...config,
        durable_name: consumer,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: stream.subjects,
      });
    } catch {
      // It exists with other settings (an older Concord's): bring those we rely on up to date.
      await jsm.consumers.update(stream.name, consumer, config);
    }
  };

  /** One delivery: handle, then ack; on failure nak for a retry, or dead-letter and term once retries are spent. */
  const handle = async (m: JsMsg, consumer: string, types: ReadonlySet<string>, handler: EventHandler) => {
    let event: CloudEvent;
    try {
      event = JSON.parse(new TextDecoder().decode(m.data)) as CloudEvent;
    } catch {
      logger.error({ consumer, subject: m.subject, seq: m.seq }, 'message is not a JSON CloudEvent: terminated');
      m.term();
      return;
    }
    const target = layout.replayTarget(m.subject);
    const mine = target === undefined ? types.has(event.type) : target === consumer;
    if (!mine) {
      m.ack();
      return;
    }
    const heartbeat = setInterval(() => m.working(), Math.max(1000, ackWaitMs / 3));
    try {
      await handler(event);
    } catch (err) {
      const n = m.info.deliveryCount;
      const reason = reasonOf(err);
      if (n < maxDeliver) {
        logger.warn({ consumer, eventId: event.id, type: event.type, delivery: n, reason }, 'consumer failed; event will be redelivered');
        m.nak(redeliveryDelay(n));
        return;
      }
      try {
        await deadLetters.record({ event, consumer, reason, kind: 'consumer', attempts: n });
        logger.warn({ consumer, eventId: event.id, type: event.type, attempts: n, reason }, 'consumer kept failing: event dead-lettered');
        m.term();
      } catch (recordErr) {
        logger.error({ err: recordErr, consumer, eventId: event.id }, 'dead-lettering failed; event will be redelivered');
        m.nak(redeliveryDelay(n));
      }
      return;
    } finally {
      clearInterval(heartbeat);
    }
    const deadLetterId = target === undefined ? undefined : m.headers?.get(DEAD_LETTER_HEADER);
    if (deadLetterId) {
      await deadLetters.markReplayed(deadLetterId).catch((err: unknown) => logger.error({ err, deadLetterId }, 'marking a dead letter replayed failed'));
    }
    m.ack();
  };

  const consumeStream = (stream: NatsStream, consumer: string, types: ReadonlySet<string>, handler: EventHandler) => {
    let stopped = false;
    const stopping = new AbortController();
    let messages: ConsumerMessages | undefined;
    const loop = (async () => {
      for (let round = 0; !stopped; round++) {
        try {
          // After a failure the durable consumer may be gone (deleted by hand, stream recreated): make it again.
          if (round > 0) await ensureConsumer(stream, consumer);
          const c = await connection.link().js.consumers.get(stream.name, consumer);
          messages = await c.consume({ max_messages: 1 });
          if (stopped) {
            await messages.close();
            break;
          }
          for await (const m of messages) {
            await handle(m, consumer, types, handler);
            if (stopped) break;
          }
        } catch (err) {
          if (!stopped) logger.error({ err, consumer, stream: stream.name }, 'consuming failed; resubscribing');
        }
        if (!stopped) await sleep(RESUBSCRIBE_DELAY_MS, undefined, { signal: stopping.signal }).catch(() => {});
      }
    })();
    return {
      async stop() {
        stopped = true;
        stopping.abort();
        await messages?.close();
        await loop;
      },
    };
  };

  return {
    kind: 'nats',
    layout,
    status: () => connection.status(),
    onRestored(listener) {
      restored.add(listener);
    },

    async publish(event) {
      if (closed) throw new Error('the NATS event bus is closed');
      await send(layout.subjectOf(event.type), event, event.id);
    },

    async redeliver(consumer, event, deadLetterId) {
      if (closed) throw new Error('the NATS event bus is closed');
      // A fresh message id: the event's own id would be dropped as a duplicate inside the dedupe window.
      await send(layout.replaySubject(event.type, consumer), event, `${event.id}:replay:${randomUUID()}`, { [DEAD_LETTER_HEADER]: deadLetterId });
      return 'queued';
    },

    async subscribe(consumer: string, types: readonly EventType[], handler: EventHandler): Promise<Subscription> {
      if (closed) throw new Error('the NATS event bus is closed');
      checkName('consumer', consumer);
      const streams = [...new Map(types.map((t) => [layout.streamOf(t).name, layout.streamOf(t)])).values()];
      for (const stream of streams) await ensureConsumer(stream, consumer);
      const wanted = new Set<string>(types);
      const loops = streams.map((s) => consumeStream(s, consumer, wanted, handler));
      const subscription: Subscription = {
        async unsubscribe() {
          subscriptions.delete(subscription);
          await Promise.all(loops.map((l) => l.stop()));
        },
      };
      subscriptions.add(subscription);
      return subscription;
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...subscriptions].map((s) => s.unsubscribe()));
      await connection.close();
    },
  };
}

import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger';
import type { DeadLetterSink } from './dead-letters';
import { RedeliveryFailed, reasonOf } from './redelivery';
import type { CloudEvent, EventHandler, EventType, ReplayableBus, Subscription } from './types';

export interface InProcessBusOptions {
  logger: Logger;
  deadLetters: DeadLetterSink;
  /** Calls of a failing handler per event before it is dead-lettered. Default 5. */
  maxAttempts?: number;
  /** Pause before retry number `attempt` (2, 3, …). Default 25 ms doubling, at most 1 s. */
  retryDelayMs?: (attempt: number) => number;
}

interface Sub {
  types: ReadonlySet<string>;
  handler: EventHandler;
  running: Set<Promise<void>>;
}

interface Consumer {
  subs: Sub[];
  /** Round robin over the subscriptions sharing this consumer name. */
  next: number;
  /** The consumer's deliveries, one at a time, in the order they were published. */
  queue: Promise<unknown>;
}

const defaultDelay = (attempt: number) => Math.min(1000, 25 * 2 ** (attempt - 2));

/**
 * The embedded default's bus. `publish` resolves only once every subscribed consumer has handled the event or had
 * it dead-lettered, so the relay marks an event published only after delivery: the outbox is the durable queue and
 * a crash before that mark means the event is delivered again (consumers dedupe by id). Each consumer handles one
 * event at a time, in publish order; distinct consumers run concurrently.
 */
export function createInProcessBus(opts: InProcessBusOptions): ReplayableBus & { readonly kind: 'in-process' } {
  const { logger, deadLetters } = opts;
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 5);
  const retryDelay = opts.retryDelayMs ?? defaultDelay;
  const consumers = new Map<string, Consumer>();
  let closed = false;

  const pick = (c: Consumer, type: string): Sub | undefined => {
    const candidates = c.subs.filter((s) => s.types.has(type));
    if (candidates.length === 0) return undefined;
    c.next = (c.next + 1) % candidates.length;
    return candidates[c.next];
  };

  const call = async (sub: Sub, event: CloudEvent): Promise<void> => {
    // Each consumer gets its own copy, as it would from the wire: a handler cannot change what others see.
    const running = sub.handler(structuredClone(event));
    sub.running.add(running);
    try {
      await running;
    } finally {
      sub.running.delete(running);
    }
  };

  /** Up to maxAttempts calls; the last error when they all failed, undefined when handled or nobody is left. */
  const attempt = async (c: Consumer, event: CloudEvent): Promise<{ error: unknown } | undefined> => {
    let error: unknown;
    for (let n = 1; n <= maxAttempts; n++) {
      if (n > 1) await sleep(retryDelay(n));
      // Closing empties the subscriptions; rejecting (rather than delivering to nobody) keeps the event in the outbox.
      if (closed) throw new Error('the in-process event bus closed before the event was delivered');
      const sub = pick(c, event.type);
      if (!sub) return undefined;
      try {
        await call(sub, event);
        return undefined;
      } catch (err) {
        error = err;
      }
    }
    return { error };
  };

  const enqueue = <T>(c: Consumer, task: () => Promise<T>): Promise<T> => {
    const run = c.queue.then(task, task);
    c.queue = run.catch(() => {});
    return run;
  };

  const deliver = (name: string, c: Consumer, event: CloudEvent) =>
    enqueue(c, async () => {
      const failed = await attempt(c, event);
      if (!failed) return;
      const reason = reasonOf(failed.error);
      logger.warn({ consumer: name, eventId: event.id, type: event.type, attempts: maxAttempts, reason }, 'consumer kept failing: event dead-lettered');
      await deadLetters.record({ event, consumer: name, reason, kind: 'consumer', attempts: maxAttempts });
    });

  return {
    kind: 'in-process',

    async publish(event) {
      if (closed) throw new Error('the in-process event bus is closed');
      const targets = [...consumers].filter(([, c]) => c.subs.some((s) => s.types.has(event.type)));
      await Promise.all(targets.map(([name, c]) => deliver(name, c, event)));
    },

    async redeliver(consumer, event) {
      if (closed) throw new Error('the in-process event bus is closed');
      const c = consumers.get(consumer);
      if (!c?.subs.some((s) => s.types.has(event.type))) {
        throw new RedeliveryFailed(`consumer ${consumer} is not subscribed to ${event.type} in this process`, 1);
      }
      const failed = await enqueue(c, () => attempt(c, event));
      if (failed) throw new RedeliveryFailed(reasonOf(failed.error), maxAttempts);
      return 'handled';
    },

    async subscribe(consumer: string, types: readonly EventType[], handler: EventHandler): Promise<Subscription> {
      if (closed) throw new Error('the in-process event bus is closed');
      if (!consumer) throw new Error('a consumer needs a name');
      const sub: Sub = { types: new Set(types), handler, running: new Set() };
      let c = consumers.get(consumer);
      if (!c) consumers.set(consumer, (c = { subs: [], next: -1, queue: Promise.resolve() }));
      c.subs.push(sub);
      const group = c;
      return {
        async unsubscribe() {
          group.subs = group.subs.filter((s) => s !== sub);
          await Promise.allSettled([...sub.running]);
        },
      };
    },

    async close() {
      closed = true;
      const all = [...consumers.values()];
      for (const c of all) c.subs = [];
      await Promise.allSettled(all.map((c) => c.queue));
    },
  };
}

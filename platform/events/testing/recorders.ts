import type { DeadLetterFailure, DeadLetterSink } from '../dead-letters';
import type { CloudEvent, EventBus, EventHandler, EventType, Subscription } from '../types';
import { createWaiter } from './waiting';

/** A dead-letter sink that remembers what it was told, optionally passing it on to a real store. */
export function recordingSink(inner?: DeadLetterSink) {
  const failures: DeadLetterFailure[] = [];
  const replayed: string[] = [];
  const waiter = createWaiter('dead letters');
  const sink: DeadLetterSink = {
    async record(failure) {
      const result = await inner?.record(failure);
      failures.push(failure);
      waiter.notify();
      return result;
    },
    async markReplayed(id) {
      const result = await inner?.markReplayed(id);
      replayed.push(id);
      waiter.notify();
      return result;
    },
  };
  return {
    sink,
    failures,
    replayed,
    /** Resolves once `n` failures were recorded. */
    failed: (n: number) => waiter.until(() => failures.length >= n, () => `(${failures.length} of ${n})`),
    /** Resolves once the dead letter was reported handled by its replay. */
    replayDone: (id: string) => waiter.until(() => replayed.includes(id)),
  };
}

/**
 * Subscribes `consumer` and keeps every event its handler was called with. `behaviour` decides per call (throw to
 * fail); by default every call succeeds.
 */
export async function collect(bus: EventBus, consumer: string, types: readonly EventType[], behaviour?: EventHandler) {
  const calls: CloudEvent[] = [];
  const handled: CloudEvent[] = [];
  const waiter = createWaiter(`events at ${consumer}`);
  const subscription: Subscription = await bus.subscribe(consumer, types, async (event) => {
    calls.push(event);
    try {
      await behaviour?.(event);
      handled.push(event);
    } finally {
      waiter.notify();
    }
  });
  return {
    subscription,
    /** Every handler call, failed ones included. */
    calls,
    /** The calls that succeeded. */
    handled,
    /** Resolves once `n` calls succeeded. */
    handledCount: (n: number) => waiter.until(() => handled.length >= n, () => `(${handled.length} of ${n} handled)`),
    /** Resolves once the handler was called `n` times. */
    callCount: (n: number) => waiter.until(() => calls.length >= n, () => `(${calls.length} of ${n} calls)`),
  };
}

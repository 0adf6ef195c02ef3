import type { CloudEvent, EventBus, Subscription } from '../types';
import { createWaiter } from './waiting';

/**
 * A bus for relay tests: it records what it accepted and can be told to refuse an event or to hold a publish
 * until released, so tests control exactly where a batch stands.
 */
export function fakeBus() {
  const accepted: CloudEvent[] = [];
  const waiter = createWaiter('publishes');
  let failOn: ((e: CloudEvent) => boolean) | undefined;
  let gate: { reached: () => void; opened: Promise<void> } | undefined;
  const bus: EventBus = {
    kind: 'in-process',
    async publish(event) {
      if (gate) {
        const g = gate;
        g.reached();
        await g.opened;
      }
      if (failOn?.(event)) throw new Error(`bus refused ${event.id}`);
      accepted.push(event);
      waiter.notify();
    },
    async subscribe(): Promise<Subscription> {
      throw new Error('the fake bus has no subscribers');
    },
    async close() {},
  };
  return {
    bus,
    accepted,
    published: (n: number) => waiter.until(() => accepted.length >= n, () => `(${accepted.length} of ${n})`),
    failWhen(predicate: ((e: CloudEvent) => boolean) | undefined) {
      failOn = predicate;
    },
    /** Holds every publish until `open()`; `reached` resolves when the first one is waiting. */
    hold() {
      let open: () => void = () => {};
      let reached: () => void = () => {};
      const reachedP = new Promise<void>((r) => (reached = r));
      gate = { reached, opened: new Promise<void>((r) => (open = r)) };
      return {
        reached: reachedP,
        open: () => {
          gate = undefined;
          open();
        },
      };
    },
  };
}

import type { NatsBus } from './nats-bus';
import { toCloudEvent } from './outbox';
import { RedeliveryFailed } from './redelivery';
import { describeOnBothBuses } from './testing/buses';
import { cancelled, restocked } from './testing/fixtures';
import { natsUrl, streamMessages } from './testing/nats';
import { collect, recordingSink } from './testing/recorders';
import type { CloudEvent } from './types';
import { eventProblems } from './validate';

const ORDER = 'ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3';

describeOnBothBuses('event bus', (h) => {
  // What only one of the buses does (NATS durability and dedupe; how a failed redelivery is reported).
  const onlyOnNats: jest.It = h.kind === 'nats' ? it : (() => {}) as unknown as jest.It;
  const onlyInProcess: jest.It = h.kind === 'in-process' ? it : (() => {}) as unknown as jest.It;

  it('delivers each event to every consumer subscribed to its type, in publish order per subject, envelope intact', async () => {
    const dl = recordingSink();
    const bus = await h.bus({ deadLetters: dl.sink });
    const stock = await collect(bus, 'stock', ['item.restocked']);
    const ops = await collect(bus, 'ops', ['item.restocked', 'order.cancelled']);
    const events = [toCloudEvent(restocked(1), 1), toCloudEvent(cancelled(ORDER), 1), toCloudEvent(restocked(2), 2), toCloudEvent(restocked(3), 3)];
    for (const e of events) await bus.publish(e);

    await Promise.all([stock.handledCount(3), ops.handledCount(4)]);
    expect(stock.handled).toEqual(events.filter((e) => e.type === 'item.restocked'));
    // Order is per subject (aggregate); on NATS, events of different domains come from different streams.
    const bySubject = (list: CloudEvent[]) => [...new Set(list.map((e) => e.subject))].sort().map((s) => list.filter((e) => e.subject === s));
    expect(bySubject(ops.handled)).toEqual(bySubject(events));
    expect(dl.failures).toEqual([]);
  });

  it('retries a failing handler: an event that succeeds within the attempts is handled once and not dead-lettered', async () => {
    const dl = recordingSink();
    const bus = await h.bus({ deadLetters: dl.sink, maxAttempts: 3 });
    let failures = 0;
    const flaky = await collect(bus, 'flaky', ['item.restocked'], async () => {
      if (failures++ < 2) throw new Error('ERP is down');
    });
    const event = toCloudEvent(restocked(1), 1);
    await bus.publish(event);

    await flaky.handledCount(1);
    expect(flaky.calls.map((e) => e.id)).toEqual([event.id, event.id, event.id]);
    expect(flaky.handled).toEqual([event]);
    expect(dl.failures).toEqual([]);
  });

  it('dead-letters an event its consumer keeps failing on, with the consumer and the last error; others and later events go on', async () => {
    const dl = recordingSink();
    const bus = await h.bus({ deadLetters: dl.sink, maxAttempts: 3 });
    const poisoned = toCloudEvent(restocked(1), 1);
    const next = toCloudEvent(restocked(2), 2);
    const picky = await collect(bus, 'picky', ['item.restocked'], async (e) => {
      if (e.id === poisoned.id) throw new Error(`cannot restock ${e.subject}`);
    });
    const other = await collect(bus, 'other', ['item.restocked']);
    await bus.publish(poisoned);
    await bus.publish(next);

    await Promise.all([dl.failed(1), picky.handledCount(1), other.handledCount(2)]);
    expect(dl.failures).toEqual([{ event: poisoned, consumer: 'picky', reason: 'cannot restock SKU-0001@S1', kind: 'consumer', attempts: 3 }]);
    // Order is kept: the next event reached the consumer only after the poisoned one was given up on.
    expect(picky.calls.map((e) => e.id)).toEqual([poisoned.id, poisoned.id, poisoned.id, next.id]);
    expect(other.handled).toEqual([poisoned, next]);
  });

  it('redeliver sends the same event to that one consumer only', async () => {
    const dl = recordingSink();
    const bus = await h.bus({ deadLetters: dl.sink });
    const target = await collect(bus, 'target', ['order.cancelled']);
    const bystander = await collect(bus, 'bystander', ['order.cancelled']);
    const event = toCloudEvent(cancelled(ORDER), 1);

    const outcome = await bus.redeliver('target', event, 'dlq_01TESTTESTTEST');
    expect(outcome).toBe(h.kind === 'in-process' ? 'handled' : 'queued');
    await target.handledCount(1);
    // NATS: the consumer reports the replay's outcome itself, through the dead-letter store.
    if (h.kind === 'nats') await dl.replayDone('dlq_01TESTTESTTEST');
    expect(target.handled).toEqual([event]);

    // The bystander saw nothing: a later event is the first it handles.
    const later = toCloudEvent(cancelled(ORDER, 2), 2);
    await bus.publish(later);
    await Promise.all([bystander.handledCount(1), target.handledCount(2)]);
    expect(bystander.handled).toEqual([later]);
  });

  onlyInProcess('a redelivery that fails again rejects with the attempts made, and records nothing itself', async () => {
    const dl = recordingSink();
    const bus = await h.bus({ deadLetters: dl.sink, maxAttempts: 2 });
    await collect(bus, 'broken', ['order.cancelled'], async () => {
      throw new Error('still broken');
    });
    const failure = bus.redeliver('broken', toCloudEvent(cancelled(ORDER), 1), 'dlq_01TESTTESTTEST');
    await expect(failure).rejects.toBeInstanceOf(RedeliveryFailed);
    await expect(failure).rejects.toMatchObject({ message: 'still broken', attempts: 2 });
    await expect(bus.redeliver('nobody', toCloudEvent(cancelled(ORDER), 1), 'dlq_01TESTTESTTEST')).rejects.toMatchObject({ attempts: 1 });
    expect(dl.failures).toEqual([]);
  });

  onlyOnNats('a redelivery that fails again is dead-lettered by the consumer, as a new failure of that consumer', async () => {
    const dl = recordingSink();
    const bus = await h.bus({ deadLetters: dl.sink, maxAttempts: 2 });
    const broken = await collect(bus, 'broken', ['order.cancelled'], async () => {
      throw new Error('still broken');
    });
    const event = toCloudEvent(cancelled(ORDER), 1);
    await bus.redeliver('broken', event, 'dlq_01TESTTESTTEST');
    await dl.failed(1);
    expect(dl.failures).toEqual([{ event, consumer: 'broken', reason: 'still broken', kind: 'consumer', attempts: 2 }]);
    expect(broken.calls).toHaveLength(2);
    expect(dl.replayed).toEqual([]);
  });

  it('a consumer handles one event at a time, even when events are published concurrently', async () => {
    const dl = recordingSink();
    const bus = await h.bus({ deadLetters: dl.sink });
    let active = 0;
    let most = 0;
    const serial = await collect(bus, 'serial', ['item.restocked'], async () => {
      most = Math.max(most, ++active);
      await new Promise((r) => setImmediate(r));
      active--;
    });
    const events = Array.from({ length: 6 }, (_, i) => toCloudEvent(restocked(i + 1), i + 1));
    await Promise.all(events.map((e) => bus.publish(e)));
    await serial.handledCount(6);
    expect(most).toBe(1);
  });

  it('unsubscribe stops delivery and waits for the running handler', async () => {
    const dl = recordingSink();
    const bus = await h.bus({ deadLetters: dl.sink });
    let release: () => void = () => {};
    let finished = false;
    let started: () => void = () => {};
    const running = new Promise<void>((r) => (started = r));
    const slow = await collect(bus, 'slow', ['item.restocked'], async () => {
      started();
      await new Promise<void>((r) => (release = r));
      finished = true;
    });
    const publishing = bus.publish(toCloudEvent(restocked(1), 1));
    await running;
    const unsubscribing = slow.subscription.unsubscribe();
    release();
    await unsubscribing;
    expect(finished).toBe(true);
    await publishing;

    await bus.publish(toCloudEvent(restocked(2), 2));
    const witness = await collect(bus, 'witness', ['item.restocked']);
    await bus.publish(toCloudEvent(restocked(3), 3));
    await witness.handledCount(h.kind === 'nats' ? 3 : 1);
    expect(slow.calls).toHaveLength(1);
  });

  onlyInProcess('closing rejects the deliveries still queued, so the relay keeps those events in the outbox', async () => {
    const bus = await h.bus({ deadLetters: recordingSink().sink });
    let release: () => void = () => {};
    let started: () => void = () => {};
    const running = new Promise<void>((r) => (started = r));
    await collect(bus, 'slow', ['item.restocked'], async () => {
      started();
      await new Promise<void>((r) => (release = r));
    });
    const first = bus.publish(toCloudEvent(restocked(1), 1));
    await running;
    const second = bus.publish(toCloudEvent(restocked(2), 2));
    const closing = bus.close();
    release();
    await first;
    await expect(second).rejects.toThrow('closed before the event was delivered');
    await closing;
  });

  onlyOnNats('a durable consumer gets what was published while it was away; a republished event id is stored once', async () => {
    const dl = recordingSink();
    const bus = await h.bus({ deadLetters: dl.sink });
    const first = await collect(bus, 'durable', ['item.restocked']);
    const a = toCloudEvent(restocked(1), 1);
    await bus.publish(a);
    await first.handledCount(1);
    await first.subscription.unsubscribe();

    const b = toCloudEvent(restocked(2), 2);
    await bus.publish(b);
    await bus.publish(b); // the relay after a crash: JetStream drops it by Nats-Msg-Id
    const again = await collect(bus, 'durable', ['item.restocked']);
    await again.handledCount(1);
    expect(again.handled).toEqual([b]);
    expect(await streamMessages(natsUrl(), `${h.namespace()}_INVENTORY`)).toBe(2);
  });

  onlyOnNats('uses the contract subjects under the namespace, one stream per domain', async () => {
    const bus = await h.bus({ deadLetters: recordingSink().sink });
    const { layout } = bus as NatsBus;
    const ns = h.namespace();
    expect(layout.subjectOf('order.created')).toBe(`${ns}.concord.orders.created`);
    expect(layout.streams.map((s) => [s.name, s.subjects])).toEqual([
      [`${ns}_ORDERS`, `${ns}.concord.orders.>`],
      [`${ns}_INVENTORY`, `${ns}.concord.inventory.>`],
      [`${ns}_RETURNS`, `${ns}.concord.returns.>`],
    ]);
  });
});

describe('CloudEvent fixtures', () => {
  it('are valid events of their types', () => {
    const events: CloudEvent[] = [toCloudEvent(restocked(1), 1), toCloudEvent(cancelled(ORDER), 1)];
    expect(events.map(eventProblems)).toEqual([undefined, undefined]);
  });
});

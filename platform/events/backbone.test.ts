import { Registry } from 'prom-client';
import type { Database } from '../db/database';
import { describeOnBothDatabases } from '../testing/databases';
import { describeWithService } from '../testing/services';
import { createEventBackbone } from './backbone';
import { handleOnce } from './consumer';
import { createDeadLetterReplayer } from './dead-letter-replay';
import type { DeadLetterReplayer } from './dead-letter-replay';
import { createDeadLetterStore } from './dead-letters';
import type { DeadLetterStore } from './dead-letters';
import { appendEvents } from './outbox';
import { createOutboxRelay } from './relay';
import type { OutboxRelay } from './relay';
import { describeOnBothBuses, silentLogger } from './testing/buses';
import { useEventDatabase } from './testing/database';
import { cancelled, invalidRestock, restocked } from './testing/fixtures';
import { dropNamespace, natsUrl, streamMessages, testNamespace } from './testing/nats';
import { collect, recordingSink } from './testing/recorders';
import type { CloudEvent, EventHandler, NewEvent, ReplayableBus } from './types';

const ORDER_A = 'ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3';
const ORDER_B = 'ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P4';

/** Outbox, relay, bus, idempotent consumers, dead letters and replay, together, on each bus and each database. */
describeOnBothBuses('event backbone', (h) => {
  describeOnBothDatabases('with the database', (open) => {
    const database = useEventDatabase(open);
    let db: Database;
    let store: DeadLetterStore;
    let dl: ReturnType<typeof recordingSink>;
    let bus: ReplayableBus;
    let relay: OutboxRelay;
    let replayer: DeadLetterReplayer;

    beforeEach(async () => {
      db = database();
      store = createDeadLetterStore(db);
      dl = recordingSink(store);
      bus = await h.bus({ deadLetters: dl.sink, maxAttempts: 3 });
      relay = createOutboxRelay({ db, bus, logger: silentLogger, deadLetters: store });
      replayer = createDeadLetterReplayer({ db, bus, deadLetters: store, logger: silentLogger, settleTimeoutMs: 20_000, settlePollMs: 10 });
    });

    const append = (events: readonly NewEvent[]) => db.transaction((tx) => appendEvents(tx, events));

    /** A consumer whose handler writes its effect through handleOnce: `effects` counts what really happened. */
    const idempotent = async (consumer: string, types: Parameters<typeof collect>[2], before?: EventHandler) => {
      const effects: string[] = [];
      const c = await collect(bus, consumer, types, (event) =>
        handleOnce(db, consumer, event, async () => {
          await before?.(event);
          effects.push(event.id);
        }).then(() => undefined),
      );
      return { ...c, effects };
    };

    it('append, relay, deliver: every event once, in outbox order, with its envelope and per-subject sequence', async () => {
      const view = await idempotent('orders-view', ['order.cancelled', 'item.restocked']);
      const appended = [
        ...(await append([cancelled(ORDER_A, 1), restocked(1), cancelled(ORDER_A, 2)])),
        ...(await append([cancelled(ORDER_B, 1), cancelled(ORDER_A, 3)])),
      ];
      expect(await relay.runOnce()).toEqual({ published: 5, deadLettered: 0 });

      await view.handledCount(5);
      // Per subject in outbox order; subjects of different domains (NATS streams) may interleave.
      const ofSubject = (list: CloudEvent[], subject: string) => list.filter((e) => e.subject === subject);
      for (const subject of [ORDER_A, ORDER_B, 'SKU-0001@S1']) expect(ofSubject(view.handled, subject)).toEqual(ofSubject(appended, subject));
      expect(ofSubject(view.handled, ORDER_A).map((e) => e.sequence)).toEqual([1, 2, 3]);
      expect(ofSubject(view.handled, ORDER_B).map((e) => e.sequence)).toEqual([1]);
      expect([...view.effects].sort()).toEqual(appended.map((e) => e.id).sort());
      expect(view.calls).toHaveLength(5);
    });

    it('an invalid event is dead-lettered with the reason and never reaches a consumer; replaying it fails again while it stays invalid', async () => {
      const stock = await collect(bus, 'stock', ['item.restocked']);
      const [first, invalid, last] = await append([restocked(1), invalidRestock(), restocked(2)]);
      expect(await relay.runOnce()).toEqual({ published: 2, deadLettered: 1 });
      await stock.handledCount(2);
      expect(stock.handled).toEqual([first, last]);

      const [letter] = (await store.list()).items;
      expect(letter).toMatchObject({ eventId: invalid?.id, consumer: null, reasonKind: 'validation', reason: expect.stringContaining('/data/quantity must be >= 1') });
      const replayed = await replayer.replay(letter?.id ?? '');
      expect(replayed).toMatchObject({ status: 'pending', attempts: 2 });
      if (h.kind === 'nats') expect(await streamMessages(natsUrl(), `${h.namespace()}_INVENTORY`)).toBe(2);
      expect(stock.calls.map((e) => e.id)).not.toContain(invalid?.id);
    });

    it('a consumer that keeps failing dead-letters the event under its name; a replay delivers the same id to it alone', async () => {
      let erpDown = true;
      const erp = await idempotent('erp-sync', ['order.cancelled'], async () => {
        if (erpDown) throw new Error('ERP answered 503');
      });
      const callcenter = await idempotent('callcenter', ['order.cancelled']);
      const [event] = await append([cancelled(ORDER_A)]);
      await relay.runOnce();

      await Promise.all([dl.failed(1), callcenter.handledCount(1)]);
      const [letter] = (await store.list({ status: 'pending' })).items;
      expect(letter).toMatchObject({ eventId: event?.id, consumer: 'erp-sync', reason: 'ERP answered 503', attempts: 3, reasonKind: 'consumer', payload: event });
      expect(erp.effects).toEqual([]);

      erpDown = false;
      const replayed = await replayer.replay(letter?.id ?? '');
      expect(replayed).toMatchObject({ id: letter?.id, status: 'replayed', replayedAt: expect.any(String), attempts: 3 });
      expect(erp.effects).toEqual([event?.id]);
      expect(erp.handled.map((e) => e.id)).toEqual([event?.id]);
      expect(callcenter.calls).toEqual([event]);

      // Replaying a replayed dead letter delivers nothing and returns it unchanged.
      expect(await replayer.replay(letter?.id ?? '')).toEqual(replayed);
      expect(erp.calls).toHaveLength(4);
    });

    it('handleOnce makes a redelivered event harmless: the handler runs again, the effect does not', async () => {
      const availability = await idempotent('availability', ['item.restocked']);
      const [event] = (await append([restocked(1)])) as [CloudEvent];
      await relay.runOnce();
      await availability.handledCount(1);

      await bus.redeliver('availability', event, 'dlq_01NOTAREALDEADLETTER0000');
      await availability.handledCount(2);
      expect(availability.handled.map((e) => e.id)).toEqual([event.id, event.id]);
      expect(availability.effects).toEqual([event.id]);
    });

    it('a replay that fails again adds its attempts and reason, and the dead letter stays pending', async () => {
      let reason = 'ERP answered 503';
      await idempotent('erp-sync', ['order.cancelled'], async () => {
        throw new Error(reason);
      });
      await append([cancelled(ORDER_A)]);
      await relay.runOnce();
      await dl.failed(1);
      const [letter] = (await store.list()).items;

      reason = 'ERP answered 429';
      const after = await replayer.replay(letter?.id ?? '');
      expect(after).toMatchObject({ id: letter?.id, status: 'pending', attempts: 6, reason: 'ERP answered 429', firstFailedAt: letter?.firstFailedAt });
      expect((await store.list()).items).toHaveLength(1);
    });

    it('replayAll replays the matching pending dead letters and reports them; a second run finds none', async () => {
      let down = true;
      const erp = await idempotent('erp-sync', ['order.cancelled'], async () => {
        if (down) throw new Error('down');
      });
      await append([cancelled(ORDER_A), cancelled(ORDER_B)]);
      await relay.runOnce();
      await dl.failed(2);

      down = false;
      expect(await replayer.replayAll({ consumer: 'erp-sync' })).toEqual({ matched: 2, replayed: 2, failed: 0 });
      expect(erp.effects).toHaveLength(2);
      expect(await replayer.replayAll()).toEqual({ matched: 0, replayed: 0, failed: 0 });
    });
  });
});

describeOnBothDatabases('createEventBackbone (embedded default)', (open) => {
  const database = useEventDatabase(open);

  it('wires the in-process bus, relay, dead letters and metrics into the registry given', async () => {
    const db = database();
    const registry = new Registry();
    const backbone = await createEventBackbone({ db, logger: silentLogger, registry });
    try {
      expect(backbone.bus.kind).toBe('in-process');
      const seen = await collect(backbone.bus, 'availability', ['item.restocked']);
      const [event] = await db.transaction((tx) => appendEvents(tx, [restocked(1), invalidRestock()]));
      expect(await backbone.relay.runOnce()).toEqual({ published: 1, deadLettered: 1 });
      expect(seen.handled).toEqual([event]);
      const text = await registry.metrics();
      expect(text).toContain('concord_events_published_total{type="item.restocked"} 1');
      expect(text).toContain('concord_events_dead_lettered_total{type="item.restocked",reason_kind="validation"} 1');
      expect(text).toContain('concord_outbox_backlog 0');
      expect(text).toContain('concord_dead_letters_pending 1');
      const list = await backbone.handlers.listDeadLetters({ params: {}, query: {}, headers: {}, body: undefined }, { correlationId: 'c', scopes: ['admin'] });
      expect(list.status === 200 && list.body.items.map((d) => d.consumer)).toEqual(['outbox-relay']);
      await db.query(`UPDATE events.dead_letters SET status = 'replayed'`);
      expect(await registry.metrics()).toContain('concord_dead_letters_pending 0');
    } finally {
      await backbone.close();
    }
  });

  describeWithService('nats', 'with NATS_URL', () => {
    const namespace = testNamespace();
    afterAll(() => dropNamespace(natsUrl(), namespace));

    it('uses JetStream under the namespace given', async () => {
      const db = database();
      const backbone = await createEventBackbone({ db, logger: silentLogger, natsUrl: natsUrl(), natsNamespace: namespace });
      try {
        expect(backbone.bus.kind).toBe('nats');
        const seen = await collect(backbone.bus, 'availability', ['item.restocked']);
        const [event] = await db.transaction((tx) => appendEvents(tx, [restocked(1)]));
        expect(await backbone.relay.runOnce()).toEqual({ published: 1, deadLettered: 0 });
        await seen.handledCount(1);
        expect(seen.handled).toEqual([event]);
        expect(await streamMessages(natsUrl(), `${namespace}_INVENTORY`)).toBe(1);
      } finally {
        await backbone.close();
      }
    });
  });
});

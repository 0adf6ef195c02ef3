import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Database } from '../db/database';
import { migrate } from '../db/migrate';
import { openPglite } from '../db/pglite';
import { openPostgres } from '../db/postgres';
import { describeOnBothDatabases } from '../testing/databases';
import { createTempDatabase, describeWithService } from '../testing/services';
import { REPO_ROOT, makeTempDir } from '../testing/temp-dir';
import { handleOnce } from './consumer';
import { createDeadLetterStore } from './dead-letters';
import { createInProcessBus } from './in-process-bus';
import { createNatsBus } from './nats-bus';
import type { NatsBus } from './nats-bus';
import { appendEvents, backlogSize, eventMigrations, readBacklog } from './outbox';
import { createOutboxRelay } from './relay';
import { silentLogger } from './testing/buses';
import { useEventDatabase } from './testing/database';
import { cancelled } from './testing/fixtures';
import { dropNamespace, natsUrl, streamMessages, testNamespace } from './testing/nats';
import { collect, recordingSink } from './testing/recorders';
import type { CloudEvent, EventBus, NewEvent } from './types';

/** Events in the outbox, one batch; the relay dies right after publishing number K. */
const N = 20;
const K = 7;
const ORDERS = ['ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3', 'ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P4', 'ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P5'];
const batch = (): NewEvent[] => Array.from({ length: N }, (_, i) => cancelled(ORDERS[i % ORDERS.length] ?? '', i + 1));
const CRASH_RELAY = join(__dirname, 'testing', 'crash-relay.ts');

// The relay child starts through tsx (seconds on this machine, more when it is busy).
jest.setTimeout(120_000);

/** Runs the relay child until it pauses after publish K, kills it there with SIGKILL, and returns the event it paused on. */
async function killRelayMidBatch(env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', CRASH_RELAY], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, 'exit');
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      const paused = /^paused (\S+)$/.exec(line);
      if (paused?.[1]) return paused[1];
      throw new Error(`relay child said '${line}'`);
    }
    throw new Error(`relay child ended without pausing: ${stderr}`);
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

interface Variant {
  /** What the relay child opens. */
  target: string;
  openRelayDb(): Promise<Database>;
  /** The consumer's own database: PGlite cannot be shared with the child, PostgreSQL can. */
  openConsumerDb(): Promise<Database>;
  cleanup(): Promise<void>;
}

function describeOnBothDatabasesForChild(name: string, suite: (variant: () => Variant) => void): void {
  const variants: Array<[string, (fn: () => void) => void, () => Promise<Variant>]> = [
    [
      'PGlite',
      (fn) => describe(`${name} on PGlite`, fn),
      async () => {
        const [relayDir, consumerDir] = await Promise.all([makeTempDir(), makeTempDir()]);
        const dir = join(relayDir.path, 'pgdata');
        return {
          target: `pglite:${dir}`,
          openRelayDb: () => openPglite(dir),
          openConsumerDb: () => openPglite(consumerDir.path),
          cleanup: async () => void (await Promise.all([relayDir.remove(), consumerDir.remove()])),
        };
      },
    ],
    [
      'PostgreSQL',
      (fn) => describeWithService('postgres', `${name} on PostgreSQL`, fn),
      async () => {
        const tmp = await createTempDatabase();
        return { target: `postgres:${tmp.url}`, openRelayDb: () => openPostgres(tmp.url), openConsumerDb: () => openPostgres(tmp.url), cleanup: tmp.drop };
      },
    ],
  ];
  for (const [, describeIt, make] of variants) {
    describeIt(() => {
      let variant: Variant | undefined;
      beforeEach(async () => {
        variant = await make();
      });
      afterEach(async () => {
        await variant?.cleanup();
      });
      suite(() => {
        if (!variant) throw new Error('no database yet');
        return variant;
      });
    });
  }
}

describeWithService('nats', 'relay killed mid-batch (SIGKILL), NATS JetStream', () => {
  describeOnBothDatabasesForChild('outbox', (variant) => {
    const namespace = testNamespace();
    const closing: Array<() => Promise<unknown>> = [];
    afterEach(async () => {
      for (const close of closing.splice(0).reverse()) await close();
      await dropNamespace(natsUrl(), namespace);
    });

    it('loses nothing and delivers every event to the consumer exactly once after a restart', async () => {
      const v = variant();
      let relayDb = await v.openRelayDb();
      await migrate(relayDb, eventMigrations);
      const appended = await relayDb.transaction((tx) => appendEvents(tx, batch()));
      // The child needs the PGlite data dir to itself.
      await relayDb.close();

      const consumerDb = await v.openConsumerDb();
      closing.push(() => consumerDb.close());
      await migrate(consumerDb, eventMigrations);
      const sink = recordingSink(createDeadLetterStore(consumerDb));
      const consumerBus: NatsBus = await createNatsBus({ url: natsUrl(), namespace, logger: silentLogger, deadLetters: sink.sink });
      closing.push(() => consumerBus.close());
      const effects: string[] = [];
      const witness = await collect(consumerBus, 'crash-witness', ['order.cancelled'], (e) =>
        handleOnce(consumerDb, 'crash-witness', e, async () => void effects.push(e.id)).then(() => undefined),
      );

      const pausedOn = await killRelayMidBatch({ CRASH_DATABASE: v.target, CRASH_NATS_URL: natsUrl(), CRASH_NAMESPACE: namespace, CRASH_PAUSE_AFTER: String(K) });
      expect(pausedOn).toBe(appended[K - 1]?.id);

      // Mid-batch: K events are in the stream, but only K-1 are marked; the K-th is the first still due.
      relayDb = await v.openRelayDb();
      closing.push(() => relayDb.close());
      expect(await backlogSize(relayDb)).toBe(N - K + 1);
      expect((await readBacklog(relayDb, 1))[0]?.event.id).toBe(pausedOn);

      const restartBus = await createNatsBus({ url: natsUrl(), namespace, logger: silentLogger, deadLetters: sink.sink });
      closing.push(() => restartBus.close());
      // A restarted relay process: its loop retries until the dead one's PostgreSQL session (and lock) is gone.
      const relay = createOutboxRelay({ db: relayDb, bus: restartBus, logger: silentLogger, pollIntervalMs: 20 });
      relay.start();
      closing.push(() => relay.stop());
      await witness.handledCount(N);
      await relay.stop();

      expect(effects).toEqual(appended.map((e) => e.id));
      // JetStream dropped the K-th event's second publish (same Nats-Msg-Id): the consumer was not even called twice.
      expect(witness.calls.map((e) => e.id)).toEqual(appended.map((e) => e.id));
      expect(await streamMessages(natsUrl(), `${namespace}_ORDERS`)).toBe(N);
      expect(await backlogSize(relayDb)).toBe(0);
      expect(sink.failures).toEqual([]);
    });
  });
});

/**
 * The in-process twin. The consumer lives in the relay's process here, so killing the process would kill the
 * consumer too and prove nothing. Instead the bus stops the relay the way a crash would: right after event K was
 * delivered and before the relay could mark it published, it throws, which ends the batch with exactly the database
 * state a SIGKILL at that point leaves. A new relay then takes over, as a restarted process would.
 */
describeOnBothDatabases('relay stopped mid-batch, in-process bus', (open) => {
  const database = useEventDatabase(open);

  it('loses nothing; the redelivered event is deduped by the consumer, so every effect happens exactly once', async () => {
    const db = database();
    const store = createDeadLetterStore(db);
    const bus = createInProcessBus({ logger: silentLogger, deadLetters: store, maxAttempts: 1 });
    const effects: string[] = [];
    const witness = await collect(bus, 'crash-witness', ['order.cancelled'], (e) =>
      handleOnce(db, 'crash-witness', e, async () => void effects.push(e.id)).then(() => undefined),
    );
    const appended = await db.transaction((tx) => appendEvents(tx, batch()));

    let delivered = 0;
    const dying: EventBus = {
      ...bus,
      async publish(event: CloudEvent) {
        await bus.publish(event);
        if (++delivered === K) throw new Error('simulated crash after delivery, before the relay marked it published');
      },
    };
    await expect(createOutboxRelay({ db, bus: dying, logger: silentLogger }).runOnce()).rejects.toThrow('simulated crash');
    expect(await backlogSize(db)).toBe(N - K + 1);

    expect(await createOutboxRelay({ db, bus, logger: silentLogger }).runOnce()).toEqual({ published: N - K + 1, deadLettered: 0 });

    const ids = appended.map((e) => e.id);
    expect(effects).toEqual(ids);
    // Event K reached the consumer twice (the outbox is at least once); handleOnce kept its effect to one.
    expect(witness.calls.map((e) => e.id)).toEqual([...ids.slice(0, K), ...ids.slice(K - 1)]);
    await bus.close();
  });
});

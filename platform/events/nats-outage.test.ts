import { setTimeout as sleep } from 'node:timers/promises';
import { migrate } from '../db/migrate';
import { openPglite } from '../db/pglite';
import type { Database } from '../db/database';
import { freePort, ownNatsServer } from '../testing/own-server';
import type { OwnServer } from '../testing/own-server';
import { makeTempDir } from '../testing/temp-dir';
import { createEventBackbone } from './backbone';
import type { EventBackbone } from './backbone';
import { eventMigrations } from './migrations';
import { appendEvents, backlogSize } from './outbox';
import { silentLogger } from './testing/buses';
import { restocked } from './testing/fixtures';
import type { NewEvent } from './types';

/** Polls `probe` until it holds; the deadline is a hang guard, not a speed check. */
async function until(what: string, probe: () => Promise<boolean> | boolean, deadlineMs: number): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/**
 * Issue 18, point 4: NATS stopped for longer than nats.js's default reconnect budget (10 attempts, ~20 s) used to
 * close the connection for good, and the outbox backlog never drained. This test runs its own nats-server so that
 * it can stop it; the shared one is never touched.
 */
describe('event backbone across a NATS outage of 35 s (own nats-server)', () => {
  let nats: OwnServer;
  let db: Database;
  let backbone: EventBackbone | undefined;
  const dirs: Array<{ remove(): Promise<void> }> = [];

  beforeAll(async () => {
    const store = await makeTempDir('concord-nats-');
    const data = await makeTempDir();
    dirs.push(store, data);
    nats = ownNatsServer(await freePort(), store.path);
    await nats.start();
    db = await openPglite(data.path);
    await migrate(db, eventMigrations);
  });
  afterAll(async () => {
    await backbone?.close();
    await db?.close();
    await nats?.stop();
    for (const d of dirs) await d.remove();
  });

  const append = async (events: readonly NewEvent[]) => {
    await db.transaction((tx) => appendEvents(tx, events));
    backbone!.relay.wake();
  };

  it('reconnects, reports NATS degraded meanwhile, and drains the backlog once NATS is back', async () => {
    backbone = await createEventBackbone({ db, logger: silentLogger, natsUrl: nats.url, natsNamespace: 'outage' });
    const received = new Set<string>();
    await backbone.bus.subscribe('outage-check', ['item.restocked'], async (e) => void received.add(e.id));
    backbone.relay.start();

    await append([restocked(1), restocked(2)]);
    await until('the first events to arrive', () => received.size === 2, 30_000);
    expect(backbone.busStatus?.()).toBe('ok');

    await nats.stop();
    await append([restocked(3), restocked(4), restocked(5)]);
    await sleep(35_000);
    expect(backbone.busStatus?.()).toBe('degraded');
    expect(await backlogSize(db)).toBe(3);

    await nats.start();
    // "Within seconds": the reconnect backoff is capped at 2 s, and reconnecting wakes the relay.
    await until('the backlog to drain', async () => (await backlogSize(db)) === 0, 15_000);
    await until('the consumer to receive the backlog', () => received.size === 5, 30_000);
    expect(backbone.busStatus?.()).toBe('ok');
  }, 150_000);
});

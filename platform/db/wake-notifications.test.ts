import { setTimeout as sleep } from 'node:timers/promises';
import { availabilityMigrations, inventoryMigrations } from '../../process-apis/availability/migrations';
import { orderMigrations } from '../../process-apis/orders';
import { referenceDataMigrations } from '../../process-apis/reference-data/migrations';
import { returnMigrations } from '../../process-apis/returns';
import { eventMigrations } from '../events/migrations';
import { appendEvents } from '../events/outbox';
import { createOutboxRelay } from '../events/relay';
import { silentLogger } from '../events/testing/buses';
import { fakeBus } from '../events/testing/fake-bus';
import { restocked } from '../events/testing/fixtures';
import { createTempDatabase, describeWithService } from '../testing/services';
import type { Database } from './database';
import { migrate } from './migrate';
import { platformMigrations } from './migrations';
import { openPostgres } from './postgres';
import { WAKE_CHANNELS, listenForWork, wakeNotificationMigrations } from './wake-notifications';

describeWithService('postgres', 'work notifications on PostgreSQL', () => {
  let drop: () => Promise<void>;
  let db: Database;
  let other: Database;
  beforeAll(async () => {
    const tmp = await createTempDatabase();
    drop = tmp.drop;
    db = await openPostgres(tmp.url);
    other = await openPostgres(tmp.url);
    await migrate(db, [
      ...platformMigrations,
      ...eventMigrations,
      ...referenceDataMigrations,
      ...inventoryMigrations,
      ...availabilityMigrations,
      ...orderMigrations,
      ...returnMigrations,
      ...wakeNotificationMigrations,
    ]);
  });
  afterAll(async () => {
    await other?.close();
    await db?.close();
    await drop?.();
  });

  it('an event appended by another instance wakes an idle relay at once, not at its next poll', async () => {
    const fake = fakeBus();
    // Polls once at start, then not for an hour: only the NOTIFY can make it publish within this test.
    const relay = createOutboxRelay({ db, bus: fake.bus, logger: silentLogger, pollIntervalMs: 3_600_000 });
    const session = await listenForWork(db, { [WAKE_CHANNELS.outbox]: () => relay.wake() });
    try {
      relay.start();
      await sleep(200);
      await other.transaction((tx) => appendEvents(tx, [restocked(1)]));
      const deadline = Date.now() + 30_000;
      while (fake.accepted.length === 0 && Date.now() < deadline) await sleep(50);
      expect(fake.accepted).toHaveLength(1);
    } finally {
      await relay.stop();
      await session?.close();
    }
  });
});

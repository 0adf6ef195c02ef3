/**
 * A relay process for the crash test (relay-crash.test.ts), run as `node -r tsx/cjs crash-relay.ts`.
 *
 * It relays the outbox of CRASH_DATABASE (`pglite:<dir>` or `postgres:<url>`) to NATS (CRASH_NATS_URL, namespace
 * CRASH_NAMESPACE), but its bus stops dead right after JetStream acknowledged publish number CRASH_PAUSE_AFTER:
 * it prints `paused <eventId>` and never returns, so the relay never marks that event published. The test kills
 * the process there, which puts the kill mid-batch at a known event without any timing.
 */
import pino from 'pino';
import { openPglite } from '../../db/pglite';
import { openPostgres } from '../../db/postgres';
import { createDeadLetterStore } from '../dead-letters';
import { createNatsBus } from '../nats-bus';
import { createOutboxRelay } from '../relay';
import type { EventBus } from '../types';

async function main(): Promise<void> {
  const target = process.env.CRASH_DATABASE ?? '';
  const pauseAfter = Number(process.env.CRASH_PAUSE_AFTER);
  const db = target.startsWith('pglite:') ? await openPglite(target.slice('pglite:'.length)) : await openPostgres(target.slice('postgres:'.length));
  const logger = pino({ level: 'silent' });
  const deadLetters = createDeadLetterStore(db);
  const nats = await createNatsBus({ url: process.env.CRASH_NATS_URL ?? '', namespace: process.env.CRASH_NAMESPACE ?? '', logger, deadLetters });

  let published = 0;
  const pausing: EventBus = {
    ...nats,
    async publish(event) {
      await nats.publish(event);
      if (++published === pauseAfter) {
        process.stdout.write(`paused ${event.id}\n`);
        await new Promise<never>(() => {});
      }
    },
  };
  await createOutboxRelay({ db, bus: pausing, logger }).runOnce();
  process.stdout.write('finished without pausing\n');
  process.exit(1);
}

main().catch((err: unknown) => {
  process.stderr.write(`crash-relay failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(2);
});

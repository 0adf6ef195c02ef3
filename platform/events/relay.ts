import { IDLE_BACKOFF_MAX_MS } from '../background-loop';
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import { createDeadLetterStore } from './dead-letters';
import type { DeadLetterStore } from './dead-letters';
import type { EventMetrics } from './metrics';
import { backlogSize, markDeadLettered, markPublished, readBacklog } from './outbox';
import { withRelayLock } from './relay-lock';
import type { CloudEvent, EventBus } from './types';
import { eventProblems } from './validate';

const MAX_BACKOFF_MS = 30_000;

export interface OutboxRelayOptions {
  db: Database;
  bus: EventBus;
  logger: Logger;
  metrics?: EventMetrics;
  /** Where refused events go; by default a store over `db`. */
  deadLetters?: DeadLetterStore;
  /** Events read per run. Default 100. */
  batchSize?: number;
  /**
   * Pause between runs when the backlog is empty and nobody called wake(). Default 1000 ms, doubling while runs
   * find nothing up to 5 s (producers wake the relay, in process or through a NOTIFY); a given value stays fixed.
   */
  pollIntervalMs?: number;
}

export interface RelayRunResult {
  published: number;
  deadLettered: number;
}

export interface OutboxRelay {
  /** One batch: publishes what is due in outbox order. Nothing (zeros) when another relay holds the lock. */
  runOnce(): Promise<RelayRunResult>;
  /** Runs batches until stop(): again at once while batches come back full or wake() was called, else every poll interval. */
  start(): void;
  /** Lets the running batch finish, then stops the loop. */
  stop(): Promise<void>;
  /** Producers call this after their transaction committed, so their events go out now rather than at the next poll. */
  wake(): void;
  /**
   * The bus is reachable again (NATS reconnected): the next run starts at once, even if the run in progress when
   * it came back still fails (a publish sent during the outage timing out), instead of after the failure backoff.
   */
  resume(): void;
}

/**
 * Moves events from the outbox to the bus. Each event is validated against its contract first: an invalid one is
 * dead-lettered (with the validator's errors as the reason) and taken out of the backlog, never published and never
 * dropped. A valid one is published, and marked published only once the bus accepted it; a crash before that mark
 * means it is published again by the next relay, which JetStream drops by `Nats-Msg-Id` and consumers dedupe by id.
 *
 * Events go out one at a time in outbox order, so per-subject order holds. A bus failure ends the batch at that
 * event, leaving it and everything after it for the next run. Only one relay runs at a time per database (see
 * relay-lock.ts).
 */
export function createOutboxRelay(opts: OutboxRelayOptions): OutboxRelay {
  const { db, bus, logger, metrics } = opts;
  const deadLetters = opts.deadLetters ?? createDeadLetterStore(db, metrics ? { metrics } : {});
  const batchSize = opts.batchSize ?? 100;
  const pollIntervalMs = opts.pollIntervalMs ?? 1000;
  const maxIdleMs = opts.pollIntervalMs ?? IDLE_BACKOFF_MAX_MS;

  const refuse = async (event: CloudEvent, reason: string) => {
    logger.error({ eventId: event.id, type: event.type, subject: event.subject, reason }, 'invalid event dead-lettered instead of published');
    await db.transaction(async (tx) => {
      await deadLetters.record({ event, consumer: null, reason, kind: 'validation', attempts: 1 }, tx);
      await markDeadLettered(tx, event.id);
    });
  };

  const publish = async (event: CloudEvent) => {
    await bus.publish(event);
    // Without waiting for the disk: a mark lost in a database crash only means the event is published again,
    // which JetStream and the consumers already dedupe (see above).
    await markPublished(db.asyncCommit, event.id);
    metrics?.published.inc({ type: event.type });
    const appendedAt = Date.parse(event.time);
    if (metrics && !Number.isNaN(appendedAt)) metrics.publishLatency.observe({ type: event.type }, Math.max(0, Date.now() - appendedAt) / 1000);
  };

  const batch = async (): Promise<RelayRunResult & { full: boolean }> => {
    let drained = false;
    try {
      const ran = await withRelayLock(db, async () => {
        const result = { published: 0, deadLettered: 0, full: false };
        const entries = await readBacklog(db, batchSize);
        result.full = entries.length === batchSize;
        for (const { event } of entries) {
          const problems = eventProblems(event);
          if (problems) {
            await refuse(event, problems);
            result.deadLettered++;
          } else {
            await publish(event);
            result.published++;
          }
        }
        drained = !result.full;
        return result;
      });
      return ran ?? { published: 0, deadLettered: 0, full: false };
    } finally {
      // Every relay reports it, the standby ones too, so each instance's /metrics shows the backlog. A run that
      // took everything due has just emptied it (what was appended meanwhile wakes the next run): no count needed,
      // which under load saves a query per run.
      const backlog = !metrics ? undefined : drained ? 0 : await backlogSize(db).catch(() => undefined);
      if (backlog !== undefined) metrics?.backlog.set(backlog);
    }
  };

  // One batch at a time per relay, whether the loop or a caller of runOnce started it.
  let serial: Promise<unknown> = Promise.resolve();
  const runSerially = () => {
    const run = serial.then(batch, batch);
    serial = run.catch(() => {});
    return run;
  };

  let loop: Promise<void> | undefined;
  let stopping = false;
  let woken = false;
  let resumed = false;
  let idleMs = pollIntervalMs;
  let wakeUp: (() => void) | undefined;

  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });

  const run = async () => {
    let failures = 0;
    while (!stopping) {
      woken = false;
      let again = false;
      try {
        const result = await runSerially();
        again = result.full;
        if (result.published + result.deadLettered > 0) idleMs = pollIntervalMs;
        failures = 0;
      } catch (err) {
        failures++;
        logger.error({ err, failures }, 'outbox relay run failed; retrying');
      }
      if (stopping) break;
      if (resumed) {
        resumed = false;
        failures = 0;
        continue;
      }
      // While the bus or the database is down, back off (up to 30 s) instead of failing every poll interval.
      if (failures > 0) await idle(Math.min(MAX_BACKOFF_MS, pollIntervalMs * 2 ** (failures - 1)));
      else if (!again && !woken) {
        await idle(idleMs);
        idleMs = Math.min(maxIdleMs, idleMs * 2);
      }
    }
  };

  return {
    runOnce: async () => {
      const { published, deadLettered } = await runSerially();
      return { published, deadLettered };
    },
    start() {
      if (loop) return;
      stopping = false;
      loop = run();
    },
    async stop() {
      stopping = true;
      wakeUp?.();
      await loop;
      await serial;
      loop = undefined;
    },
    wake() {
      woken = true;
      idleMs = pollIntervalMs;
      wakeUp?.();
    },
    resume() {
      resumed = true;
      wakeUp?.();
    },
  };
}

import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import type { DeadLetter, DeadLetterFilter, DeadLetterStore } from './dead-letters';
import { markPublished } from './outbox';
import { RedeliveryFailed, isReplayableBus, reasonOf } from './redelivery';
import type { EventBus } from './types';
import { eventProblems } from './validate';

export interface DeadLetterReplayOptions {
  db: Database;
  bus: EventBus;
  deadLetters: DeadLetterStore;
  logger: Logger;
  /** How long a replay waits for a consumer elsewhere (NATS) to report how it went. Default 5 s. */
  settleTimeoutMs?: number;
  /** How often it looks meanwhile. Default 50 ms. */
  settlePollMs?: number;
}

export interface ReplayAllResult {
  matched: number;
  replayed: number;
  failed: number;
}

export interface DeadLetterReplayer {
  /**
   * Delivers the dead letter's event again, same id and payload. A consumer's dead letter goes to that consumer only;
   * one refused at publish is validated again and, if it now passes, published to everyone. Success makes it
   * `replayed`; another failure adds the attempts and the reason and leaves it `pending`. A dead letter already
   * replayed is returned unchanged, and undefined means there is none with this id.
   */
  replay(id: string): Promise<DeadLetter | undefined>;
  /** Replays the pending dead letters matching `filter`, oldest first, up to `limit` (default 1000). */
  replayAll(filter?: Omit<DeadLetterFilter, 'status'>, limit?: number): Promise<ReplayAllResult>;
}

type Dispatched = { settled: DeadLetter } | { queued: DeadLetter };

export function createDeadLetterReplayer(opts: DeadLetterReplayOptions): DeadLetterReplayer {
  const { db, bus, deadLetters, logger } = opts;
  const settleTimeoutMs = opts.settleTimeoutMs ?? 5000;
  const settlePollMs = opts.settlePollMs ?? 50;

  const failedAgain = async (dl: DeadLetter, reason: string, attempts: number): Promise<Dispatched> => {
    logger.warn({ deadLetterId: dl.id, eventId: dl.eventId, consumer: dl.consumer, reason }, 'dead letter replay failed');
    const kind = dl.consumer === null ? 'validation' : 'consumer';
    return { settled: await deadLetters.record({ event: dl.payload, consumer: dl.consumer, reason, kind, attempts }) };
  };

  const replayed = async (dl: DeadLetter): Promise<Dispatched> => {
    logger.info({ deadLetterId: dl.id, eventId: dl.eventId, consumer: dl.consumer }, 'dead letter replayed');
    return { settled: (await deadLetters.markReplayed(dl.id)) ?? dl };
  };

  /** Refused at publish: publishable only if the event passes its (possibly corrected) contract now. */
  const republish = async (dl: DeadLetter): Promise<Dispatched> => {
    const problems = eventProblems(dl.payload);
    if (problems) return failedAgain(dl, problems, 1);
    try {
      await bus.publish(dl.payload);
    } catch (err) {
      return failedAgain(dl, `publishing failed: ${reasonOf(err)}`, 1);
    }
    await markPublished(db, dl.eventId);
    return replayed(dl);
  };

  const redeliver = async (dl: DeadLetter, consumer: string): Promise<Dispatched> => {
    if (!isReplayableBus(bus)) {
      // Everyone gets it again; the consumers that handled it before skip it by its id.
      await bus.publish(dl.payload);
      return replayed(dl);
    }
    try {
      const outcome = await bus.redeliver(consumer, dl.payload, dl.id);
      return outcome === 'handled' ? replayed(dl) : { queued: dl };
    } catch (err) {
      if (err instanceof RedeliveryFailed) return failedAgain(dl, err.message, err.attempts);
      return failedAgain(dl, reasonOf(err), 1);
    }
  };

  const dispatch = (dl: DeadLetter): Promise<Dispatched> => (dl.consumer === null ? republish(dl) : redeliver(dl, dl.consumer));

  /**
   * A queued redelivery is settled by the consumer, possibly in another process, through the shared dead-letter
   * table: replayed on success, more attempts on failure. Watching that table is the only signal there is; when
   * the consumer does not answer in time the dead letter is returned as it stands (still pending) and settles later.
   */
  const settle = async (queued: readonly DeadLetter[]): Promise<DeadLetter[]> => {
    const current = new Map(queued.map((dl) => [dl.id, dl]));
    const open = new Set(current.keys());
    const deadline = Date.now() + settleTimeoutMs;
    while (open.size > 0) {
      for (const id of [...open]) {
        const before = queued.find((q) => q.id === id);
        const now = await deadLetters.get(id);
        if (!now || !before) {
          open.delete(id);
          continue;
        }
        current.set(id, now);
        if (now.status === 'replayed' || now.attempts !== before.attempts) open.delete(id);
      }
      if (open.size === 0 || Date.now() >= deadline) break;
      await sleep(settlePollMs);
    }
    return [...current.values()];
  };

  return {
    async replay(id) {
      const dl = await deadLetters.get(id);
      if (!dl || dl.status === 'replayed') return dl;
      const dispatched = await dispatch(dl);
      if ('settled' in dispatched) return dispatched.settled;
      const [settled] = await settle([dispatched.queued]);
      return settled;
    },

    async replayAll(filter = {}, limit = 1000) {
      const pending = await deadLetters.pending(filter, limit);
      const settled: DeadLetter[] = [];
      const queued: DeadLetter[] = [];
      for (const dl of pending) {
        const d = await dispatch(dl);
        if ('settled' in d) settled.push(d.settled);
        else queued.push(d.queued);
      }
      settled.push(...(await settle(queued)));
      const ok = settled.filter((dl) => dl.status === 'replayed').length;
      return { matched: pending.length, replayed: ok, failed: pending.length - ok };
    },
  };
}

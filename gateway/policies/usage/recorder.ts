import type { Queryable } from '../../../platform/db/database';
import { createBackgroundLoop } from '../../../platform/background-loop';
import { DEFAULT_FLUSH_INTERVAL_MS, DEFAULT_MAX_KEYS } from './config';
import type { UsageCounts, UsageDay } from './store';
import { addUsage } from './store';

/** Counts answered requests per app and UTC day in memory and writes them to the database in the background. */
export interface UsageRecorder {
  /** Counts one answered request of `clientId`. No I/O: a Map increment. */
  record(clientId: string, status: number): void;
  /**
   * Writes everything recorded before the call. Rejects when the write fails; the counts are then kept for the
   * next flush (nothing is lost, nothing counted twice).
   */
  flush(): Promise<void>;
  /** Starts the background flush loop. */
  start(): void;
  /** Stops the loop (waiting for a running flush), then flushes what is left; a failure goes to `onError`. */
  stop(): Promise<void>;
}

export interface UsageRecorderOptions {
  db: Queryable;
  flushIntervalMs?: number;
  maxKeys?: number;
  /** The clock, in ms since the epoch; tests move it across midnight. */
  now?: () => number;
  /** A background or final flush failed (the counts were kept). */
  onError?: (err: unknown) => void;
  /**
   * Requests were discarded because the map was full while the database could not take them: the number since
   * the last report, reported after each flush (so at most once per flush interval, not once per request).
   */
  onDropped?: (requests: number) => void;
}

/** For tests and diagnostics. */
export interface UsageRecorderStats {
  /** (day, app) counters waiting for the next flush. */
  pendingKeys: number;
  /** Requests discarded so far because the map was full while a flush was still running or had failed. */
  droppedRequests: number;
}

const DAY_MS = 86_400_000;
const SEP = '\u0000';

/** The UTC day of `ms`, `YYYY-MM-DD`. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The day of a timestamp, computed once per day: between midnights it is two comparisons. Recomputed when the
 * clock reaches the next UTC midnight (or goes back before the cached day, if the system clock is set back).
 */
function dayCache(): (ms: number) => string {
  let start = 0;
  let end = -1;
  let day = '';
  return (ms) => {
    if (ms >= end || ms < start) {
      start = ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
      end = start + DAY_MS;
      day = utcDay(start);
    }
    return day;
  };
}

const zero = (): UsageCounts => ({ requests: 0, errors: 0, throttled: 0 });

function add(into: UsageCounts, from: UsageCounts): void {
  into.requests += from.requests;
  into.errors += from.errors;
  into.throttled += from.throttled;
}

/**
 * The usage recorder. Counters live in a Map keyed `${day}\u0000${clientId}`; a flush swaps the Map for an empty
 * one before writing, so requests keep counting into the new one while the write runs, and merges the batch back
 * if the write fails. Flushes never overlap. When the Map holds `maxKeys` counters, a new key flushes at once
 * instead of growing it; only if a flush is already running (the database is slow or down) is the new key's
 * request discarded and reported through `onDropped`, so memory stays bounded at about twice `maxKeys`.
 */
export function createUsageRecorder(opts: UsageRecorderOptions): UsageRecorder & { stats(): UsageRecorderStats } {
  const maxKeys = opts.maxKeys ?? DEFAULT_MAX_KEYS;
  const now = opts.now ?? Date.now;
  const onError = opts.onError ?? (() => {});
  const dayOf = dayCache();
  let pending = new Map<string, UsageCounts>();
  let inFlight: Promise<void> | undefined;
  let droppedRequests = 0;
  let unreported = 0;

  const drop = (requests: number) => {
    droppedRequests += requests;
    unreported += requests;
  };
  const reportDrops = () => {
    if (unreported === 0) return;
    const n = unreported;
    unreported = 0;
    opts.onDropped?.(n);
  };

  /** Puts a failed batch back, adding to what was counted meanwhile; beyond `maxKeys`, discards. */
  const mergeBack = (batch: Map<string, UsageCounts>) => {
    for (const [key, counts] of batch) {
      const live = pending.get(key);
      if (live) add(live, counts);
      else if (pending.size < maxKeys) pending.set(key, counts);
      else drop(counts.requests);
    }
  };

  /** Swaps the pending counters out synchronously (when nothing is in flight) and writes them. */
  const writeBatch = (): Promise<void> => {
    const batch = pending;
    pending = new Map();
    const rows: UsageDay[] = [];
    for (const [key, counts] of batch) rows.push({ day: key.slice(0, key.indexOf(SEP)), clientId: key.slice(key.indexOf(SEP) + 1), ...counts });
    const write = (async () => {
      try {
        await addUsage(opts.db, rows);
      } catch (err) {
        mergeBack(batch);
        throw err;
      } finally {
        inFlight = undefined;
      }
    })();
    inFlight = write;
    return write;
  };

  const flush = async (): Promise<void> => {
    try {
      // One flush at a time; a caller arriving during one waits for it, then writes what it did not take.
      while (inFlight) await inFlight.catch(() => {});
      if (pending.size === 0) return;
      await writeBatch();
    } finally {
      reportDrops();
    }
  };

  const loop = createBackgroundLoop(
    async () => {
      await flush();
      // Not the rows written: under steady traffic there is always something new, and the loop would never rest.
      return pending.size >= maxKeys ? 1 : 0;
    },
    { intervalMs: opts.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS, onError },
  );

  return {
    record(clientId, status) {
      if (!clientId) return;
      const key = `${dayOf(now())}${SEP}${clientId}`;
      let counts = pending.get(key);
      if (!counts) {
        if (pending.size >= maxKeys) {
          if (inFlight) {
            drop(1);
            return;
          }
          // Swaps the full map out now (synchronously), so this request counts into the fresh one.
          writeBatch().catch(onError);
        }
        counts = zero();
        pending.set(key, counts);
      }
      counts.requests += 1;
      if (status === 429) counts.throttled += 1;
      else if (status >= 400) counts.errors += 1;
    },
    flush,
    start: () => loop.start(),
    async stop() {
      await loop.stop();
      await flush().catch(onError);
    },
    stats: () => ({ pendingKeys: pending.size, droppedRequests }),
  };
}

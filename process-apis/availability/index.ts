import { Registry } from 'prom-client';
import type { Database } from '../../platform/db/database';
import type { AppendEvents } from '../../platform/events/types';
import { IDLE_BACKOFF_MAX_MS, createBackgroundLoop } from '../../platform/background-loop';
import type { Logger } from '../../platform/logger';
import type { SystemClients } from '../orders/sync/downstream';
import type { ReferenceData } from '../reference-data/reference-data';
import type { AllocationRule, Channel } from './allocation';
import { allocationRules } from './allocation';
import { createFeedPoller } from './ingest/feed-poller';
import type { Feed } from './ingest/feeds';
import { systemFeeds } from './ingest/feeds';
import { pruneSeenUpdates } from './ingest/sequences';
import { createAvailabilityMetrics } from './metrics';
import { createAvailabilityV1Service } from './service';
import { createReservationSweeper } from './sweeper';

export { availabilityMigrations } from './migrations';
export { applyInventoryUpdate } from './ingest/apply-update';
export type { ApplyOutcome } from './ingest/apply-update';
export type { InventoryUpdate } from './ingest/inventory-update';
export { AvailabilityChanges } from './availability-events';

/** `inventory.availability-changed` reports `lowStock` when a position's ATP is at or below this many units. */
export const DEFAULT_LOW_STOCK_THRESHOLD = 5;

export interface AvailabilityModuleOptions {
  db: Database;
  ref: ReferenceData;
  appendEvents: AppendEvents;
  clients: SystemClients;
  logger: Logger;
  /** Where the inventory metrics go (/metrics); a private registry when absent. */
  registry?: Registry;
  now?: () => Date;
  /** Per-channel overrides of the default allocation (marketplace 30 %, every other channel 100 %). */
  allocation?: Partial<Record<Channel, AllocationRule>>;
  lowStockThreshold?: number;
  /** After a transaction with outbox events committed (the outbox relay's wake-up). */
  onCommitted?: () => void;
  pollIntervalMs?: number;
  /** The feeds to poll; WMS movements, POS sales and counts, and ERP adjustments through `clients` by default. */
  feeds?: readonly Feed[];
  /** How long the sequences seen are remembered for duplicate detection. Default 7 days. */
  seenRetentionMs?: number;
}

const DEFAULT_SEEN_RETENTION_MS = 7 * 24 * 3600_000;
/** Pruning the sequences seen is housekeeping: at most this often. */
const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * Availability: the availability.v1 service (ATP per location, region, network and channel; reservations; the
 * location hierarchy), and the background work: the reservation sweeper and the pollers that apply the systems'
 * inventory documents in order. `start()` runs the background work in a loop; tests call `runOnce()`.
 */
export function createAvailabilityModule(opts: AvailabilityModuleOptions) {
  const now = opts.now ?? (() => new Date());
  const lowStockThreshold = opts.lowStockThreshold ?? DEFAULT_LOW_STOCK_THRESHOLD;
  const rules = allocationRules(opts.allocation);
  const registry = opts.registry ?? new Registry();
  const metrics = createAvailabilityMetrics(registry, opts.db);

  const sweeper = createReservationSweeper({ db: opts.db, appendEvents: opts.appendEvents, now, lowStockThreshold });
  const poller = createFeedPoller({
    db: opts.db,
    feeds: opts.feeds ?? systemFeeds(opts.clients),
    appendEvents: opts.appendEvents,
    now,
    logger: opts.logger,
    lowStockThreshold,
    onApplied: metrics.observe,
  });

  const retention = opts.seenRetentionMs ?? DEFAULT_SEEN_RETENTION_MS;
  let prunedAt = -Infinity;

  /** One pass: expire due reservations, apply new inventory documents, now and then forget old sequences. */
  const runOnce = async (): Promise<number> => {
    const expired = await sweeper.runOnce();
    metrics.expired(expired);
    const applied = await poller.runOnce();
    const at = now().getTime();
    if (at - prunedAt >= PRUNE_EVERY_MS) {
      prunedAt = at;
      await pruneSeenUpdates(opts.db, new Date(at - retention));
    }
    if (expired + applied > 0) opts.onCommitted?.();
    return expired + applied;
  };
  const loop = createBackgroundLoop(runOnce, {
    intervalMs: opts.pollIntervalMs ?? 1_000,
    maxIntervalMs: opts.pollIntervalMs ?? IDLE_BACKOFF_MAX_MS,
    onError: (err) => opts.logger.error({ err }, 'availability pass failed'),
  });

  return {
    services: {
      v1: createAvailabilityV1Service({
        db: opts.db,
        ref: opts.ref,
        rules,
        appendEvents: opts.appendEvents,
        now,
        lowStockThreshold,
        ...(opts.onCommitted ? { onCommitted: opts.onCommitted } : {}),
      }),
    },
    registry,
    runOnce,
    start: () => loop.start(),
    stop: () => loop.stop(),
  };
}

export type AvailabilityModule = ReturnType<typeof createAvailabilityModule>;

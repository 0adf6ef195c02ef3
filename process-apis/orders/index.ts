import type { Gauge, Registry } from 'prom-client';
import type { Database } from '../../platform/db/database';
import type { AppendEvents } from '../../platform/events/types';
import { IDLE_BACKOFF_MAX_MS, createBackgroundLoop } from '../../platform/background-loop';
import type { CircuitBreaker } from '../../platform/http/circuit-breaker';
import { createCircuitBreaker } from '../../platform/http/circuit-breaker';
import type { Logger } from '../../platform/logger';
import type { ReferenceData } from '../reference-data/reference-data';
import { createOrderMetrics } from './metrics';
import type { AllocationRules } from '../availability/allocation';
import { DEFAULT_ALLOCATION } from '../availability/allocation';
import { createOrdersV1Service, createOrdersV2Service } from './service';
import type { SystemClients } from './sync/downstream';
import { createFulfilmentTracker } from './sync/fulfilment-tracker';
import { createBackgroundPass } from './background-pass';
import type { SyncWorkerOptions } from './sync/sync-worker';
import { createSyncWorker } from './sync/sync-worker';
import type { System } from './model';

export { orderMigrations } from './migrations';
export type { SystemClients } from './sync/downstream';

export interface OrdersModuleOptions {
  db: Database;
  ref: ReferenceData;
  appendEvents: AppendEvents;
  clients: SystemClients;
  logger: Logger;
  /** Where the business metrics go (/metrics), and the gauge that shows each system's breaker state. */
  metrics?: { registry: Registry; circuitBreakerState: Pick<Gauge<'target'>, 'set'> };
  now?: () => Date;
  random?: () => number;
  /** After an order transaction committed (the outbox relay's wake-up). */
  onCommitted?: () => void;
  worker?: Pick<SyncWorkerOptions, 'maxAttempts' | 'batchSize' | 'leaseMs' | 'backoff'>;
  breaker?: { failureThreshold?: number; openMs?: number };
  reservationTtlMs?: number;
  /** Channel allocation rules (process-apis/availability/allocation.ts); default: marketplace 30 %, others all. */
  allocation?: AllocationRules;
  pollIntervalMs?: number;
  /** How often the running loop follows fulfilment at the nodes (background-pass.ts). Default 1000 ms. */
  trackIntervalMs?: number;
}

/**
 * Order intake: the orders.v1 and orders.v2 services, and the background work that brings ERP, WMS and POS in
 * line with each order (sync worker) and follows fulfilment back (tracker). `start()` runs both in a loop;
 * tests call `runOnce()` instead and drive time through `now`.
 */
export function createOrdersModule(opts: OrdersModuleOptions) {
  const now = opts.now ?? (() => new Date());
  const metrics = opts.metrics ? createOrderMetrics(opts.metrics.registry, opts.db, opts.metrics.circuitBreakerState) : undefined;
  const breakers = Object.fromEntries(
    (['erp', 'wms', 'pos'] as const).map((s) => [
      s,
      createCircuitBreaker({ ...opts.breaker, now: () => now().getTime(), onStateChange: (state) => metrics?.breakerState(`system:${s}`, state) }),
    ]),
  ) as Record<System, CircuitBreaker>;
  for (const s of ['erp', 'wms', 'pos']) metrics?.breakerState(`system:${s}`, 'closed');

  const worker = createSyncWorker({
    db: opts.db,
    clients: opts.clients,
    breakers,
    appendEvents: opts.appendEvents,
    logger: opts.logger,
    now,
    ...(opts.random ? { random: opts.random } : {}),
    ...opts.worker,
    ...(metrics ? { onException: metrics.exception } : {}),
  });
  const tracker = createFulfilmentTracker({ db: opts.db, clients: opts.clients, breakers, appendEvents: opts.appendEvents, logger: opts.logger, now });

  const runOnce = async () => {
    const synced = await worker.runOnce();
    const tracked = await tracker.runOnce();
    if (synced.attempted + tracked > 0) opts.onCommitted?.();
    return { ...synced, tracked };
  };
  const pass = createBackgroundPass({ worker, tracker, trackIntervalMs: opts.trackIntervalMs ?? 1000, ...(opts.onCommitted ? { onCommitted: opts.onCommitted } : {}) });
  const loop = createBackgroundLoop(pass, {
    intervalMs: opts.pollIntervalMs ?? 500,
    maxIntervalMs: opts.pollIntervalMs ?? IDLE_BACKOFF_MAX_MS,
    onError: (err) => opts.logger.error({ err }, 'order sync pass failed'),
  });

  const deps = {
    db: opts.db,
    ref: opts.ref,
    appendEvents: opts.appendEvents,
    now,
    reservationTtlMs: opts.reservationTtlMs ?? 30 * 24 * 3600 * 1000,
    allocation: opts.allocation ?? DEFAULT_ALLOCATION,
    onCommitted: () => {
      opts.onCommitted?.();
      loop.wake();
    },
    ...(metrics ? { observeAcceptance: metrics.observeAcceptance } : {}),
  };
  return {
    services: { v1: createOrdersV1Service(deps), v2: createOrdersV2Service(deps) },
    /** What order intake needs, for another process API that creates orders (exchanges create replacements). */
    createOrderDeps: deps,
    breakers,
    runOnce,
    start: () => loop.start(),
    /** Work was written elsewhere (another instance's NOTIFY): run a pass now. */
    wake: () => loop.wake(),
    stop: () => loop.stop(),
  };
}

export type OrdersModule = ReturnType<typeof createOrdersModule>;

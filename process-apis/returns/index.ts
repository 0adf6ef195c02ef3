import type { Gauge, Registry } from 'prom-client';
import { IDLE_BACKOFF_MAX_MS, createBackgroundLoop } from '../../platform/background-loop';
import type { Database } from '../../platform/db/database';
import type { AppendEvents } from '../../platform/events/types';
import type { CircuitBreaker } from '../../platform/http/circuit-breaker';
import { breakerGauge, createCircuitBreaker } from '../../platform/http/circuit-breaker';
import type { Logger } from '../../platform/logger';
import type { CreateOrderDeps } from '../orders/create-order';
import type { SystemClients } from '../orders/sync/downstream';
import type { ReferenceData } from '../reference-data/reference-data';
import { createReturnMetrics } from './metrics';
import { createReturnsV1Service } from './service';
import type { ReturnSystem, ReturnsWorkerOptions } from './worker';
import { createReturnsWorker } from './worker';

export { returnMigrations } from './migrations';

export interface ReturnsModuleOptions {
  db: Database;
  ref: ReferenceData;
  appendEvents: AppendEvents;
  clients: SystemClients;
  logger: Logger;
  /** Where the business metrics go (/metrics). */
  registry?: Registry;
  /** The gauge that shows each breaker's state, as `returns:erp` and `returns:wms`. */
  circuitBreakerState?: Pick<Gauge<'target'>, 'set'>;
  now?: () => Date;
  random?: () => number;
  /** Order intake, for exchanges: the replacement order is created (and cancelled) through it. */
  createOrderDeps: CreateOrderDeps;
  /** After a return transaction committed (the outbox relay's wake-up). */
  onCommitted?: () => void;
  worker?: Pick<ReturnsWorkerOptions, 'maxAttempts' | 'batchSize' | 'leaseMs' | 'backoff'>;
  breaker?: { failureThreshold?: number; openMs?: number };
  pollIntervalMs?: number;
}

/**
 * Returns as a durable workflow: the returns.v1 service, and the worker that applies dispositions and brings ERP
 * (credit memo) and WMS (return receipts) in line. `start()` runs the worker in a loop; tests call `runOnce()`
 * instead and drive time through `now`.
 */
export function createReturnsModule(opts: ReturnsModuleOptions) {
  const now = opts.now ?? (() => new Date());
  const metrics = opts.registry ? createReturnMetrics(opts.registry, opts.db) : undefined;
  const breaker = (system: ReturnSystem) => {
    const target = `returns:${system}`;
    opts.circuitBreakerState?.set({ target }, breakerGauge('closed'));
    return createCircuitBreaker({ ...opts.breaker, now: () => now().getTime(), onStateChange: (state) => opts.circuitBreakerState?.set({ target }, breakerGauge(state)) });
  };
  const breakers: Record<ReturnSystem, CircuitBreaker> = { erp: breaker('erp'), wms: breaker('wms') };
  const worker = createReturnsWorker({
    db: opts.db,
    ref: opts.ref,
    appendEvents: opts.appendEvents,
    now,
    clients: opts.clients,
    breakers,
    logger: opts.logger,
    ...(opts.random ? { random: opts.random } : {}),
    ...opts.worker,
    ...(metrics ? { onRefundException: metrics.refundException } : {}),
  });
  const runOnce = async () => {
    const r = await worker.runOnce();
    if (r.attempted > 0) opts.onCommitted?.();
    return r;
  };
  const loop = createBackgroundLoop(async () => (await runOnce()).attempted, {
    intervalMs: opts.pollIntervalMs ?? 500,
    maxIntervalMs: opts.pollIntervalMs ?? IDLE_BACKOFF_MAX_MS,
    onError: (err) => opts.logger.error({ err }, 'returns worker pass failed'),
  });
  const v1 = createReturnsV1Service({
    db: opts.db,
    ref: opts.ref,
    appendEvents: opts.appendEvents,
    now,
    createOrderDeps: opts.createOrderDeps,
    onCommitted: () => {
      opts.onCommitted?.();
      loop.wake();
    },
  });
  return { services: { v1 }, breakers, runOnce, start: () => loop.start(), wake: () => loop.wake(), stop: () => loop.stop() };
}

export type ReturnsModule = ReturnType<typeof createReturnsModule>;

import { randomBytes } from 'node:crypto';
import type { Database, Queryable } from '../../../platform/db/database';
import type { AppendEvents } from '../../../platform/events/types';
import type { CircuitBreaker } from '../../../platform/http/circuit-breaker';
import type { Logger } from '../../../platform/logger';
import { reservations } from '../../availability/reservations';
import { ORDERS_SOURCE } from '../create-order';
import type { StoredOrder, System } from '../model';
import { orderRepository } from '../repository';
import type { BackoffOptions } from './backoff';
import { backoffMs } from './backoff';
import type { CallOutcome, SyncJob, SystemClients } from './downstream';
import { performJob } from './downstream';

export const SYSTEMS: readonly System[] = ['erp', 'wms', 'pos'];

export interface SyncWorkerOptions {
  db: Database;
  clients: SystemClients;
  breakers: Record<System, CircuitBreaker>;
  appendEvents: AppendEvents;
  logger: Logger;
  now?: () => Date;
  random?: () => number;
  /** Counted attempts after which a job, and its order's sync state, go to `exception`. */
  maxAttempts?: number;
  batchSize?: number;
  leaseMs?: number;
  backoff?: BackoffOptions;
  /** A job went to exception (metrics). */
  onException?: (system: System) => void;
}

interface JobRow {
  id: string | number;
  order_id: string;
  system: System;
  action: 'create' | 'cancel';
  group_id: string | null;
  attempts: number;
  lease_token: string;
}

/**
 * Works off the downstream sync jobs that order intake and cancellation wrote: the sales order to ERP, fulfilment
 * orders to WMS, pickups to POS, and their cancellations. Per system the oldest job goes first, and a system that
 * fails (5xx, timeout) or throttles (429) pauses that system's queue: backoff with jitter, Retry-After honoured,
 * and a circuit breaker per system. Jobs are leased, not held in a transaction, so calls never keep a database
 * transaction open and several workers can share the queue.
 */
export function createSyncWorker(options: SyncWorkerOptions) {
  const { db, clients, breakers, logger } = options;
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const maxAttempts = options.maxAttempts ?? 8;
  const batchSize = options.batchSize ?? 20;
  const leaseMs = options.leaseMs ?? 30_000;
  const backoff = options.backoff ?? { baseMs: 1_000, capMs: 300_000 };

  async function claim(system: System): Promise<Array<SyncJob & { token: string }>> {
    const at = now();
    const token = randomBytes(8).toString('hex');
    // A job waits for every earlier unfinished job of its order in the same system: a cancellation never
    // overtakes the create it undoes.
    const { rows } = await db.query<JobRow>(
      `UPDATE orders.sync_jobs SET leased_until = $3, lease_token = $4
        WHERE id IN (
          SELECT j.id FROM orders.sync_jobs j
           WHERE j.system = $1 AND j.status = 'pending' AND j.next_attempt_at <= $2
             AND (j.leased_until IS NULL OR j.leased_until < $2)
             AND NOT EXISTS (SELECT 1 FROM orders.sync_jobs e
                              WHERE e.order_id = j.order_id AND e.system = j.system AND e.id < j.id AND e.status = 'pending')
           ORDER BY j.id LIMIT $5 FOR UPDATE SKIP LOCKED)
        RETURNING id, order_id, system, action, group_id, attempts, lease_token`,
      [system, at, new Date(at.getTime() + leaseMs), token, batchSize],
    );
    return rows
      .map((r) => ({ id: Number(r.id), orderId: r.order_id, system: r.system, action: r.action, groupId: r.group_id, attempts: r.attempts, token: r.lease_token }))
      .sort((a, b) => a.id - b.id);
  }

  async function unlease(ids: number[]): Promise<void> {
    if (ids.length) await db.query('UPDATE orders.sync_jobs SET leased_until = NULL, lease_token = NULL WHERE id = ANY($1::bigint[])', [ids]);
  }

  async function createdRefFor(job: SyncJob): Promise<string | undefined> {
    const { rows } = await db.query<{ external_ref: string | null }>(
      `SELECT external_ref FROM orders.sync_jobs
        WHERE order_id = $1 AND system = $2 AND action = 'create' AND group_id IS NOT DISTINCT FROM $3 AND status = 'done'`,
      [job.orderId, job.system, job.groupId],
    );
    return rows[0]?.external_ref ?? undefined;
  }

  /** Stores a job's outcome and what it means for its order, in one transaction. */
  async function record(job: SyncJob & { token: string }, outcome: CallOutcome, counted: boolean): Promise<void> {
    const at = now();
    await db.transaction(async (tx) => {
      const attempts = job.attempts + (counted ? 1 : 0);
      let status: 'done' | 'pending' | 'exception' = 'pending';
      let next = at;
      let error: string | null = null;
      if (outcome.kind === 'ok') status = 'done';
      else {
        error = outcome.error.slice(0, 2000);
        if (outcome.kind === 'permanent' || attempts >= maxAttempts) status = 'exception';
        else next = new Date(at.getTime() + Math.max(outcome.retryAfterMs ?? 0, counted ? backoffMs(attempts, backoff, random) : 0));
      }
      const externalRef = outcome.kind === 'ok' ? (outcome.externalRef ?? null) : null;
      const { rows } = await tx.query(
        `UPDATE orders.sync_jobs
            SET status = $3, attempts = $4, next_attempt_at = $5, last_error = $6, last_attempt_at = $7,
                external_ref = COALESCE($8, external_ref), leased_until = NULL, lease_token = NULL, updated_at = $7
          WHERE id = $1 AND lease_token = $2 AND status = 'pending'
          RETURNING 1`,
        [job.id, job.token, status, attempts, next, error, at, externalRef],
      );
      if (rows.length === 0) {
        // The order was cancelled while this create was on its way (its lease had lapsed): undo it downstream.
        if (job.action === 'create' && outcome.kind === 'ok') {
          await tx.query(
            `UPDATE orders.sync_jobs SET status = 'done', external_ref = $2, updated_at = $3 WHERE id = $1`,
            [job.id, externalRef, at],
          );
          await tx.query(
            `INSERT INTO orders.sync_jobs (order_id, system, action, group_id, status, next_attempt_at) VALUES ($1, $2, 'cancel', $3, 'pending', $4)`,
            [job.orderId, job.system, job.groupId, at],
          );
        }
        return;
      }
      if (status === 'exception') options.onException?.(job.system);
      if (job.action === 'create' && job.groupId && externalRef) {
        await tx.query('UPDATE orders.groups SET external_ref = $3 WHERE order_id = $1 AND group_id = $2', [job.orderId, job.groupId, externalRef]);
      }
      const stored = await orderRepository.get(tx, job.orderId, undefined, { forUpdate: true });
      if (!stored) return;
      await updateOrder(tx, stored, job, { status, attempts, at, next, error, externalRef });
    });
  }

  async function updateOrder(
    tx: Queryable,
    stored: StoredOrder,
    job: SyncJob,
    r: { status: 'done' | 'pending' | 'exception'; attempts: number; at: Date; next: Date; error: string | null; externalRef: string | null },
  ): Promise<void> {
    const { order } = stored;
    const { rows: open } = await tx.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM orders.sync_jobs WHERE order_id = $1 AND system = $2 AND status IN ('pending', 'exception')`,
      [order.id, job.system],
    );
    const previous = order.sync[job.system];
    const at = r.at.toISOString();
    const state = {
      status: r.status === 'exception' ? ('exception' as const) : r.status === 'done' ? (Number(open[0]?.n ?? 0) === 0 ? ('synced' as const) : ('in_progress' as const)) : ('retrying' as const),
      attempts: previous.attempts + 1,
      ...(r.externalRef ? { externalRef: r.externalRef } : previous.externalRef ? { externalRef: previous.externalRef } : {}),
      ...(r.error ? { lastError: r.error } : {}),
      lastAttemptAt: at,
      ...(r.status === 'pending' ? { nextAttemptAt: r.next.toISOString() } : {}),
    };
    order.sync[job.system] = state;
    order.updatedAt = at;
    const events = [];
    if (order.status === 'accepted' && r.status === 'done' && job.action === 'create') {
      const { rows } = await tx.query<{ n: string | number }>(
        `SELECT count(*) AS n FROM orders.sync_jobs WHERE order_id = $1 AND system <> 'erp' AND action = 'create' AND status <> 'done'`,
        [order.id],
      );
      if (Number(rows[0]?.n ?? 0) === 0) {
        // Every fulfilment group is now in the hands of the node that executes it.
        order.status = 'allocated';
        events.push({
          type: 'order.allocated' as const,
          subject: order.id,
          source: ORDERS_SOURCE,
          data: { orderId: order.id, status: order.status, fulfilmentGroups: order.fulfilmentGroups, reservations: await reservations.forOrder(tx, order.id) },
          correlationId: `sync-${job.id}`,
          ...(order.partnerId ? { partnerId: order.partnerId } : {}),
        });
      }
    }
    await orderRepository.save(tx, stored);
    if (events.length) await options.appendEvents(tx, events);
  }

  async function drain(system: System): Promise<{ attempted: number; succeeded: number }> {
    const breaker = breakers[system];
    if (breaker.retryAt() > 0) return { attempted: 0, succeeded: 0 };
    const jobs = await claim(system);
    let attempted = 0;
    let succeeded = 0;
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[i]!;
      const probing = breaker.state() !== 'closed';
      if (!breaker.tryAcquire()) {
        await unlease(jobs.slice(i).map((j) => j.id));
        break;
      }
      const stored = await orderRepository.get(db, job.orderId, undefined);
      const createdRef = job.action === 'cancel' ? await createdRefFor(job) : undefined;
      const outcome: CallOutcome = stored
        ? await performJob({ ...job, ...(createdRef ? { createdRef } : {}) }, stored, clients, `sync-${job.id}`, now().getTime())
        : { kind: 'permanent', error: `order ${job.orderId} not found` };
      attempted += 1;
      if (outcome.kind === 'transient') {
        if (outcome.throttled) {
          breaker.pauseUntil(now().getTime() + (outcome.retryAfterMs ?? backoff.baseMs));
        } else {
          breaker.onFailure();
          if (outcome.retryAfterMs !== undefined) breaker.pauseUntil(now().getTime() + outcome.retryAfterMs);
        }
        // Throttling is the system asking for patience, and a probe of an open breaker tests the system, not this
        // order: neither counts towards the order's exception threshold.
        await record(job, outcome, !outcome.throttled && !probing);
        logger.warn({ system, orderId: job.orderId, job: job.id, error: outcome.error }, 'downstream sync failed; pausing this system');
        await unlease(jobs.slice(i + 1).map((j) => j.id));
        break;
      }
      breaker.onSuccess();
      await record(job, outcome, true);
      if (outcome.kind === 'ok') succeeded += 1;
      else logger.error({ system, orderId: job.orderId, job: job.id, error: outcome.error }, 'downstream system refused the document; order sync in exception');
    }
    return { attempted, succeeded };
  }

  return {
    /** One pass over every system's queue. Returns how many calls went out and how many succeeded. */
    async runOnce(): Promise<{ attempted: number; succeeded: number }> {
      const results = await Promise.all(SYSTEMS.map((s) => drain(s)));
      return results.reduce((a, b) => ({ attempted: a.attempted + b.attempted, succeeded: a.succeeded + b.succeeded }));
    },
  };
}

export type SyncWorker = ReturnType<typeof createSyncWorker>;

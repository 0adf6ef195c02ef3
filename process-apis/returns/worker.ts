import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../platform/db/database';
import type { CircuitBreaker } from '../../platform/http/circuit-breaker';
import type { Logger } from '../../platform/logger';
import { orderRepository } from '../orders/repository';
import type { BackoffOptions } from '../orders/sync/backoff';
import { backoffMs } from '../orders/sync/backoff';
import type { SystemClients } from '../orders/sync/downstream';
import type { DispositionDeps } from './disposition';
import { disposition, inspectedReturns } from './disposition';
import type { CallOutcome, ReturnJob } from './downstream';
import { blockedBy, performJob } from './downstream';
import type { StoredReturn } from './model';
import { returnRepository } from './repository';

export type ReturnSystem = 'erp' | 'wms';
const SYSTEMS: readonly ReturnSystem[] = ['erp', 'wms'];

export interface ReturnsWorkerOptions extends DispositionDeps {
  clients: SystemClients;
  breakers: Record<ReturnSystem, CircuitBreaker>;
  logger: Logger;
  random?: () => number;
  /** Counted attempts after which a job goes to `exception` (a credit memo's refund too). */
  maxAttempts?: number;
  batchSize?: number;
  leaseMs?: number;
  backoff?: BackoffOptions;
  /** A credit memo went to exception (metrics), by the return's channel. */
  onRefundException?: (channel: string) => void;
}

interface JobRow {
  id: string | number;
  return_id: string;
  system: ReturnSystem;
  kind: ReturnJob['kind'];
  location_id: string;
  channel: string;
  attempts: number;
  lease_token: string;
}

/**
 * Drives returns from inspection to closed: applies dispositions (a local step), then works off the downstream
 * jobs the steps queued, the ERP credit memo and the WMS return receipts, as order intake's sync worker does:
 * jobs leased (no transaction held across a call), oldest first per system, backoff with jitter, Retry-After
 * honoured, a breaker per system, attempts counted only while the system looks healthy, and `exception` after
 * `maxAttempts`. A refunded return whose jobs are all done is closed.
 */
export function createReturnsWorker(options: ReturnsWorkerOptions) {
  const { db, clients, breakers, logger, now } = options;
  const random = options.random ?? Math.random;
  const maxAttempts = options.maxAttempts ?? 8;
  const batchSize = options.batchSize ?? 20;
  const leaseMs = options.leaseMs ?? 30_000;
  const backoff = options.backoff ?? { baseMs: 1_000, capMs: 300_000 };

  async function claim(system: ReturnSystem): Promise<Array<ReturnJob & { token: string }>> {
    const at = now();
    const token = randomBytes(8).toString('hex');
    const { rows } = await db.query<JobRow>(
      `UPDATE returns.jobs SET leased_until = $3, lease_token = $4
        WHERE id IN (
          SELECT id FROM returns.jobs
           WHERE system = $1 AND status = 'pending' AND next_attempt_at <= $2 AND (leased_until IS NULL OR leased_until < $2)
           ORDER BY id LIMIT $5 FOR UPDATE SKIP LOCKED)
        RETURNING id, return_id, system, kind, location_id, channel, attempts, lease_token`,
      [system, at, new Date(at.getTime() + leaseMs), token, batchSize],
    );
    return rows
      .map((r) => ({ id: Number(r.id), returnId: r.return_id, system: r.system, kind: r.kind, locationId: r.location_id, channel: r.channel, attempts: r.attempts, token: r.lease_token }))
      .sort((a, b) => a.id - b.id);
  }

  async function unlease(ids: number[]): Promise<void> {
    if (ids.length) await db.query('UPDATE returns.jobs SET leased_until = NULL, lease_token = NULL WHERE id = ANY($1::bigint[])', [ids]);
  }

  async function closeIfDone(tx: Queryable, stored: StoredReturn): Promise<void> {
    if (stored.return.status !== 'refunded') return;
    const { rows } = await tx.query(`SELECT 1 FROM returns.jobs WHERE return_id = $1 AND status <> 'done' LIMIT 1`, [stored.return.id]);
    if (rows.length === 0) stored.return.status = 'closed';
  }

  /** Stores a job's outcome and what it means for its return, in one transaction. */
  async function record(job: ReturnJob & { token: string }, outcome: CallOutcome, counted: boolean): Promise<void> {
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
        else if (outcome.kind === 'waiting') next = new Date(at.getTime() + backoff.baseMs);
        else next = new Date(at.getTime() + Math.max(outcome.retryAfterMs ?? 0, counted ? backoffMs(attempts, backoff, random) : 0));
      }
      const externalRef = outcome.kind === 'ok' ? (outcome.externalRef ?? null) : null;
      const { rows } = await tx.query(
        `UPDATE returns.jobs
            SET status = $3, attempts = $4, next_attempt_at = $5, last_error = $6, last_attempt_at = $7,
                external_ref = COALESCE($8, external_ref), leased_until = NULL, lease_token = NULL, updated_at = $7
          WHERE id = $1 AND lease_token = $2 AND status = 'pending'
          RETURNING 1`,
        [job.id, job.token, status, attempts, next, error, at, externalRef],
      );
      if (rows.length === 0 || status === 'pending') return;
      const stored = await returnRepository.get(tx, job.returnId, undefined, { forUpdate: true });
      if (!stored) return;
      const ret = stored.return;
      if (job.kind === 'credit_memo' && ret.refund) {
        if (status === 'done') {
          ret.refund = { ...ret.refund, status: 'posted', ...(externalRef ? { erpCreditMemoId: externalRef } : {}) };
          if (ret.status === 'dispositioned') ret.status = 'refunded';
        } else {
          ret.refund = { ...ret.refund, status: 'exception' };
          options.onRefundException?.(job.channel);
        }
      }
      await closeIfDone(tx, stored);
      ret.updatedAt = at.toISOString();
      await returnRepository.save(tx, stored);
    });
  }

  async function drain(system: ReturnSystem): Promise<number> {
    const breaker = breakers[system];
    if (breaker.retryAt() > 0) return 0;
    const jobs = await claim(system);
    let attempted = 0;
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[i]!;
      const stored = await returnRepository.get(db, job.returnId, undefined);
      const order = stored ? await orderRepository.get(db, stored.return.orderId, undefined) : undefined;
      const blocked = stored ? blockedBy(job, stored, order) : undefined;
      if (blocked) {
        await record(job, { kind: 'waiting', error: blocked }, false);
        continue;
      }
      const probing = breaker.state() !== 'closed';
      if (!breaker.tryAcquire()) {
        await unlease(jobs.slice(i).map((j) => j.id));
        break;
      }
      const outcome: CallOutcome = stored ? await performJob(job, stored, clients, now().getTime()) : { kind: 'permanent', error: `return ${job.returnId} not found` };
      attempted += 1;
      if (outcome.kind === 'transient') {
        if (outcome.throttled) breaker.pauseUntil(now().getTime() + (outcome.retryAfterMs ?? backoff.baseMs));
        else {
          breaker.onFailure();
          if (outcome.retryAfterMs !== undefined) breaker.pauseUntil(now().getTime() + outcome.retryAfterMs);
        }
        await record(job, outcome, !outcome.throttled && !probing);
        logger.warn({ system, returnId: job.returnId, job: job.id, error: outcome.error }, 'returns downstream call failed; pausing this system');
        await unlease(jobs.slice(i + 1).map((j) => j.id));
        break;
      }
      breaker.onSuccess();
      await record(job, outcome, true);
      if (outcome.kind === 'permanent') logger.error({ system, returnId: job.returnId, job: job.id, error: outcome.error }, 'downstream system refused a return document; job in exception');
    }
    return attempted;
  }

  /** Refunded returns whose jobs finished (or that never needed any) are closed. */
  async function closeFinished(): Promise<number> {
    const { rows } = await db.query<{ id: string }>(
      `SELECT r.id FROM returns.returns r WHERE r.status = 'refunded'
          AND NOT EXISTS (SELECT 1 FROM returns.jobs j WHERE j.return_id = r.id AND j.status <> 'done') ORDER BY r.id LIMIT $1`,
      [batchSize],
    );
    let closed = 0;
    for (const { id } of rows) {
      await db.transaction(async (tx) => {
        const stored = await returnRepository.get(tx, id, undefined, { forUpdate: true });
        if (!stored) return;
        await closeIfDone(tx, stored);
        if (stored.return.status !== 'closed') return;
        stored.return.updatedAt = now().toISOString();
        await returnRepository.save(tx, stored);
        closed += 1;
      });
    }
    return closed;
  }

  return {
    /** One pass: dispositions, then every system's queue, then closing. Returns how much work it did. */
    async runOnce(): Promise<{ attempted: number }> {
      let attempted = 0;
      for (const r of await inspectedReturns(db, batchSize)) if (await disposition(options, r.id, r.order_id)) attempted += 1;
      for (const n of await Promise.all(SYSTEMS.map((s) => drain(s)))) attempted += n;
      attempted += await closeFinished();
      return { attempted };
    },
  };
}

export type ReturnsWorker = ReturnType<typeof createReturnsWorker>;

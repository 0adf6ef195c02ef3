import type { Database } from '../../../platform/db/database';
import { orderRepository } from '../repository';

/**
 * Puts an order sync in exception back in the worker's queue, due now, its attempts counted from zero, and shows
 * the order's sync state as `retrying`. False when the job is not in exception (pending, done, or unknown), so
 * retrying twice changes nothing.
 */
export async function retryOrderSync(db: Database, jobId: number, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ order_id: string; system: 'erp' | 'wms' | 'pos' }>(
      `UPDATE orders.sync_jobs SET status = 'pending', attempts = 0, next_attempt_at = $2, leased_until = NULL, lease_token = NULL, updated_at = $2
        WHERE id = $1 AND status = 'exception'
        RETURNING order_id, system`,
      [jobId, now],
    );
    const job = rows[0];
    if (!job) return false;
    const stored = await orderRepository.get(tx, job.order_id, undefined, { forUpdate: true });
    if (stored) {
      const at = now.toISOString();
      stored.order.sync[job.system] = { ...stored.order.sync[job.system], status: 'retrying', nextAttemptAt: at };
      stored.order.updatedAt = at;
      await orderRepository.save(tx, stored);
    }
    return true;
  });
}

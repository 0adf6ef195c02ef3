import type { Database } from '../../platform/db/database';
import { returnRepository } from './repository';

/**
 * Puts a return job in exception back in the worker's queue, due now, its attempts counted from zero; a credit
 * memo's refund goes back to `approved`. False when the job is not in exception, so retrying twice changes nothing.
 */
export async function retryReturnJob(db: Database, jobId: number, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ return_id: string; kind: string }>(
      `UPDATE returns.jobs SET status = 'pending', attempts = 0, next_attempt_at = $2, leased_until = NULL, lease_token = NULL, updated_at = $2
        WHERE id = $1 AND status = 'exception'
        RETURNING return_id, kind`,
      [jobId, now],
    );
    const job = rows[0];
    if (!job) return false;
    const stored = await returnRepository.get(tx, job.return_id, undefined, { forUpdate: true });
    if (stored && job.kind === 'credit_memo' && stored.return.refund?.status === 'exception') {
      stored.return.refund = { ...stored.return.refund, status: 'approved' };
      stored.return.updatedAt = now.toISOString();
      await returnRepository.save(tx, stored);
    }
    return true;
  });
}

import type { AdminV1Handlers } from '../../generated/handlers/platform/admin.v1';
import type { components } from '../../generated/types/platform/admin.v1';
import { retryOrderSync } from '../../process-apis/orders/sync/retry-exception';
import { retryReturnJob } from '../../process-apis/returns/retry-exception';
import type { Database, Queryable } from '../db/database';
import { decodeKeysetCursor, encodeKeysetCursor } from '../http/keyset-cursor';
import { problem } from '../server/problem';

type SyncException = components['schemas']['SyncException'];
export type SyncExceptionHandlers = Pick<AdminV1Handlers, 'listSyncExceptions' | 'retrySyncException'>;

/**
 * Order syncs and return jobs as one list: the two workers keep the same columns, so a UNION reads them together.
 * The id prefix says which table a row is in: `osj_` orders.sync_jobs, `rtj_` returns.jobs.
 */
const JOBS = `
  SELECT 'osj_' || id AS xid, 'order' AS workflow, order_id AS subject_id, system, action, status, attempts,
         last_error, last_attempt_at, updated_at
    FROM orders.sync_jobs
  UNION ALL
  SELECT 'rtj_' || id, 'return', return_id, system, kind, status, attempts, last_error, last_attempt_at, updated_at
    FROM returns.jobs`;

interface Row {
  xid: string;
  workflow: SyncException['workflow'];
  subject_id: string;
  system: SyncException['system'];
  action: SyncException['action'];
  status: SyncException['status'];
  attempts: number;
  last_error: string | null;
  last_attempt_at: Date | string | null;
  updated_at: Date | string;
}

const iso = (d: Date | string) => new Date(d).toISOString();

const toApi = (r: Row): SyncException => ({
  id: r.xid,
  workflow: r.workflow,
  subjectId: r.subject_id,
  system: r.system,
  action: r.action,
  status: r.status,
  attempts: r.attempts,
  ...(r.last_error === null ? {} : { lastError: r.last_error }),
  ...(r.last_attempt_at === null ? {} : { lastAttemptAt: iso(r.last_attempt_at) }),
  updatedAt: iso(r.updated_at),
});

async function byId(db: Queryable, xid: string): Promise<SyncException | undefined> {
  const { rows } = await db.query<Row>(`SELECT * FROM (${JOBS}) j WHERE xid = $1`, [xid]);
  return rows[0] ? toApi(rows[0]) : undefined;
}

/**
 * `GET /admin/v1/ops/exceptions` and `POST /admin/v1/ops/exceptions/{id}/retry`: the downstream calls of order
 * intake and of the returns workflow that gave up, and putting one back in its worker's queue.
 */
export function createSyncExceptionHandlers(db: Database, now: () => Date = () => new Date()): SyncExceptionHandlers {
  return {
    async listSyncExceptions(req, caller) {
      const { cursor, limit = 20, workflow, system } = req.query;
      const params: unknown[] = [];
      const where = [`status = 'exception'`];
      if (workflow !== undefined) where.push(`workflow = $${params.push(workflow)}`);
      if (system !== undefined) where.push(`system = $${params.push(system)}`);
      if (cursor !== undefined) {
        const keyset = decodeKeysetCursor(cursor);
        if (!keyset) {
          return {
            status: 400,
            body: problem('validation', 400, 'Request validation failed', {
              detail: 'cursor is not one this API returned',
              correlationId: caller.correlationId,
              errors: [{ pointer: '#/query/cursor', message: 'not a cursor this API issued' }],
            }),
          };
        }
        const at = params.push(keyset[0]);
        const id = params.push(keyset[1]);
        where.push(`(updated_at, xid) < ($${at}::timestamptz, $${id})`);
      }
      const { rows } = await db.query<Row>(
        `SELECT * FROM (${JOBS}) j WHERE ${where.join(' AND ')} ORDER BY updated_at DESC, xid DESC LIMIT $${params.push(limit + 1)}`,
        params,
      );
      const items = rows.slice(0, limit).map(toApi);
      const last = items.at(-1);
      return { status: 200, body: { items, nextCursor: rows.length > limit && last ? encodeKeysetCursor(last.updatedAt, last.id) : null } };
    },

    async retrySyncException(req, caller) {
      const xid = req.params.exceptionId;
      const jobId = Number(xid.slice(4));
      if (xid.startsWith('osj_')) await retryOrderSync(db, jobId, now());
      else await retryReturnJob(db, jobId, now());
      const job = await byId(db, xid);
      if (!job) return { status: 404, body: problem('not-found', 404, 'Not found', { detail: `No downstream call ${xid}.`, correlationId: caller.correlationId }) };
      return { status: 200, body: job };
    },
  };
}

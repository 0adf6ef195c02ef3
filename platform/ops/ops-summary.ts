import type { AdminV1Handlers } from '../../generated/handlers/platform/admin.v1';
import { countOrdersAwaitingErp, countOrdersInException } from '../../process-apis/orders/metrics';
import { countRefundExceptionsByChannel, countReturnsPendingDisposition } from '../../process-apis/returns/metrics';
import type { Queryable } from '../db/database';
import { countPendingDeadLetters } from '../events/dead-letters';
import { backlogSize } from '../events/outbox';

export type OpsSummaryHandlers = Pick<AdminV1Handlers, 'getOpsSummary'>;

/**
 * `GET /admin/v1/ops/summary`: the business-health counts behind the portal's ops view. Each comes from the same
 * query as its gauge on /metrics, so the two never disagree. Every role migrates every schema, so any role can
 * answer it.
 */
export function createOpsSummaryHandlers(db: Queryable, now: () => Date = () => new Date()): OpsSummaryHandlers {
  return {
    async getOpsSummary() {
      const [ordersAwaitingErp, ordersInException, returnsPendingDisposition, refundsByChannel, deadLetters, outboxBacklog] = await Promise.all([
        countOrdersAwaitingErp(db),
        countOrdersInException(db),
        countReturnsPendingDisposition(db),
        countRefundExceptionsByChannel(db),
        countPendingDeadLetters(db),
        backlogSize(db),
      ]);
      let refundExceptions = 0;
      for (const n of refundsByChannel.values()) refundExceptions += n;
      return {
        status: 200,
        body: { ordersAwaitingErp, ordersInException, returnsPendingDisposition, refundExceptions, deadLetters, outboxBacklog, generatedAt: now().toISOString() },
      };
    },
  };
}

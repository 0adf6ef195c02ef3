import type { StoredOrder } from '../orders/model';
import type { SystemClients } from '../orders/sync/downstream';
import { classify } from '../orders/sync/downstream';
import type { StoredReturn } from './model';

export interface ReturnJob {
  id: number;
  returnId: string;
  system: 'erp' | 'wms';
  kind: 'credit_memo' | 'return_receipt';
  locationId: string;
  channel: string;
  attempts: number;
}

export type CallOutcome =
  | { kind: 'ok'; externalRef?: string }
  /** Try again later: 5xx, timeout, network; 429 with Retry-After (`throttled`). */
  | { kind: 'transient'; error: string; retryAfterMs?: number; throttled: boolean }
  /** Not yet possible for a reason on Concord's side (the order's sales order is not in ERP yet): no attempt counted. */
  | { kind: 'waiting'; error: string }
  /** Refused for good (4xx): retrying cannot help. */
  | { kind: 'permanent'; error: string };


/** The ERP credit memo of an approved refund: the returned goods at their net value, and where the money goes. */
export function creditMemoRequest(stored: StoredReturn) {
  const ret = stored.return;
  const refund = ret.refund!;
  const currency = refund.total.currency;
  const exchange = refund.exchangeDifference?.amount ?? 0;
  const allocations = [...refund.allocations];
  // The replacement order was paid with store credit worth what the returned goods paid for: ERP credits it too.
  if (exchange > 0) allocations.push({ tenderType: 'store_credit', amount: { currency, amount: exchange }, ...(ret.exchange?.replacementOrderId ? { reference: ret.exchange.replacementOrderId } : {}) });
  return {
    externalRef: ret.id,
    orderExternalRef: ret.orderId,
    reason: [...new Set(ret.lines.map((l) => l.reason))].join(', '),
    amount: { currency, amount: refund.total.amount + exchange },
    taxReversed: refund.taxReversed,
    lines: stored.refundLines.map((l) => ({
      ...(/^\d+$/.test(l.orderLineId) ? { salesOrderLineNo: Number(l.orderLineId) } : {}),
      sku: l.sku,
      quantity: l.quantity,
      amount: { currency, amount: Math.max(0, l.items - l.promotion - l.restockingFee) },
      tax: { currency, amount: l.tax },
    })),
    allocations,
  };
}

/** The WMS return receipt of one DC: each line's units received there, with the condition inspection found. */
export function returnReceiptRequest(stored: StoredReturn, locationId: string) {
  const ret = stored.return;
  const units = new Map<string, number>();
  const receipts = stored.receipts.filter((r) => r.locationId === locationId);
  for (const r of receipts) for (const l of r.lines) units.set(l.lineId, (units.get(l.lineId) ?? 0) + l.quantity);
  return {
    returnId: ret.id,
    locationId,
    lines: [...units].map(([lineId, quantity]) => {
      const line = ret.lines.find((l) => l.lineId === lineId)!;
      return { returnLineId: lineId, sku: line.sku, quantity, condition: line.condition ?? 'new' };
    }),
    ...(receipts[0] ? { receivedAt: receipts[0].receivedAt } : {}),
  };
}

/** Why a job cannot go out yet, for a reason on Concord's side: a credit memo needs its order's sales order in ERP. */
export function blockedBy(job: ReturnJob, stored: StoredReturn, order: StoredOrder | undefined): string | undefined {
  if (job.kind !== 'credit_memo' || order?.order.sync.erp.status === 'synced') return undefined;
  return `the sales order of ${stored.return.orderId} is not in ERP yet`;
}

/**
 * One job as a call through the generated client of its system. The credit memo is idempotent at ERP by
 * `externalRef` (the return id); the WMS receipt by an Idempotency-Key per return and DC. A job retried after a
 * lost response therefore never posts twice.
 */
export async function performJob(job: ReturnJob, stored: StoredReturn, clients: SystemClients, nowMs: number): Promise<CallOutcome> {
  const header = { 'X-Correlation-ID': `return-job-${job.id}` };
  try {
    if (job.kind === 'credit_memo') {
      if (!stored.return.refund) return { kind: 'permanent', error: `return ${job.returnId} has no refund` };
      return classify(await clients.erp.POST('/system/erp/v1/credit-memos', { params: { header }, body: creditMemoRequest(stored) }), nowMs);
    }
    return classify(
      await clients.wms.POST('/system/wms/v1/return-receipts', {
        params: { header: { ...header, 'Idempotency-Key': `${job.returnId}:${job.locationId}:receipt` } },
        body: returnReceiptRequest(stored, job.locationId),
      }),
      nowMs,
    );
  } catch (err) {
    // Network errors and timeouts: the system may or may not have the document; its idempotency makes a retry safe.
    return { kind: 'transient', error: (err as Error).message, throttled: false };
  }
}

import type { ErpV1Client } from '../../../generated/clients/system/erp.v1';
import type { PosV1Client } from '../../../generated/clients/system/pos.v1';
import type { WmsV1Client } from '../../../generated/clients/system/wms.v1';
import { retryAfterMs } from '../../../platform/http/retry-after';
import type { StoredOrder, System } from '../model';

export interface SystemClients {
  erp: ErpV1Client;
  wms: WmsV1Client;
  pos: PosV1Client;
}

export interface SyncJob {
  id: number;
  orderId: string;
  system: System;
  action: 'create' | 'cancel';
  groupId: string | null;
  attempts: number;
  /** For a cancel: the document id the create got back. */
  createdRef?: string;
}

export type CallOutcome =
  | { kind: 'ok'; externalRef?: string }
  /** Try again later: 5xx, timeout, network; 429 with Retry-After (`throttled`). */
  | { kind: 'transient'; error: string; retryAfterMs?: number; throttled: boolean }
  /** The system refused this document for good (4xx): retrying cannot help. */
  | { kind: 'permanent'; error: string };

/** What a generated client call resolves to, as far as classifying it needs. */
export interface ClientResult {
  data?: { id?: string } | undefined;
  error?: unknown;
  response: Response;
}

/** A system's answer as a worker outcome: the order sync worker and the returns worker classify alike. */
export function classify(result: ClientResult, nowMs: number): CallOutcome {
  const { response } = result;
  if (response.ok) return { kind: 'ok', ...(result.data?.id ? { externalRef: result.data.id } : {}) };
  const detail = (result.error as { detail?: string; title?: string } | undefined)?.detail ?? (result.error as { title?: string } | undefined)?.title ?? '';
  const error = `HTTP ${response.status}${detail ? `: ${detail}` : ''}`;
  const after = retryAfterMs(response.headers.get('retry-after'), nowMs);
  if (response.status === 429) return { kind: 'transient', error, throttled: true, ...(after !== undefined ? { retryAfterMs: after } : {}) };
  if (response.status >= 500 || response.status === 408) return { kind: 'transient', error, throttled: false, ...(after !== undefined ? { retryAfterMs: after } : {}) };
  return { kind: 'permanent', error };
}

const lineIdsOf = (stored: StoredOrder, groupId: string) => new Set(stored.order.fulfilmentGroups.find((g) => g.id === groupId)?.lineIds ?? []);

/**
 * One sync job as a call through the generated client of its system. Every create is naturally idempotent at the
 * system (by `externalRef`), so a job that is retried after a lost response never creates a second document.
 */
export async function performJob(job: SyncJob, stored: StoredOrder, clients: SystemClients, correlationId: string, nowMs: number): Promise<CallOutcome> {
  const o = stored.order;
  const header = { 'X-Correlation-ID': correlationId };
  try {
    if (job.system === 'erp' && job.action === 'create') {
      const discount = o.totals.discount.amount;
      return classify(
        await clients.erp.POST('/system/erp/v1/sales-orders', {
          params: { header },
          body: {
            externalRef: o.id,
            channel: o.channel,
            channelOrderId: o.channelOrderId,
            customer: o.customer,
            currency: o.currency,
            ...(o.shippingAddress ? { shippingAddress: o.shippingAddress } : {}),
            lines: o.lines.map((l, i) => ({ lineNo: i + 1, orderLineId: l.lineId, sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice, ...(l.tax ? { tax: l.tax } : {}) })),
            shipping: o.totals.shipping,
            ...(discount ? { discount: o.totals.discount } : {}),
            tenders: o.tenders,
          },
        }),
        nowMs,
      );
    }
    if (job.action === 'cancel') {
      if (!job.createdRef) return { kind: 'ok' };
      const body = { reason: 'order cancelled in Concord' };
      if (job.system === 'erp') {
        return classify(await clients.erp.POST('/system/erp/v1/sales-orders/{salesOrderId}/cancel', { params: { header, path: { salesOrderId: job.createdRef } }, body }), nowMs);
      }
      if (job.system === 'wms') {
        return classify(
          await clients.wms.POST('/system/wms/v1/fulfilment-orders/{fulfilmentOrderId}/cancel', { params: { header, path: { fulfilmentOrderId: job.createdRef } }, body }),
          nowMs,
        );
      }
      return classify(await clients.pos.POST('/system/pos/v1/pickups/{pickupId}/cancel', { params: { header, path: { pickupId: job.createdRef } }, body }), nowMs);
    }
    const group = o.fulfilmentGroups.find((g) => g.id === job.groupId);
    if (!group) return { kind: 'permanent', error: `fulfilment group ${job.groupId} is not on the order` };
    const ids = lineIdsOf(stored, group.id);
    const lines = o.lines.filter((l) => ids.has(l.lineId)).map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.quantity }));
    const externalRef = `${o.id}:${group.id}`;
    if (job.system === 'wms') {
      if (!o.shippingAddress) return { kind: 'permanent', error: 'the order has no shipping address' };
      return classify(
        await clients.wms.POST('/system/wms/v1/fulfilment-orders', { params: { header }, body: { externalRef, orderId: o.id, nodeId: group.nodeId, lines, shipTo: o.shippingAddress } }),
        nowMs,
      );
    }
    return classify(await clients.pos.POST('/system/pos/v1/pickups', { params: { header }, body: { externalRef, orderId: o.id, storeId: group.nodeId, lines, customer: o.customer } }), nowMs);
  } catch (err) {
    // Network errors and timeouts: the system may or may not have the document; its idempotency makes a retry safe.
    return { kind: 'transient', error: (err as Error).message, throttled: false };
  }
}

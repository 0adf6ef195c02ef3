import type { VendorError } from '../vendor-stub/types';

/**
 * How one call to the vendor ended, in the terms the adapter decides on. `unknown` is the case that matters for
 * posting exactly once: a timeout or a dropped connection says nothing about whether the vendor booked the document.
 */
export type VendorOutcome<T> =
  | { kind: 'ok'; status: number; body: T }
  /** The vendor refused the request (a business error); nothing was booked. */
  | { kind: 'rejected'; status: number; error: VendorError }
  /** The vendor said it did nothing: maintenance (503), internal error (5xx), throttling (429). */
  | { kind: 'unavailable'; throttled: boolean; retryAfterSeconds: number; detail: string }
  /** No answer: timeout, reset, refused connection. The request may or may not have been carried out. */
  | { kind: 'unknown'; detail: string };

export interface VendorClient {
  call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<VendorOutcome<T>>;
}

/** When the vendor is in maintenance it gives no hint how long; Concord is told to come back after this. */
const DEFAULT_RETRY_SECONDS = 5;

export function createVendorClient(baseUrl: string, timeoutMs: number): VendorClient {
  return {
    async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<VendorOutcome<T>> {
      let res: Response;
      try {
        res = await fetch(`${baseUrl}${path}`, {
          method,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        // Connection refused means the request never arrived: that is "down", not "unknown".
        const code = (err as { cause?: { code?: string } }).cause?.code;
        if (code === 'ECONNREFUSED') return { kind: 'unavailable', throttled: false, retryAfterSeconds: DEFAULT_RETRY_SECONDS, detail: 'the ERP refused the connection' };
        return { kind: 'unknown', detail: (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'the connection to the ERP broke' };
      }
      let parsed: unknown;
      try {
        parsed = await res.json();
      } catch {
        // A body cut off mid-way after a 2xx is as good as no answer for a write.
        if (res.ok) return { kind: 'unknown', detail: 'the ERP answer was cut off' };
        parsed = undefined;
      }
      if (res.ok) return { kind: 'ok', status: res.status, body: parsed as T };
      if (res.status === 429) {
        // The vendor's own throttling header, in milliseconds; Retry-After counts whole seconds, rounded up.
        const waitMs = Number(res.headers.get('x-ledgerline-wait'));
        return { kind: 'unavailable', throttled: true, retryAfterSeconds: Number.isFinite(waitMs) && waitMs > 0 ? Math.ceil(waitMs / 1000) : DEFAULT_RETRY_SECONDS, detail: 'the ERP is throttling' };
      }
      if (res.status >= 500) return { kind: 'unavailable', throttled: false, retryAfterSeconds: DEFAULT_RETRY_SECONDS, detail: `the ERP answered ${res.status}` };
      const error = parsed as Partial<VendorError> | undefined;
      return { kind: 'rejected', status: res.status, error: { errCode: String(error?.errCode ?? `HTTP/${res.status}`), errText: String(error?.errText ?? 'no reason given') } };
    },
  };
}

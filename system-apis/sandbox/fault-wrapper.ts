import type { CallerContext } from '../../platform/http/handler-types';
import { problem } from '../../platform/server/problem';
import { SYSTEM_LABEL } from '../common/deps';
import type { FaultController, FaultVerdict } from './faults';

/** Any generated handler: the wrapper passes the request through untouched, so its exact type does not matter. */
type AnyHandler = (req: never, caller: CallerContext) => Promise<unknown>;

/** The answer a failing verdict gets: 429 `system-throttled` or 503 `system-unavailable`, with Retry-After. */
export function faultResponse(verdict: Extract<FaultVerdict, { kind: 'throttled' | 'unavailable' }>, faults: FaultController, caller: CallerContext) {
  const label = SYSTEM_LABEL[faults.system];
  const headers = { 'Retry-After': String(verdict.retryAfterSeconds) };
  if (verdict.kind === 'throttled') {
    return {
      status: 429 as const,
      headers,
      body: problem('system-throttled', 429, `${label} is throttling requests`, {
        detail: `Retry after ${verdict.retryAfterSeconds} seconds.`,
        correlationId: caller.correlationId,
      }),
    };
  }
  const detail =
    verdict.mode === 'down'
      ? `The sandbox ${label} is down (fault injection). Nothing was changed.`
      : `The sandbox ${label} failed this request (flaky fault, failure rate ${verdict.failureRate}). Nothing was changed.`;
  return {
    status: 503 as const,
    headers,
    body: problem('system-unavailable', 503, `${label} is unavailable`, { detail, correlationId: caller.correlationId }),
  };
}

/**
 * Applies a system's fault to every operation of `handlers`: a failing verdict answers before the handler runs,
 * so a faulted request changes nothing; `slow` delays the handler. Apply it to the business operations only, never
 * to the sandbox endpoints, which must stay reachable to clear the fault. Every operation it wraps declares 429 and
 * 503 in its contract, which is what makes the cast sound.
 */
export function withFaults<T extends { [K in keyof T]: AnyHandler }>(handlers: T, faults: FaultController): T {
  const wrapped: Partial<Record<keyof T, AnyHandler>> = {};
  for (const key of Object.keys(handlers) as Array<keyof T>) {
    const handler: AnyHandler = handlers[key];
    wrapped[key] = async (req: never, caller: CallerContext) => {
      const verdict = await faults.judge();
      if (verdict.kind === 'throttled' || verdict.kind === 'unavailable') return faultResponse(verdict, faults, caller);
      if (verdict.kind === 'delay' && verdict.ms > 0) await faults.clock.sleep(verdict.ms);
      return handler(req, caller);
    };
  }
  return wrapped as T;
}

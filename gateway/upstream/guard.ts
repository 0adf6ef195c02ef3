import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BreakerState, CircuitBreaker } from '../../platform/http/circuit-breaker';
import { breakerGauge, createCircuitBreaker } from '../../platform/http/circuit-breaker';
import { PROBLEM_CONTENT_TYPE, problem } from '../../platform/server/problem';
import { breakerStatus } from '../../platform/server/readiness';
import type { DependencyStatus } from '../../platform/server/readiness';
import type { GatewayMetrics } from '../metrics/gateway-metrics';

export interface UpstreamGuardOptions {
  /** Per call: longer is a 504 `upstream-timeout`. */
  timeoutMs: number;
  breaker?: { failureThreshold?: number; openMs?: number };
  metrics: Pick<GatewayMetrics, 'circuitBreakerState' | 'upstreamFailures'>;
  now?: () => number;
}

/** The timeout and circuit breaker of one upstream target (a service in process, or a role over HTTP). */
export interface UpstreamGuard {
  readonly name: string;
  readonly breaker: CircuitBreaker;
  readonly timeoutMs: number;
  /** Answers 503 at once while the breaker is open; otherwise false, and the call may go out. */
  refuse(req: FastifyRequest, reply: FastifyReply): FastifyReply | false;
  /** Records an outcome: a 5xx, a timeout or a failure to reach the target counts against the breaker. */
  outcome(ok: boolean, kind?: string): void;
  /** The problem answer for a failed call. No internal host names: the target is named by its role or service. */
  fail(req: FastifyRequest, reply: FastifyReply, status: 502 | 503 | 504, kind: string, detail: string, retryAfterS?: number): FastifyReply;
}

/** One guard per target, created on first use and shared by every route of that target. */
export function createUpstreamGuards(options: UpstreamGuardOptions) {
  const now = options.now ?? Date.now;
  const guards = new Map<string, UpstreamGuard>();

  function create(name: string): UpstreamGuard {
    const gauge = (state: BreakerState) => options.metrics.circuitBreakerState.set({ target: `upstream:${name}` }, breakerGauge(state));
    gauge('closed');
    const breaker = createCircuitBreaker({ ...options.breaker, now, onStateChange: gauge });
    const guard: UpstreamGuard = {
      name,
      breaker,
      timeoutMs: options.timeoutMs,
      refuse(req, reply) {
        if (breaker.tryAcquire()) return false;
        const retryAfter = Math.max(1, Math.ceil((breaker.retryAt() - now()) / 1000));
        return guard.fail(req, reply, 503, 'breaker-open', `The ${name} service is failing; its circuit breaker is open.`, retryAfter);
      },
      outcome(ok, kind) {
        if (ok) return breaker.onSuccess();
        breaker.onFailure();
        if (kind) options.metrics.upstreamFailures.inc({ target: name, kind });
      },
      fail(req, reply, status, kind, detail, retryAfterS) {
        // Refusals without a call (open breaker, full queue) are counted here; calls that failed in `outcome`.
        if (kind === 'breaker-open' || kind === 'saturated') options.metrics.upstreamFailures.inc({ target: name, kind });
        if (retryAfterS !== undefined) reply.header('Retry-After', String(retryAfterS));
        return reply
          .code(status)
          .type(PROBLEM_CONTENT_TYPE)
          .send(
            problem(status === 504 ? 'upstream-timeout' : 'upstream-unavailable', status, status === 504 ? 'Upstream timed out' : 'Upstream unavailable', {
              detail,
              correlationId: req.id,
            }),
          );
      },
    };
    return guard;
  }

  return {
    /** Each target's breaker as `upstream:<name>` for /readyz (targets appear once first called). */
    statuses(): Record<string, DependencyStatus> {
      return Object.fromEntries([...guards.values()].map((g) => [`upstream:${g.name}`, breakerStatus(g.breaker)]));
    },
    for(name: string): UpstreamGuard {
      let g = guards.get(name);
      if (!g) guards.set(name, (g = create(name)));
      return g;
    },
  };
}

export type UpstreamGuards = ReturnType<typeof createUpstreamGuards>;

export class UpstreamTimeout extends Error {
  override readonly name = 'UpstreamTimeout';
}

/** Resolves with `work`, or rejects with UpstreamTimeout after `ms`. The work itself keeps running. */
export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UpstreamTimeout(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

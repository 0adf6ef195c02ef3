import type { UpstreamConfig } from './types';

/** The defaults of an upstream's optional fields (README, "Upstream catalogue"; ADR 0009). */
export const UPSTREAM_DEFAULTS = {
  timeoutMs: 10_000,
  maxInFlight: 64,
  queue: { maxWaitMs: 1_000 },
  retries: { attempts: 2, backoffMs: 100, maxBackoffMs: 2_000 },
  breaker: { failureThreshold: 5, openMs: 10_000 },
} as const;

/** An upstream as the file may write it: only `url` is required. */
export type UpstreamInput = Partial<Omit<UpstreamConfig, 'name' | 'queue' | 'retries' | 'breaker' | 'headers' | 'path' | 'rateLimit'>> & {
  url: string;
  rateLimit?: { perSecond: number; burst?: number };
  queue?: Partial<UpstreamConfig['queue']>;
  retries?: Partial<UpstreamConfig['retries']>;
  breaker?: Partial<UpstreamConfig['breaker']>;
  headers?: Partial<UpstreamConfig['headers']>;
  path?: UpstreamConfig['path'];
};

export function withDefaults(name: string, u: UpstreamInput): UpstreamConfig {
  const d = UPSTREAM_DEFAULTS;
  return {
    name,
    url: u.url.replace(/\/+$/, ''),
    timeoutMs: u.timeoutMs ?? d.timeoutMs,
    maxInFlight: u.maxInFlight ?? d.maxInFlight,
    // A burst of one second's worth unless said otherwise.
    ...(u.rateLimit ? { rateLimit: { perSecond: u.rateLimit.perSecond, burst: u.rateLimit.burst ?? Math.max(1, Math.ceil(u.rateLimit.perSecond)) } } : {}),
    queue: { ...d.queue, ...u.queue },
    retries: { ...d.retries, ...u.retries },
    breaker: { ...d.breaker, ...u.breaker },
    ...(u.tls ? { tls: u.tls } : {}),
    ...(u.auth ? { auth: u.auth } : {}),
    headers: { add: u.headers?.add ?? {}, strip: u.headers?.strip ?? [] },
    path: u.path ?? {},
  };
}

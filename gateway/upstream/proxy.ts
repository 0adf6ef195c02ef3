import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Dispatcher } from 'undici';
import { errors as undiciErrors } from 'undici';
import type { Credentials } from './credentials';
import type { Gate } from './gate';
import type { UpstreamGuard } from './guard';
import { markUpstreamResponse } from './in-process';
import type { RetryPolicy } from './retry-policy';
import { RETRIED_STATUSES, mayRetry, retryDelayMs } from './retry-policy';

/** Response headers not passed back: framing (Fastify sets its own) and what this gateway sets itself. */
const NOT_RETURNED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date', 'x-correlation-id', 'traceparent', 'ratelimit', 'ratelimit-policy']);

/** One HTTP target of the gateway: a Concord role (`--role gateway`) or a catalogue upstream. */
export interface ProxyTarget {
  /** Names the target in problems and logs: never a host name. */
  name: string;
  pool: Dispatcher;
  guard: UpstreamGuard;
  /** The outbound request headers; always includes X-Correlation-ID and traceparent. */
  headers(req: FastifyRequest): Record<string, string>;
  /** The outbound path and query. */
  path(req: FastifyRequest): string;
  /** Whether an answer with this status counts against the breaker. */
  isFailure(status: number): boolean;
  /** Catalogue upstreams only: in-flight and rate cap with a bounded queue, retries, Concord's own credentials. */
  gate?: Gate;
  retry?: RetryPolicy;
  credentials?: Credentials;
  /** Injected by tests so no retry waits on the wall clock. */
  sleep?: (ms: number) => Promise<unknown>;
  random?: () => number;
}

type Attempt = { res: Dispatcher.ResponseData; payload: Buffer } | { failed: 'timeout' | 'unreachable'; err: unknown };

/**
 * The proxied call: gate (when capped), breaker, the request with its timeout, retries where they are safe, and
 * the answer passed back as the upstream gave it. Failures answer 503/504 problem+json without internal names.
 */
export function proxyHandler(t: ProxyTarget): RouteHandlerMethod {
  const { guard, gate } = t;
  const sleep = t.sleep ?? ((ms: number) => delay(ms));

  async function call(req: FastifyRequest, headers: Record<string, string>, path: string, body: string | Buffer | undefined): Promise<Attempt> {
    try {
      const res = await t.pool.request({
        path,
        method: req.method as Dispatcher.HttpMethod,
        headers,
        ...(body !== undefined ? { body } : {}),
        headersTimeout: guard.timeoutMs,
        bodyTimeout: guard.timeoutMs,
      });
      try {
        return { res, payload: Buffer.from(await res.body.arrayBuffer()) };
      } catch (err) {
        return { failed: 'timeout', err };
      }
    } catch (err) {
      const timedOut = err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError;
      return { failed: timedOut ? 'timeout' : 'unreachable', err };
    }
  }

  async function send(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const headers = t.headers(req);
    const path = t.path(req);
    // The body was parsed (and validated) here; it is sent on as JSON. Only JSON bodies reach proxied routes.
    const body = req.body === undefined || req.body === null ? undefined : typeof req.body === 'string' || Buffer.isBuffer(req.body) ? req.body : JSON.stringify(req.body);
    const retries = t.retry && mayRetry(req.method, req.headers) ? t.retry : undefined;
    let reauthorized = false;
    for (let retry = 1; ; retry++) {
      if (t.credentials) {
        const pending = t.credentials.apply(headers);
        if (pending) {
          try {
            await pending;
          } catch (err) {
            guard.outcome(false, 'credentials');
            req.log.warn({ err, upstream: t.name }, 'no credentials for the upstream');
            return guard.fail(req, reply, 503, 'credentials', `Concord could not obtain its credentials for the ${t.name} service.`, 1);
          }
        }
      }
      const attempt = await call(req, headers, path, body);
      if ('failed' in attempt) {
        guard.outcome(false, attempt.failed);
        req.log.warn({ err: attempt.err, upstream: t.name, attempt: retry }, 'upstream call failed');
        const wait = retries ? retryDelayMs(retries, retry, undefined, undefined, t.random) : undefined;
        if (wait !== undefined && guard.breaker.tryAcquire()) {
          await sleep(wait);
          continue;
        }
        return attempt.failed === 'timeout'
          ? guard.fail(req, reply, 504, 'timeout', `The ${t.name} service did not answer within ${guard.timeoutMs} ms.`)
          : guard.fail(req, reply, 503, 'unreachable', `The ${t.name} service could not be reached.`, 1);
      }
      const { res, payload } = attempt;
      // Our own token was refused: fetch a fresh one and send once more (the upstream did nothing with a 401).
      if (res.statusCode === 401 && t.credentials && !reauthorized && t.credentials.rejected(headers)) {
        reauthorized = true;
        retry -= 1;
        continue;
      }
      guard.outcome(!t.isFailure(res.statusCode), '5xx');
      if (retries && RETRIED_STATUSES.has(res.statusCode)) {
        const wait = retryDelayMs(retries, retry, res.statusCode, res.headers['retry-after'], t.random);
        if (wait !== undefined && guard.breaker.tryAcquire()) {
          await sleep(wait);
          continue;
        }
      }
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined && !NOT_RETURNED.has(name)) reply.header(name, value);
      }
      markUpstreamResponse(req);
      return reply.code(res.statusCode).send(payload);
    }
  }

  if (!gate) {
    return async function proxied(req: FastifyRequest, reply: FastifyReply) {
      return guard.refuse(req, reply) || send(req, reply);
    };
  }
  return async function gated(req: FastifyRequest, reply: FastifyReply) {
    // The gate first: a breaker's half-open trial must not be taken by a call that then waits in the queue.
    let admitted: boolean | Promise<boolean> = gate.acquire();
    if (admitted !== true) admitted = await admitted;
    if (!admitted) {
      return guard.fail(req, reply, 503, 'saturated', `The ${t.name} service is at its capacity; try again shortly.`, 1);
    }
    try {
      return guard.refuse(req, reply) || (await send(req, reply));
    } finally {
      gate.release();
    }
  };
}

import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyBodyParser, FastifyInstance } from 'fastify';
import type { Logger } from '../logger';
import { PROBLEM_CONTENT_TYPE, problem } from './problem';
import { bindLog } from './log-bindings';
import { continueTrace } from './trace-context';
import type { InputError } from './input-guard';
import { nulInForm, nulInJson, nulInUrl } from './input-guard';
import { createReadinessRegistry } from './readiness';
import type { ReadinessCheck, ReadinessRegistry } from './readiness';

declare module 'fastify' {
  interface FastifyRequest {
    /** This hop's W3C traceparent, passed on to upstream calls and events. */
    traceparent: string;
  }
}

export type { ReadinessCheck } from './readiness';

export interface AppDeps {
  logger: Logger;
  /** What `/readyz` reports; a plain record is a set of essential checks. */
  readiness: ReadinessRegistry | Record<string, ReadinessCheck>;
  /** More of `/readyz`'s body that does not decide readiness, e.g. which contract sources are served. */
  readinessDetails?: () => Record<string, unknown>;
  /** False until start-up has finished; until then only /healthz and /readyz answer. */
  isStarted: () => boolean;
  /**
   * Which proxies' X-Forwarded-For to believe for the client address (CONCORD_TRUST_PROXY): none by default, so a
   * client cannot pick the address that per-address limits (portal sign-in) count it under.
   */
  trustProxy?: boolean | string;
}

const ALWAYS_SERVED = new Set(['/healthz', '/readyz']);

const CORRELATION_HEADER = 'x-correlation-id';
const VALID_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Bodies over 1 MB are 413; every input has a size limit. */
export const BODY_LIMIT = 1024 * 1024;
export const MAX_JSON_DEPTH = 32;

/** A parser error the error handler answers as a 400 validation problem naming the refused value. */
const refusedInput = (error: InputError) =>
  Object.assign(new Error(`${error.pointer} ${error.message}`), { statusCode: 400, code: 'CONCORD_INPUT_REFUSED', errors: [error] });

/** Iterative, so that the check itself cannot overflow the stack. */
export function exceedsDepth(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * The HTTP server shell: correlation ids, problem+json errors, health and readiness. The gateway pipeline
 * registers its routes on this instance as a plugin.
 */
export function buildApp(deps: AppDeps): FastifyInstance {
  const readiness = isRegistry(deps.readiness) ? deps.readiness : createReadinessRegistry(deps.readiness);
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    routerOptions: { maxParamLength: 200 },
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers[CORRELATION_HEADER];
      return typeof given === 'string' && VALID_CORRELATION_ID.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    trustProxy: deps.trustProxy ?? false,
    // Node's HTTP parser refuses headers over 16 KB before any route runs; say so as problem+json.
    clientErrorHandler: (err: NodeJS.ErrnoException, socket) => {
      const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
      const status = tooLarge ? 431 : 400;
      const body = JSON.stringify(
        tooLarge
          ? problem('headers-too-large', 431, 'Request headers too large', { detail: 'Request headers are limited to 16 KB.' })
          : problem('bad-request', 400, 'Bad request', { detail: 'The request could not be parsed.' }),
      );
      if (socket.writable) {
        socket.end(
          `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nX-Content-Type-Options: nosniff\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      } else socket.destroy(err);
    },
  });

  // Fastify's JSON parser with a nesting limit on top: a deeply nested body is a cheap way to burn CPU in every
  // later step (validation, canonicalisation for idempotency), so it is refused up front.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const parseLimitedJson: FastifyBodyParser<string> = (req, body, done) => {
    parseJson(req, body, (err, value) => {
      if (err) return done(err, undefined);
      if (exceedsDepth(value, MAX_JSON_DEPTH)) {
        return done(Object.assign(new Error(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`), { statusCode: 400, code: 'CONCORD_JSON_TOO_DEEP' }), undefined);
      }
      const nul = nulInJson(body, value);
      if (nul) return done(refusedInput(nul), undefined);
      done(null, value);
    });
  };
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseLimitedJson);
  app.addContentTypeParser(/^application\/[a-z0-9.+-]*\+json$/, { parseAs: 'string' }, parseLimitedJson);
  // OAuth clients send the token request form-encoded (RFC 6749 §4.4.2). Flat key/value pairs, first value wins.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const params = new URLSearchParams(body as string);
    const out: Record<string, string> = Object.create(null);
    for (const [k, v] of params) if (!(k in out)) out[k] = v;
    const nul = nulInForm(out);
    if (nul) return done(refusedInput(nul), undefined);
    done(null, out);
  });

  app.decorateRequest('traceparent', '');
  app.addHook('onRequest', async (req, reply) => {
    reply.header('X-Correlation-ID', req.id);
    // Every answer is JSON or problem+json (the portal's pages set their own types): never let a browser sniff one into HTML.
    reply.header('X-Content-Type-Options', 'nosniff');
    const trace = continueTrace(req.headers.traceparent);
    req.traceparent = trace.traceparent;
    bindLog(req, { traceId: trace.traceId });
    if (!deps.isStarted() && !ALWAYS_SERVED.has(req.url.split('?')[0] ?? '')) {
      return reply
        .code(503)
        .header('Retry-After', '1')
        .type(PROBLEM_CONTENT_TYPE)
        .send(problem('not-ready', 503, 'Concord is starting', { correlationId: req.id }));
    }
    const nul = nulInUrl(req.url, req.params);
    if (nul) {
      return reply
        .code(400)
        .type(PROBLEM_CONTENT_TYPE)
        .send(problem('validation', 400, 'Request validation failed', { correlationId: req.id, errors: [nul] }));
    }
  });

  app.setNotFoundHandler((req, reply) => {
    void reply
      .code(404)
      .type(PROBLEM_CONTENT_TYPE)
      .send(problem('not-found', 404, 'Not found', { detail: `No route for ${req.method} ${req.url.split('?')[0]}`, correlationId: req.id }));
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string; errors?: InputError[] }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err }, 'unhandled error');
    const body =
      status === 413
        ? problem('payload-too-large', 413, 'Payload too large', { detail: `Bodies are limited to ${BODY_LIMIT} bytes.` })
        : err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (status === 400 && err instanceof SyntaxError)
          ? problem('malformed-json', 400, 'Malformed JSON body')
          : err.code === 'CONCORD_JSON_TOO_DEEP'
            ? problem('validation', 400, 'Request validation failed', { detail: err.message })
          : err.code === 'CONCORD_INPUT_REFUSED'
            ? problem('validation', 400, 'Request validation failed', { errors: err.errors ?? [] })
            : err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
              ? problem('unsupported-media-type', 415, 'Unsupported media type')
          : status === 500
            ? problem('internal', 500, 'Internal error', { detail: 'The error has been logged with this correlation id.' })
            : problem('bad-request', status, 'Bad request', { detail: err.message });
    void reply.code(status).type(PROBLEM_CONTENT_TYPE).send({ ...body, correlationId: req.id });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (req, reply) => {
    if (!deps.isStarted()) {
      return reply
        .code(503)
        .header('Retry-After', '1')
        .type(PROBLEM_CONTENT_TYPE)
        .send({ ...problem('not-ready', 503, 'Concord is starting', { correlationId: req.id }), checks: { startup: 'pending' } });
    }
    const report = await readiness.evaluate((check, err) => req.log.warn({ err, check }, 'readiness check failed'));
    const status = report.status === 'ok' ? 'ready' : 'degraded';
    const details = deps.readinessDetails?.() ?? {};
    if (report.ready) return { status, checks: report.checks, ...details };
    return reply
      .code(503)
      .type(PROBLEM_CONTENT_TYPE)
      .send({ ...problem('not-ready', 503, 'Not ready', { correlationId: req.id }), checks: report.checks, ...details });
  });

  return app;
}

function isRegistry(r: AppDeps['readiness']): r is ReadinessRegistry {
  return typeof (r as ReadinessRegistry).evaluate === 'function' && typeof (r as ReadinessRegistry).add === 'function';
}

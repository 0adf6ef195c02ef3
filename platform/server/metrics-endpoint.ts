import { timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { PROBLEM_CONTENT_TYPE, problem } from './problem';

/**
 * Who may read `/metrics` (ADR 0011): it names every app's client id, so it is never open to the world.
 * - `token` (CONCORD_METRICS_TOKEN): the main listener serves it to `Authorization: Bearer <token>` only;
 * - `port` (CONCORD_METRICS_PORT): its own listener on `host` (CONCORD_METRICS_HOST, default 127.0.0.1), and the
 *   main listener answers 404;
 * - neither: the main listener serves it to loopback callers only (Prometheus on the same host, `npm start`).
 */
export interface MetricsAccess {
  token?: string;
  port?: number;
  host: string;
}

const isLoopback = (address: string | undefined) =>
  address !== undefined && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));

function tokenMatches(header: string | undefined, token: string): boolean {
  if (header === undefined || !header.startsWith('Bearer ')) return false;
  const a = Buffer.from(header.slice(7));
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

const refuse = (req: FastifyRequest, reply: FastifyReply, status: 401 | 403 | 404, detail: string) => {
  if (status === 401) void reply.header('WWW-Authenticate', 'Bearer realm="concord-metrics"');
  const title = status === 401 ? 'Authentication required' : status === 403 ? 'Forbidden' : 'Not found';
  const kind = status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : 'not-found';
  return reply.code(status).type(PROBLEM_CONTENT_TYPE).send(problem(kind, status, title, { detail, correlationId: req.id }));
};

/** `/metrics` on the main listener, guarded as `access` says. */
export function registerMetricsRoute(app: FastifyInstance, registry: Registry, access: MetricsAccess): void {
  app.get('/metrics', async (req, reply) => {
    if (access.port !== undefined) return refuse(req, reply, 404, `No route for GET /metrics`);
    if (access.token !== undefined) {
      if (!tokenMatches(req.headers.authorization, access.token)) return refuse(req, reply, 401, 'Send the scrape credential (CONCORD_METRICS_TOKEN) as a bearer token.');
    } else if (!isLoopback(req.socket.remoteAddress) || !isLoopback(req.ip)) {
      return refuse(req, reply, 403, 'Metrics are served to loopback only; set CONCORD_METRICS_TOKEN or CONCORD_METRICS_PORT to scrape from elsewhere.');
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}

/** The separate metrics listener when `access.port` is set (0 picks a free port); undefined otherwise. */
export async function startMetricsListener(registry: Registry, access: MetricsAccess): Promise<{ url: string; close(): Promise<void> } | undefined> {
  if (access.port === undefined) return undefined;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': PROBLEM_CONTENT_TYPE, 'x-content-type-options': 'nosniff' }).end(JSON.stringify(problem('not-found', 404, 'Not found')));
      return;
    }
    if (access.token !== undefined && !tokenMatches(req.headers.authorization, access.token)) {
      res.writeHead(401, { 'content-type': PROBLEM_CONTENT_TYPE, 'www-authenticate': 'Bearer realm="concord-metrics"' }).end(JSON.stringify(problem('unauthorized', 401, 'Authentication required')));
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500, { 'content-type': PROBLEM_CONTENT_TYPE }).end(JSON.stringify(problem('internal', 500, 'Internal error'))),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(access.port, access.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${access.host.includes(':') ? `[${access.host}]` : access.host}:${port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

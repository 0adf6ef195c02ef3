import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { problemAnswer } from '../mapping/errors';
import type { Erp } from '../mapping/types';
import type { Answer, ErpOperations } from './operations';

const MAX_BODY = 1024 * 1024;
const BASE = '/system/erp/v1';

class BadRequest extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(detail);
  }
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new BadRequest(413, `the body exceeds ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BadRequest(400, 'the body is not JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest(400, 'the body must be a JSON object');
  return body as Record<string, unknown>;
}

/**
 * Concord's gateway validates every request against erp.v1 before it reaches an upstream, so the adapter only
 * guards what its mapping dereferences: a missing field would otherwise surface as a 500.
 */
function requireFields<T>(body: Record<string, unknown>, fields: readonly string[], arrays: readonly string[] = []): T {
  for (const f of fields) if (body[f] === undefined || body[f] === null) throw new BadRequest(400, `${f} is required`);
  for (const f of arrays) if (!Array.isArray(body[f]) || (body[f] as unknown[]).length === 0) throw new BadRequest(400, `${f} must be a non-empty array`);
  return body as T;
}

export interface AdapterServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export type ExtraRoute = (req: IncomingMessage, url: URL) => Promise<Answer | undefined>;

/**
 * The adapter's HTTP face: erp.v1's paths, each to one operation. Every answer carries the caller's
 * X-Correlation-ID back, and every problem carries it as `correlationId`, so one id follows a posting from
 * Concord's order through the adapter's log. `extra` serves the optional provider-state hook.
 */
export async function startAdapterServer(ops: ErpOperations, opts: { port?: number; host?: string; extra?: ExtraRoute; log?: (entry: Record<string, unknown>) => void } = {}): Promise<AdapterServer> {
  async function route(req: IncomingMessage, url: URL): Promise<Answer> {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const q = url.searchParams;
    if (method === 'GET' && path === `${BASE}/items`) return ops.listItems(q);
    let m = new RegExp(`^${BASE}/items/([^/]+)$`).exec(path);
    if (method === 'GET' && m) return ops.getItem(decodeURIComponent(m[1]!));
    if (method === 'GET' && path === `${BASE}/locations`) return ops.listLocations(q);
    if (path === `${BASE}/sales-orders`) {
      if (method === 'POST') return ops.createSalesOrder(requireFields<Erp['CreateSalesOrderRequest']>(await jsonBody(req), ['externalRef', 'channel', 'customer', 'currency'], ['lines']));
      if (method === 'GET') return ops.listSalesOrders(q);
    }
    m = new RegExp(`^${BASE}/sales-orders/([^/]+)(/cancel)?$`).exec(path);
    if (m && method === 'GET' && !m[2]) return ops.getSalesOrder(decodeURIComponent(m[1]!));
    if (m && method === 'POST' && m[2]) return ops.cancelSalesOrder(decodeURIComponent(m[1]!), requireFields<Erp['CancelSalesOrderRequest']>(await jsonBody(req), ['reason']));
    if (method === 'POST' && path === `${BASE}/credit-memos`) {
      return ops.createCreditMemo(requireFields<Erp['CreateCreditMemoRequest']>(await jsonBody(req), ['externalRef', 'orderExternalRef', 'amount', 'taxReversed'], ['lines', 'allocations']));
    }
    if (method === 'GET' && path === `${BASE}/inventory-adjustments`) return ops.listInventoryAdjustments(q);
    const extra = await opts.extra?.(req, url);
    if (extra) return extra;
    const p = path.startsWith(BASE)
      ? problemAnswer(501, 'not-implemented', 'Not implemented', `${method} ${path} is part of erp.v1 but not of what Concord's process APIs call; this adapter does not serve it.`)
      : problemAnswer(404, 'not-found', 'Not found', `${method} ${path} is not an erp.v1 operation.`);
    return { status: p.status, body: p.problem };
  }

  const send = (res: ServerResponse, answer: Answer, correlationId: string | undefined) => {
    const isProblem = answer.status >= 400;
    const body = isProblem && correlationId ? { ...(answer.body as object), correlationId } : answer.body;
    res.writeHead(answer.status, {
      'content-type': isProblem ? 'application/problem+json' : 'application/json',
      ...(correlationId ? { 'x-correlation-id': correlationId } : {}),
      ...answer.headers,
    });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://adapter');
    const header = req.headers['x-correlation-id'];
    const correlationId = typeof header === 'string' && header.length <= 200 ? header : undefined;
    route(req, url)
      .catch((err: unknown) => {
        if (err instanceof BadRequest) {
          const p = problemAnswer(err.status, err.status === 413 ? 'payload-too-large' : 'validation', err.status === 413 ? 'Payload too large' : 'Request validation failed', err.message);
          return { status: p.status, body: p.problem };
        }
        opts.log?.({ level: 'error', msg: 'adapter error', err: (err as Error).message, correlationId });
        const p = problemAnswer(500, 'internal', 'Internal error', 'The adapter failed; see its log.');
        return { status: p.status, body: p.problem };
      })
      .then((answer) => {
        opts.log?.({ level: 'info', msg: 'request', method: req.method, path: url.pathname, status: answer.status, correlationId });
        send(res, answer, correlationId);
      });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

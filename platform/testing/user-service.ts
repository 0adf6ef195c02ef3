import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { UpstreamConfig } from '../catalogue/types';
import { REPO_ROOT } from './temp-dir';

/**
 * A user's own HTTP service for "bring your own API" tests: plain node:http, no Concord code, answering the
 * contracts in platform/server/fixtures/external-contracts/ (the loyalty API, and a vendor's stock API).
 */
export const EXTERNAL_CONTRACTS = join(REPO_ROOT, 'platform', 'server', 'fixtures', 'external-contracts');

export interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Starts the service on an ephemeral port; every request it receives is appended to `seen`. */
export function startUserService(seen: Seen[]): Promise<Server> {
  const json = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const url = req.url!.split('?')[0]!;
      let m: RegExpExecArray | null;
      if ((m = /^\/loyalty\/v1\/members\/([^/]+)$/.exec(url))) {
        // m-bad: the service answers outside its own contract (a negative balance).
        return json(res, 200, m[1] === 'm-bad' ? { id: m[1], points: -5 } : { id: m[1], points: 120, tier: 'gold' });
      }
      if ((m = /^\/loyalty\/v1\/members\/([^/]+)\/points$/.exec(url)) && req.method === 'POST') {
        const credits = seen.filter((s) => s.method === 'POST').length;
        return json(res, 201, { id: m[1], points: 120 + credits * (JSON.parse(body) as { points: number }).points });
      }
      if (/^\/loyalty\/v1\/members\/[^/]+\/tier$/.test(url)) return json(res, 200, { tier: 'gold' });
      if ((m = /^\/stock\/v2\/items\/([^/]+)$/.exec(url))) return json(res, 200, { sku: m[1], quantity: null, note: null });
      return json(res, 404, { title: 'Not found', status: 404 });
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** A catalogue upstream entry with the loader's defaults, pointing at `url`. */
export const upstream = (name: string, url: string): UpstreamConfig => ({
  name,
  url,
  timeoutMs: 5_000,
  maxInFlight: 16,
  queue: { maxWaitMs: 1_000 },
  retries: { attempts: 0, backoffMs: 100, maxBackoffMs: 1_000 },
  breaker: { failureThreshold: 5, openMs: 5_000 },
  headers: { add: {}, strip: [] },
  path: {},
});


/** The URL of a loopback port nothing listens on (bound, then released): an upstream that is down. */
export async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { BootstrapResult } from '../../gateway/apps/bootstrap';
import { CREDENTIALS_FILE } from '../../gateway/apps/bootstrap';
import { routes } from '../../generated/routes';
import { makeTempDir } from '../../platform/testing/temp-dir';
import type { CliResult } from './cli';
import { runCli } from './cli';

/**
 * A fake Concord for the CLI's tests: an HTTP server on an ephemeral port serving only the routes a test gives it,
 * recording every request. Each CLI run is a child process (seconds apiece), so this is far cheaper than a real
 * start-up per run.
 */

/** The admin credentials the test data dirs hold. */
export const ADMIN = { client_id: 'app_admin', client_secret: 'cs_admin-secret-from-the-data-dir-000000000000' };

export interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization?: string;
  contentType?: string;
  body?: unknown;
}

/** Answers one request; `answer` throws for an answer the contract forbids, after sending a 500 that names it. */
export type FakeRoute = (req: Recorded, res: ServerResponse) => void;

export interface FakeConcord {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

export const problem = (status: number, kind: string, title: string, extra: Record<string, unknown> = {}) => ({
  type: `https://concord.dev/problems/${kind}`,
  title,
  status,
  correlationId: 'corr-fake',
  ...extra,
});

/** Answers only if the contract allows this exact answer: a wrong fake fails the test, not the CLI. */
export function answer(res: ServerResponse, api: string, operationId: string, status: number, body: unknown): void {
  const route = routes.find((r) => r.api === api && r.operationId === operationId);
  const type = route?.responses[String(status)]?.contentTypes[0];
  const validate = type ? route?.validate.responses?.[String(status)]?.[type] : undefined;
  if (!type || !validate?.(body)) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(`fake answer for ${operationId} ${status} breaks the contract`);
    throw new Error(`fake answer for ${operationId} ${status} breaks the contract: ${JSON.stringify(validate?.errors)}`);
  }
  res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
}

export async function startFakeConcord(route: FakeRoute): Promise<FakeConcord> {
  const requests: Recorded[] = [];
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const recorded: Recorded = {
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}),
      ...(text ? { body: JSON.parse(text) as unknown } : {}),
    };
    requests.push(recorded);
    try {
      route(recorded, res);
    } catch {
      // answer() already sent a 500 naming the broken fake; the assertions on the CLI's output report it.
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise<void>((done) => server.close(() => done())) };
}

/** The credentials file as bootstrapRegistry writes it, with these admin credentials. */
export function credentialsFile(admin: typeof ADMIN): string {
  const sandbox = { client_id: 'app_sandbox', client_secret: 'cs_sandbox', api_key: 'ck_sandbox', partner_id: 'prt_sandbox' };
  const content: Omit<BootstrapResult, 'file'> = { admin: { ...admin, api_key: 'ck_admin' }, sandbox };
  return `${JSON.stringify(content, null, 2)}\n`;
}

/** A temporary data dir holding a credentials file with `admin`. */
export async function dataDirWith(admin: typeof ADMIN = ADMIN): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await makeTempDir();
  await writeFile(join(dir.path, CREDENTIALS_FILE), credentialsFile(admin), { mode: 0o600 });
  return dir;
}

/**
 * A fake Concord serving `route` and a data dir with the admin credentials, for the tests of the enclosing describe
 * block; the recorded requests start empty in each test.
 */
export function useFakeConcord(route: FakeRoute) {
  let fake: FakeConcord | undefined;
  let dataDir: { path: string; remove(): Promise<void> } | undefined;
  beforeAll(async () => {
    [fake, dataDir] = await Promise.all([startFakeConcord(route), dataDirWith()]);
  });
  afterAll(async () => {
    await fake?.close();
    await dataDir?.remove();
  });
  beforeEach(() => {
    if (fake) fake.requests.length = 0;
  });
  const started = () => {
    if (!fake || !dataDir) throw new Error('the fake Concord is started in beforeAll');
    return { fake, dataDir };
  };
  return {
    get url(): string {
      return started().fake.url;
    },
    get requests(): Recorded[] {
      return started().fake.requests;
    },
    get dataDir(): string {
      return started().dataDir.path;
    },
    requestsTo: (path: string): Recorded[] => started().fake.requests.filter((r) => r.path === path),
    /** Runs the CLI against the fake with the data dir. */
    run: (args: string[]): Promise<CliResult> => runCli([...args, '--url', started().fake.url, '--data-dir', started().dataDir.path]),
  };
}

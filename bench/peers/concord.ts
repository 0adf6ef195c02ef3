/**
 * Concord as a gateway in front of the external upstream: `node bin/concord.js start --role gateway` as its own
 * process, with CONCORD_PROCESS_URL (and CONCORD_SYSTEM_URL, which the role requires) pointing at the node
 * upstream, so orders.v2 is proxied over HTTP exactly as to a process role. The full chain runs: ES256 JWT,
 * scopes, rate limit, request validation, and, with CONCORD_GATEWAY_IDEMPOTENCY=1, idempotency on the POST
 * (otherwise left to the process role). The roles need PostgreSQL: a fresh database, dropped afterwards.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { parse } from 'yaml';
import { createTempDatabase } from '../../platform/testing/services';
import { shipOrder } from '../../process-apis/orders/testing/harness';
import { answers, startProcess, waitUntil } from './proc';
import type { Target } from './target';
import { ERP_GET_PATH, ERP_POST_PATH, GET_PATH, POST_PATH } from './target';

const REPO_ROOT = resolve(__dirname, '..', '..');

/** A throwaway database on the PostgreSQL at `adminUrl`, with the server's version; `drop()` removes it. */
export async function createBenchDatabase(adminUrl: string): Promise<{ url: string; version: string; drop(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await admin.connect();
  let version: string;
  try {
    version = ((await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? 'unknown').split(' ')[0] ?? 'unknown';
  } finally {
    await admin.end();
  }
  return { ...(await createTempDatabase(adminUrl, 'concord_bench')), version };
}

interface StartResult {
  url: string;
  credentials?: Record<'sandbox' | 'admin', { client_id: string; client_secret: string }>;
}

/** The erp.v1 createSalesOrder body: the contract's own example, with a unique channel order id per request. */
async function salesOrderTemplate(): Promise<string> {
  const doc = parse(await readFile(join(REPO_ROOT, 'contracts', 'openapi', 'system', 'erp.v1.yaml'), 'utf8')) as {
    paths: Record<string, Record<string, { requestBody: { content: Record<string, { example: Record<string, unknown> }> } }>>;
  };
  const example = doc.paths[ERP_POST_PATH]!.post!.requestBody.content['application/json']!.example;
  // wrk's script fills the one `%s` with string.format, so no other `%` may be in the body.
  const body = JSON.stringify({ ...example, channelOrderId: 'BENCH-%s' });
  if (body.split('%').length !== 2) throw new Error('the createSalesOrder example carries a %: it cannot be a wrk template');
  return body;
}

/**
 * `idempotency: false` leaves idempotency to a process role that is not there (the default of `--role gateway`):
 * the chain minus idempotency, like for like with express-gateway, and the cost of idempotency by difference.
 * `nodeArgs`: e.g. `--cpu-prof --cpu-prof-dir <dir>` for the profile run (the profile is written on a clean exit).
 */
export async function startConcord(
  upstreamUrl: string,
  postgresUrl: string,
  {
    idempotency = true,
    nodeArgs = [],
    erp,
  }: {
    idempotency?: boolean;
    nodeArgs?: string[];
    /**
     * The ERP comparison: erp.v1 operations (admin token), proxied to the upstream by the system-role hop
     * (`role`, CONCORD_SYSTEM_URL) or by a catalogue upstream that `systems.erp` names (`catalogue`).
     */
    erp?: 'role' | 'catalogue';
  } = {},
): Promise<Target & { checks: Record<string, unknown>; postgresVersion: string }> {
  const database = await createBenchDatabase(postgresUrl);
  const dataDir = await mkdtemp(join(tmpdir(), 'concord-bench-gw-'));
  const paths = erp ? { get: ERP_GET_PATH, post: ERP_POST_PATH, postBody: await salesOrderTemplate() } : undefined;
  let catalogueFile: string | undefined;
  if (erp === 'catalogue') {
    // Defaults as a user gets them: in-flight cap, queue, retries (idle here: nothing fails), breaker.
    catalogueFile = join(dataDir, 'concord.yaml');
    await writeFile(catalogueFile, ['upstreams:', '  erp-bench:', `    url: ${upstreamUrl}`, 'systems:', '  erp: erp-bench', ''].join('\n'));
  }
  const cleanup = async () => {
    await database.drop().catch(() => {});
    await rm(dataDir, { recursive: true, force: true });
  };
  const env = {
    ...process.env,
    DATABASE_URL: database.url,
    CONCORD_DATA_DIR: dataDir,
    CONCORD_PROCESS_URL: upstreamUrl,
    CONCORD_SYSTEM_URL: upstreamUrl,
    CONCORD_GATEWAY_IDEMPOTENCY: idempotency ? '1' : '0',
    // Far above any load here: the limiter runs on every request, and never refuses one.
    CONCORD_PLANS: '{"sandbox":{"ratePerSecond":100000000,"burst":100000000},"internal":{"ratePerSecond":100000000,"burst":100000000}}',
    ...(catalogueFile ? { CONCORD_CONFIG: catalogueFile } : {}),
    // Per-instance rate limits and idempotency locks in PostgreSQL: no Redis, no NATS.
    REDIS_URL: '',
    NATS_URL: '',
    // As the peers: no access log. Warnings and errors still go to stderr.
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  const proc = startProcess('concord', process.execPath, [...nodeArgs, join(REPO_ROOT, 'bin', 'concord.js'), 'start', '--role', 'gateway', '--json', '--port', '0'], { env, cwd: REPO_ROOT });
  let started: StartResult | undefined;
  let token = '';
  let tokenAt = 0;
  const fetchToken = async () => {
    const creds = started!.credentials![erp ? 'admin' : 'sandbox'];
    const res = await fetch(`${started!.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: creds.client_id, client_secret: creds.client_secret }),
    });
    if (res.status !== 200) throw new Error(`concord: /oauth/token answered ${res.status}: ${await res.text()}`);
    token = ((await res.json()) as { access_token: string }).access_token;
    tokenAt = Date.now();
    return token;
  };
  const checks: Record<string, unknown> = {};
  try {
    await waitUntil(
      'its start-up summary',
      async () => {
        try {
          started = JSON.parse(proc.stdout()) as StartResult;
          return true;
        } catch {
          return false;
        }
      },
      proc,
      120_000,
    );
    if (!started!.credentials) throw new Error('concord: no first-start credentials (the bench database was not fresh)');
    await waitUntil('readiness', async () => (await answers(`${started!.url}/readyz`)).status === 200, proc, 30_000);
    await fetchToken();
    // The chain works end to end before it is measured: GET proxied, POST proxied once and replayed once.
    const auth = { authorization: `Bearer ${token}` };
    const getPath = paths?.get ?? GET_PATH;
    const postPath = paths?.post ?? POST_PATH;
    checks.get = (await fetch(`${started!.url}${getPath}`, { headers: auth })).status;
    const key = randomUUID();
    const post = () =>
      fetch(`${started!.url}${postPath}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': key },
        body: paths ? paths.postBody.replace('%s', 'CHECK') : JSON.stringify(shipOrder('BENCH-CHECK', 'SKU-0001', 1)),
      });
    const first = await post();
    const again = await post();
    checks.post = first.status;
    checks.postRetryReplayed = again.headers.get('idempotency-replayed') === 'true';
    checks.invalidPost = (await fetch(`${started!.url}${postPath}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: '{"lines":[]}' })).status;
    checks.noToken = (await fetch(`${started!.url}${getPath}`)).status;
    if (checks.get !== 200 || checks.post !== 201 || checks.postRetryReplayed !== idempotency || checks.invalidPost !== 400 || checks.noToken !== 401) {
      throw new Error(`concord: the chain does not behave as expected: ${JSON.stringify(checks)}`);
    }
  } catch (err) {
    await proc.stop();
    await cleanup();
    throw err;
  }
  const key = erp ? `concord-erp-${erp}` : idempotency ? 'concord' : 'concord-no-idem';
  const label = erp === 'catalogue'
    ? 'Concord, erp.v1 via a catalogue upstream (systems.erp)'
    : erp === 'role'
      ? 'Concord, erp.v1 via the system-role hop (--role gateway)'
      : idempotency ? 'Concord (--role gateway, full chain)' : 'Concord without idempotency';
  return {
    key,
    label,
    ...(paths ? { paths } : {}),
    baseUrl: started!.url,
    // Tokens live 15 minutes: a fresh one once the current one is 10 minutes old.
    token: async () => (Date.now() - tokenAt > 10 * 60_000 ? fetchToken() : token),
    proc,
    notes: [
      erp === 'catalogue'
        ? `node bin/concord.js start --role gateway, CONCORD_CONFIG: upstream erp-bench = the upstream (catalogue defaults), systems.erp: erp-bench; GET ${ERP_GET_PATH}, POST ${ERP_POST_PATH} (the contract's example body), admin token`
        : erp === 'role'
          ? `node bin/concord.js start --role gateway, CONCORD_SYSTEM_URL = the upstream; GET ${ERP_GET_PATH}, POST ${ERP_POST_PATH} (the contract's example body), admin token`
          : 'node bin/concord.js start --role gateway, CONCORD_PROCESS_URL = the upstream, orders.v2 from the repo contracts (rate-limit cost 1 GET, 5 POST)',
      `ES256 JWT from its own /oauth/token, scopes, rate limit (per app, in memory, never reached), request validation of the order body and Idempotency-Key header, ${idempotency ? 'idempotency at the gateway (CONCORD_GATEWAY_IDEMPOTENCY=1, stored in PostgreSQL)' : 'NO idempotency (CONCORD_GATEWAY_IDEMPOTENCY=0: the key is passed on to the upstream unchecked)'}, undici keep-alive pool with timeout and circuit breaker, Prometheus metrics`,
      `PostgreSQL ${database.version} (fresh database); response validation off (the default); LOG_LEVEL=warn`,
    ],
    checks,
    postgresVersion: database.version,
    async stop() {
      // Long enough to drain and exit cleanly, which is when --cpu-prof writes its profile.
      await proc.stop(30_000);
      await cleanup();
    },
  };
}

/**
 * A quick look at the gateway's cost: `npx tsx bench/gateway-quick.ts [--seconds 10] [--connections 10] [--postgres URL]`.
 * wrk (a separate process) drives, on loopback: a bare node:http JSON server (the floor), then Concord's full
 * chain on the embedded default: ES256 JWT, rate limit, validation, the in-process upstream under its timeout and
 * breaker, response metrics; GET of one order, and POST of new orders with an Idempotency-Key each.
 * The full peer comparison is `npm run bench` (issue 9); this is the figure a hot-path change is checked with.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { startPlatform } from '../platform/server/start';
import { REPO_ROOT, makeTempDir } from '../platform/testing/temp-dir';
import { shipOrder } from '../process-apis/orders/testing/harness';
import { AVAILABILITY_PATH } from './peers/target';

/** wrk in a child process, awaited: a synchronous spawn would block the event loop of the servers under test. */
async function wrk(url: string, seconds: number, connections: number, env: Record<string, string> = {}, script?: string, header?: string) {
  const args = ['-t', '2', '-c', String(connections), '-d', `${seconds}s`, '--latency', ...(script ? ['-s', script] : []), ...(header ? ['-H', header] : []), url];
  const { stdout: out } = await promisify(execFile)('wrk', args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p50 = /50%\s+([\d.]+\w+)/.exec(out)?.[1];
  const p99 = /99%\s+([\d.]+\w+)/.exec(out)?.[1];
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  return { rps: Math.round(rps), p50, p99, non2xx };
}

async function main() {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '10' }, postgres: { type: 'string' } } });
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);

  const body = JSON.stringify({ id: 'ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3', status: 'accepted', lines: [{ sku: 'SKU-0001', quantity: 1 }], padding: 'x'.repeat(200) });
  const direct = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  await new Promise<void>((r) => direct.listen(0, '127.0.0.1', r));
  const directUrl = `http://127.0.0.1:${(direct.address() as AddressInfo).port}/`;

  const dir = await makeTempDir();
  const platform = await startPlatform(
    loadConfig(
      {
        PORT: '0',
        CONCORD_DATA_DIR: dir.path,
        LOG_LEVEL: 'silent',
        CONCORD_PLANS: '{"sandbox":{"ratePerSecond":1000000,"burst":1000000}}',
        ...(values.postgres ? { DATABASE_URL: values.postgres } : {}),
      },
      { root: REPO_ROOT },
    ),
    createLogger({ level: 'silent' }),
  );
  const creds = platform.bootstrap!.sandbox;
  const token = ((await (
    await fetch(`${platform.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: creds.client_id, client_secret: creds.client_secret }),
    })
  ).json()) as { access_token: string }).access_token;
  await platform.db.query(`UPDATE inventory.positions SET on_hand = 1000000 WHERE location_id = 'DC1'`);
  const created = (await (
    await fetch(`${platform.url}/v2/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'Idempotency-Key': 'bench-seed' },
      body: JSON.stringify(shipOrder('BENCH-SEED', 'SKU-0001', 1)),
    })
  ).json()) as { id: string };

  const template = JSON.stringify(shipOrder('BENCH-%s', 'SKU-0002', 1));
  const results = {
    directGet: await wrk(directUrl, seconds, connections),
    concordGet: await wrk(`${platform.url}/v2/orders/${created.id}`, seconds, connections, {}, undefined, `Authorization: Bearer ${token}`),
    concordPost: await wrk(`${platform.url}/v2/orders`, seconds, connections, { TOKEN: token, ORDER_BODY: template }, join(REPO_ROOT, 'bench', 'wrk', 'post-order.lua')),
    // Issue 9's availability target: the same query as `npm run bench`'s availability sections.
    concordAvailability: await wrk(`${platform.url}${AVAILABILITY_PATH}`, seconds, connections, {}, undefined, `Authorization: Bearer ${token}`),
  };
  console.log(JSON.stringify({ seconds, connections, database: platform.db.description, ...results }, null, 2));
  await platform.close();
  await dir.remove();
  direct.close();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});

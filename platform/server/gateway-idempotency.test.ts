import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { createTempDatabase, describeWithService } from '../testing/services';
import { REPO_ROOT, makeTempDir } from '../testing/temp-dir';
import { shipOrder } from '../../process-apis/orders/testing/harness';
import type { RunningPlatform } from './start';
import { startPlatform } from './start';

// `concord start --role gateway` in front of an upstream that is not a Concord role (what `npm run bench` measures):
// with CONCORD_GATEWAY_IDEMPOTENCY=1 the gateway enforces Idempotency-Key on the operations it proxies; without
// it, it leaves them to the process role.

describeWithService('postgres', 'gateway role in front of a foreign upstream', () => {
  let dir: { path: string; remove(): Promise<void> };
  let pg: { url: string; drop(): Promise<void> };
  let upstream: Server;
  let upstreamUrl: string;
  let posts = 0;
  const running: RunningPlatform[] = [];

  const start = (env: Record<string, string>) =>
    startPlatform(
      loadConfig(
        {
          PORT: '0',
          CONCORD_DATA_DIR: dir.path,
          DATABASE_URL: pg.url,
          CONCORD_PROCESS_URL: upstreamUrl,
          CONCORD_SYSTEM_URL: upstreamUrl,
          CONCORD_PLANS: '{"sandbox":{"ratePerSecond":1000,"burst":1000}}',
          ...env,
        },
        { root: REPO_ROOT, role: 'gateway' },
      ),
      createLogger({ level: 'silent' }),
    );

  beforeAll(async () => {
    dir = await makeTempDir();
    pg = await createTempDatabase();
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        posts += req.method === 'POST' ? 1 : 0;
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `ord_${String(posts).padStart(10, '0')}`, n: posts }));
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const p of running) await p.close();
    await new Promise((r) => upstream?.close(r));
    await pg?.drop();
    await dir?.remove();
  });

  const post = async (gw: RunningPlatform, token: string, key: string, body: unknown) =>
    fetch(`${gw.url}/v2/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'Idempotency-Key': key },
      body: JSON.stringify(body),
    });

  test('with CONCORD_GATEWAY_IDEMPOTENCY=1 a retry is replayed by the gateway; without it, it reaches the upstream', async () => {
    const strict = await start({ CONCORD_GATEWAY_IDEMPOTENCY: '1' });
    running.push(strict);
    const creds = strict.bootstrap!.sandbox;
    const tokenRes = await fetch(`${strict.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: creds.client_id, client_secret: creds.client_secret }),
    });
    const token = ((await tokenRes.json()) as { access_token: string }).access_token;

    const key = randomUUID();
    const body = shipOrder(`GW-IDEM-${randomUUID()}`, 'SKU-0001', 1);
    const first = await post(strict, token, key, body);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotency-replayed')).toBeNull();
    const firstBody = await first.text();
    const again = await post(strict, token, key, body);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(await again.text()).toBe(firstBody);
    expect(posts).toBe(1);
    // Another request under the same key is refused before it reaches the upstream.
    expect((await post(strict, token, key, shipOrder(`GW-IDEM-${randomUUID()}`, 'SKU-0001', 2))).status).toBe(422);
    // A missing key is refused at the gateway too.
    const noKey = await fetch(`${strict.url}/v2/orders`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(noKey.status).toBe(400);
    expect(posts).toBe(1);

    // The default (a Concord process role behind): the gateway passes the key on and stores nothing.
    const plain = await start({});
    running.push(plain);
    const key2 = randomUUID();
    expect((await post(plain, token, key2, body)).status).toBe(201);
    const replay = await post(plain, token, key2, body);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotency-replayed')).toBeNull();
    expect(posts).toBe(3);
  });
});

import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../../platform/testing/own-server';
import { REPO_ROOT, makeTempDir } from '../../platform/testing/temp-dir';
import { shipOrder } from './testing/harness';

// DESIGN.md: "A crash between steps must never produce a second order on retry." Concord runs as a real process;
// a failpoint kills it (SIGKILL) after order intake committed and before the response went out. The retry with
// the same Idempotency-Key, against the restarted process, must replay the stored 201, not create a second order.

function startConcord(dataDir: string, port: number, failpoints = ''): ChildProcess {
  return spawn(process.execPath, [join(REPO_ROOT, 'bin', 'concord.js'), 'start'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port), CONCORD_DATA_DIR: dataDir, LOG_LEVEL: 'silent', CONCORD_FAILPOINTS: failpoints, DATABASE_URL: '', REDIS_URL: '', NATS_URL: '' },
    stdio: 'ignore',
  });
}

async function untilReady(url: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`concord exited during start-up (${child.exitCode ?? child.signalCode})`);
    const ok = await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const exited = (child: ChildProcess) =>
  new Promise<NodeJS.Signals | number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode ?? child.exitCode);
    else child.once('exit', (code, signal) => resolve(signal ?? code));
  });

test('a crash after the order committed replays the stored response on retry and creates nothing twice', async () => {
  const dir = await makeTempDir();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child = startConcord(dir.path, port, 'upstream-after-handler:createOrder');
  try {
    await untilReady(url, child);
    const creds = JSON.parse(await readFile(join(dir.path, 'credentials.json'), 'utf8')).sandbox;
    const tokenOf = async () =>
      ((await (await fetch(`${url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credentials', ...creds }) })).json()) as {
        access_token: string;
      }).access_token;
    const key = randomUUID();
    const body = shipOrder(`CRASH-${randomUUID()}`, 'SKU-0050', 1);
    const post = async () =>
      fetch(`${url}/v2/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await tokenOf()}`, 'content-type': 'application/json', 'Idempotency-Key': key },
        body: JSON.stringify(body),
      });

    await expect(post()).rejects.toThrow();
    expect(await exited(child)).toBe('SIGKILL');

    child = startConcord(dir.path, port);
    await untilReady(url, child);
    const retry = await post();
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotency-replayed')).toBe('true');
    const order = (await retry.json()) as { id: string };
    const list = await fetch(`${url}/v2/orders?sourceOrderId=${body.source.orderId}`, { headers: { authorization: `Bearer ${await tokenOf()}` } });
    const items = ((await list.json()) as { items: Array<{ id: string }> }).items;
    expect(items.map((o) => o.id)).toEqual([order.id]);
  } finally {
    child.kill('SIGTERM');
    await exited(child);
    await dir.remove();
  }
});

/**
 * The token endpoint under a flood of wrong secrets (issue 18 item 2, ADR 0011):
 * `npx tsx bench/token-flood.ts [--seconds 10] [--rate 500] [--valid-every-ms 20] [--no-legacy]`.
 *
 * Concord on the embedded default, in this process. An attacker sends `--rate` wrong secrets a second for the
 * sandbox app's client id, and as many for made-up client ids, from rotating addresses (X-Forwarded-For, with
 * CONCORD_TRUST_PROXY=1, so the per-address limit alone cannot stop it). Meanwhile another app (the admin app)
 * asks for a token every `--valid-every-ms` from its own address. Printed: the valid requests' latency
 * percentiles and statuses, and the attack's statuses. The sandbox app's stored hash is first turned back into a
 * legacy scrypt hash (unless --no-legacy), the worst case: every check of it that is not throttled costs scrypt.
 * Not part of `npm test`: speed is measured here, not asserted.
 */
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { startPlatform } from '../platform/server/start';
import { REPO_ROOT, makeTempDir } from '../platform/testing/temp-dir';
import { createScryptHasher } from '../gateway/apps/secrets';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const count = (statuses: number[]) => statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

/** The child: `rate` wrong secrets a second in slices of 10 ms, half for the real client id, half for made-up ones. */
async function attack(url: string, clientId: string, rate: number, seconds: number) {
  const pool = new Pool(url, { connections: 128 });
  const statuses: number[] = [];
  const inflight: Array<Promise<unknown>> = [];
  let n = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < rate / 100; i++) {
      n++;
      const address = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
      const request = pool
        .request({
          method: 'POST',
          path: '/oauth/token',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
          body: JSON.stringify({ grant_type: 'client_credentials', client_id: n % 2 === 0 ? clientId : `app_guess${n}`, client_secret: `cs_wrong_${n}` }),
        })
        .then(async (res) => (await res.body.dump(), res.statusCode), () => 0);
      inflight.push(request.then((s) => statuses.push(s)));
    }
  }, 10);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  clearInterval(timer);
  await Promise.allSettled(inflight);
  await pool.close();
  process.send!(count(statuses));
}

async function main() {
  const { values } = parseArgs({
    options: { seconds: { type: 'string', default: '10' }, rate: { type: 'string', default: '500' }, 'valid-every-ms': { type: 'string', default: '20' }, 'no-legacy': { type: 'boolean', default: false } },
  });
  const seconds = Number(values.seconds);
  const rate = Number(values.rate);
  const dir = await makeTempDir();
  const platform = await startPlatform(
    loadConfig({ PORT: '0', CONCORD_DATA_DIR: dir.path, LOG_LEVEL: 'silent', CONCORD_TRUST_PROXY: '1', CONCORD_PLANS: '{"sandbox":{"ratePerSecond":1000000,"burst":1000000},"internal":{"ratePerSecond":1000000,"burst":1000000}}' }, { root: REPO_ROOT }),
    createLogger({ level: 'silent' }),
  );
  const { admin, sandbox } = platform.bootstrap!;
  if (!values['no-legacy']) {
    await platform.db.query('UPDATE concord.apps SET secret_hash = $2 WHERE client_id = $1', [sandbox.client_id, await createScryptHasher().hash('cs_not_the_secret')]);
  }
  const pool = new Pool(platform.url, { connections: 64 });
  const token = async (clientId: string, secret: string, address?: string) => {
    const res = await pool.request({
      method: 'POST',
      path: '/oauth/token',
      headers: { 'content-type': 'application/json', ...(address ? { 'x-forwarded-for': address } : {}) },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }),
    });
    await res.body.dump();
    return res.statusCode;
  };

  // The attack runs in a child process, so its own cost does not slow the server it measures.
  const attacker = fork(__filename, ['--attacker', platform.url, sandbox.client_id, String(rate), String(seconds)], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const attackDone = new Promise<Record<number, number>>((resolve) => attacker.once('message', (m) => resolve(m as Record<number, number>)));
  const valid: number[] = [];
  const validStatus: number[] = [];
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    const started = performance.now();
    validStatus.push(await token(admin.client_id, admin.client_secret).catch(() => 0));
    valid.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, Number(values['valid-every-ms'])));
  }
  const attackStatuses = await attackDone;
  const sorted = [...valid].sort((a, b) => a - b);
  const report = {
    seconds,
    wrongSecretsPerSecond: rate,
    legacyScryptHash: !values['no-legacy'],
    valid: { requests: valid.length, statuses: count(validStatus), p50Ms: +percentile(sorted, 50).toFixed(1), p99Ms: +percentile(sorted, 99).toFixed(1), maxMs: +(sorted.at(-1) ?? NaN).toFixed(1) },
    attack: { requests: Object.values(attackStatuses).reduce((a, b) => a + b, 0), statuses: attackStatuses },
  };
  console.log(JSON.stringify(report, null, 2));
  await pool.close();
  await platform.close();
  await dir.remove();
}

(process.argv[2] === '--attacker' ? attack(process.argv[3]!, process.argv[4]!, Number(process.argv[5]), Number(process.argv[6])) : main()).catch((err) => {
  console.error(err);
  process.exit(1);
});

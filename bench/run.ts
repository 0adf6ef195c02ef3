/**
 * `npm run bench [-- --seconds 10] [--runs 2] [--quick] [--connections 10,50] [--only direct,nginx,express-gateway,concord]
 * [--postgres URL] [--out bench/results]`: Concord's gateway overhead side by side with nginx and express-gateway
 * (issue 9, part 2). On loopback, in one sitting: a node:http upstream, and each configuration in front of it as
 * its own process; wrk drives GET and POST at each connection count, every configuration twice (interleaved).
 * Prints a table; writes bench/results/<date>.md and bench/results/latest.json. Never part of `npm test`.
 */
import { cpus, release, type as osType } from 'node:os';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { shipOrder } from '../process-apis/orders/testing/harness';
import { startConcord } from './peers/concord';
import { selfTimeByArea, topSelfTime } from './peers/cpu-profile';
import { ensureExpressGateway, startExpressGateway } from './peers/express-gateway';
import { startNginx } from './peers/nginx';
import { processTree, sampleRss } from './peers/proc';
import type { Measurement, Method, Results } from './peers/report';
import { markdown, ratios, summarise, summaryTable, targetsCheck } from './peers/report';
import type { SkippedTarget, Target } from './peers/target';
import { GET_PATH, POST_PATH } from './peers/target';
import { capture, ensureDebianPackage, nginxVersion, wrkVersion } from './peers/tools';
import { startUpstream } from './peers/upstream';
import { runWrk } from './peers/wrk';

const REPO_ROOT = resolve(__dirname, '..');
const ALL = ['direct', 'nginx', 'express-gateway', 'concord', 'concord-no-idem'];
const WRK_THREADS = 2;
const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

function options() {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string' },
      runs: { type: 'string' },
      quick: { type: 'boolean', default: false },
      connections: { type: 'string', default: '10,50' },
      only: { type: 'string', default: ALL.join(',') },
      postgres: { type: 'string', default: process.env.CONCORD_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
      out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results') },
      'cpu-prof': { type: 'boolean', default: false },
    },
  });
  const seconds = Number(values.seconds ?? (values.quick ? 3 : 10));
  const runs = Number(values.runs ?? (values.quick ? 1 : 2));
  const connections = values.connections.split(',').map(Number);
  const only = values.only.split(',');
  if (!(seconds >= 1) || !(runs >= 1) || connections.some((c) => !(c >= 1)) || only.some((o) => !ALL.includes(o))) {
    throw new Error(`usage: npm run bench -- [--seconds N ≥ 1] [--runs N ≥ 1] [--quick] [--connections 10,50] [--only ${ALL.join(',')}] [--postgres URL] [--out DIR] [--cpu-prof]`);
  }
  return {
    seconds,
    runs,
    connections,
    only,
    quick: values.quick,
    cpuProf: values['cpu-prof'],
    postgres: values.postgres,
    out: resolve(values.out),
    warmupSeconds: Math.min(2, seconds),
  };
}

async function main() {
  const opts = options();
  const started: Target[] = [];
  const skipped: SkippedTarget[] = [];
  const checks: Record<string, unknown> = {};
  // Servers are their own process groups: stop them on Ctrl-C, and kill them if this process dies anyway.
  const stopAll = async () => {
    for (const t of started.splice(0).reverse()) await t.stop().catch((err) => log(`stopping ${t.key}: ${err}`));
  };
  process.once('SIGINT', () => void stopAll().finally(() => process.exit(130)));
  process.once('SIGTERM', () => void stopAll().finally(() => process.exit(143)));
  process.once('exit', () => {
    for (const t of started) if (t.proc) try { process.kill(-t.proc.pid, 'SIGKILL'); } catch { /* gone */ }
  });

  const wrk = await ensureDebianPackage('wrk', 'wrk', log);
  const versions: Record<string, string> = { node: process.version, wrk: await wrkVersion(wrk) };
  const commit = await capture('git', ['-C', REPO_ROOT, 'rev-parse', '--short', 'HEAD']);
  versions.concord = commit.code === 0 ? `${commit.stdout.trim()}${(await capture('git', ['-C', REPO_ROOT, 'status', '--porcelain'])).stdout.trim() ? ' (with local changes)' : ''}` : 'unknown';

  const upstream = await startUpstream();
  started.push({ key: 'upstream', label: 'upstream', baseUrl: upstream.url, token: async () => '', proc: upstream.proc, notes: [], stop: () => upstream.proc.stop() });
  log(`upstream (node:http) on ${upstream.url}, GET answers ${upstream.getBytes} bytes`);
  const targets: Target[] = [];
  if (opts.only.includes('direct')) {
    targets.push({ key: 'direct', label: 'direct (node:http upstream)', baseUrl: upstream.url, token: async () => '', proc: upstream.proc, notes: ['no gateway: the floor'], stop: async () => {} });
  }

  const attempt = async (key: string, label: string, start: () => Promise<Target>) => {
    if (!opts.only.includes(key)) return;
    log(`starting ${label}`);
    try {
      const t = await start();
      started.push(t);
      targets.push(t);
      log(`${label} on ${t.baseUrl}`);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      log(`${label} not measured: ${reason}`);
      skipped.push({ key, label, reason });
    }
  };
  await attempt('nginx', 'nginx (bare proxy)', async () => {
    const nginx = await ensureDebianPackage('nginx', 'nginx', log);
    versions.nginx = await nginxVersion(nginx);
    return startNginx(nginx, upstream.port);
  });
  await attempt('express-gateway', 'express-gateway', async () => {
    const pkgDir = await ensureExpressGateway(log);
    const t = await startExpressGateway(pkgDir, upstream.url);
    versions['express-gateway'] = t.version!;
    return t;
  });
  // --cpu-prof: Concord runs under V8's sampling profiler (which slows it: figures of such a run are not comparable).
  const profDir = opts.cpuProf ? await mkdtemp(join(tmpdir(), 'concord-bench-prof-')) : undefined;
  await attempt('concord', 'Concord (--role gateway, full chain)', async () => {
    const t = await startConcord(upstream.url, opts.postgres, { nodeArgs: profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [] });
    checks.concord = t.checks;
    versions.postgresql = t.postgresVersion;
    return t;
  });
  await attempt('concord-no-idem', 'Concord without idempotency', async () => {
    const t = await startConcord(upstream.url, opts.postgres, { idempotency: false });
    checks['concord-no-idem'] = t.checks;
    versions.postgresql = t.postgresVersion;
    return t;
  });

  const lua = join(REPO_ROOT, 'bench', 'wrk', 'post-order.lua');
  const orderTemplate = JSON.stringify(shipOrder('BENCH-%s', 'SKU-0002', 1));
  const load = async (t: Target, method: Method, connections: number, seconds: number) => {
    const token = await t.token();
    return method === 'GET'
      ? runWrk(wrk, { url: `${t.baseUrl}${GET_PATH}`, seconds, connections, threads: WRK_THREADS, headers: token ? [`Authorization: Bearer ${token}`] : [] })
      : runWrk(wrk, { url: `${t.baseUrl}${POST_PATH}`, seconds, connections, threads: WRK_THREADS, script: lua, env: { TOKEN: token, ORDER_BODY: orderTemplate } });
  };

  const measurements: Measurement[] = [];
  try {
    for (const t of targets) {
      for (const method of ['GET', 'POST'] as const) {
        log(`warm-up ${t.key} ${method} (${opts.warmupSeconds} s)`);
        await load(t, method, opts.connections[0]!, opts.warmupSeconds);
      }
    }
    for (let run = 1; run <= opts.runs; run++) {
      for (const t of targets) {
        for (const method of ['GET', 'POST'] as const) {
          for (const connections of opts.connections) {
            const rss = sampleRss(t.proc ? await processTree(t.proc.pid) : []);
            const result = await load(t, method, connections, opts.seconds);
            const peakRssMB = await rss.stop();
            measurements.push({ target: t.key, method, connections, run, ...result, peakRssMB });
            log(`run ${run}/${opts.runs} ${t.key} ${method} c=${connections}: ${result.rps} req/s, p50 ${result.p50ms} ms, p99 ${result.p99ms} ms, ${peakRssMB} MB` +
              (result.non2xx + result.socketErrors ? `, ${result.non2xx} non-2xx, ${result.socketErrors} socket errors` : ''));
          }
        }
      }
    }
  } finally {
    await stopAll();
  }

  const summary = summarise(measurements, new Map(targets.map((t) => [t.key, t.label])));
  const r = ratios(summary);
  const now = new Date();
  const results: Results = {
    environment: {
      date: now.toISOString(),
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      os: `${osType()} ${release()}`,
      versions,
      settings: { seconds: opts.seconds, runs: opts.runs, warmupSeconds: opts.warmupSeconds, connections: opts.connections, wrkThreads: WRK_THREADS, quick: opts.quick, cpuProf: opts.cpuProf },
    },
    targets: targets.map((t) => ({ key: t.key, label: t.label, ...(t.version ? { version: t.version } : {}), notes: t.notes })),
    skipped,
    checks,
    summary,
    ratios: r,
    targetsCheck: targetsCheck(summary, r),
    measurements,
  };
  if (profDir) {
    const file = (await readdir(profDir)).find((f) => f.endsWith('.cpuprofile'));
    if (file) {
      const profile = join(profDir, file);
      results.profile = { target: 'concord', ...(await topSelfTime(profile, REPO_ROOT)), areas: (await selfTimeByArea(profile, REPO_ROOT)).slice(0, 15) };
    } else {
      results.profile = { target: 'concord', error: 'no .cpuprofile was written (Concord did not exit cleanly)' };
    }
    await rm(profDir, { recursive: true, force: true });
  }
  // A quick or profiled run never replaces the full results.
  const suffix = `${opts.quick ? '-quick' : ''}${opts.cpuProf ? '-profile' : ''}`;
  await mkdir(opts.out, { recursive: true });
  const md = join(opts.out, `${now.toISOString().slice(0, 10)}${suffix}.md`);
  await writeFile(md, markdown(results));
  await writeFile(join(opts.out, `latest${suffix}.json`), `${JSON.stringify(results, null, 2)}\n`);
  console.log(summaryTable(summary));
  console.log('');
  for (const x of r) console.log(`${x.name} ${x.method} c=${x.connections}: ${x.value === null ? 'n/a' : `${x.value}×`}`);
  for (const s of skipped) console.log(`not measured: ${s.label}: ${s.reason.split('\n')[0]}`);
  log(`wrote ${md} and ${join(opts.out, `latest${suffix}.json`)}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});

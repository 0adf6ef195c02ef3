/**
 * `npm run bench [-- --seconds 10] [--runs 2] [--quick] [--connections 10,50] [--only KEYS] [--postgres URL] [--redis URL]
 * [--nats URL] [--inventory-updates N] [--out bench/results] [--cpu-prof]`: issue 9 in one sitting, on loopback.
 * - Gateway overhead (part 2): a node:http upstream, and each configuration in front of it as its own process
 *   (direct, nginx, express-gateway, Concord with and without idempotency); wrk drives GET and POST at each
 *   connection count, every configuration `runs` times (interleaved).
 * - Order intake end to end (part 3), availability queries and inventory ingest (part 4): the whole platform as its
 *   own process, on the embedded default and on PostgreSQL + Redis + NATS (keys `orders-embedded`, …,
 *   `inventory-production`).
 * Prints the tables and the targets (part 6); writes bench/results/<date>.md and bench/results/latest.json.
 * Never part of `npm test`.
 */
import { cpus, release, type as osType } from 'node:os';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { shipOrder } from '../process-apis/orders/testing/harness';
import { startConcord } from './peers/concord';
import { selfTimeByArea, topSelfTime } from './peers/cpu-profile';
import { sampleCpuShare } from './peers/cpu-share';
import { ensureExpressGateway, startExpressGateway } from './peers/express-gateway';
import { runInventoryIngest } from './peers/inventory-ingest';
import { startNginx } from './peers/nginx';
import { checkNoDuplicates, prepareOrderIntake, runOrderIntake } from './peers/order-intake';
import type { BenchPlatform } from './peers/platform';
import { BACKENDS, backendLabel, startBenchPlatform } from './peers/platform';
import type { IngestMeasurement, PlatformMeasurement, PlatformResults, PlatformSection, RunCost } from './peers/platform-report';
import { PLATFORM_SECTIONS, availabilityTable, costTable, duplicatesTable, inventoryTable, ordersTable, summariseIngest, summarisePlatform } from './peers/platform-report';
import { processTree, sampleRss } from './peers/proc';
import type { Measurement, Method, ProfileSummary, Results } from './peers/report';
import { markdown, ratios, summarise, summaryTable, targetsCheck, targetsTable } from './peers/report';
import type { SkippedTarget, Target } from './peers/target';
import { AVAILABILITY_PATH, GATEWAY_KEYS, GET_PATH, POST_PATH } from './peers/target';
import { capture, ensureDebianPackage, nginxVersion, wrkVersion } from './peers/tools';
import { startUpstream } from './peers/upstream';
import { runWrk } from './peers/wrk';

const REPO_ROOT = resolve(__dirname, '..');
const PLATFORM_KEYS = PLATFORM_SECTIONS.flatMap((section) => BACKENDS.map((backend) => `${section}-${backend}`));
const ALL = [...GATEWAY_KEYS, ...PLATFORM_KEYS];
/** Shorthands for `--only`: a part of the issue, a section on both backends, or every section of one backend. */
const ALIASES: Record<string, string[]> = {
  gateway: GATEWAY_KEYS,
  ...Object.fromEntries(PLATFORM_SECTIONS.map((s) => [s, BACKENDS.map((b) => `${s}-${b}`)])),
  ...Object.fromEntries(BACKENDS.map((b) => [b, PLATFORM_SECTIONS.map((s) => `${s}-${b}`)])),
};
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
      redis: { type: 'string', default: process.env.CONCORD_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379' },
      nats: { type: 'string', default: process.env.CONCORD_BENCH_NATS_URL ?? 'nats://127.0.0.1:4222' },
      'inventory-updates': { type: 'string' },
      out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results') },
      'cpu-prof': { type: 'boolean', default: false },
    },
  });
  const seconds = Number(values.seconds ?? (values.quick ? 3 : 10));
  const runs = Number(values.runs ?? (values.quick ? 1 : 2));
  const connections = values.connections.split(',').map(Number);
  const only = [...new Set(values.only.split(',').flatMap((o) => ALIASES[o] ?? [o]))];
  const inventoryUpdates = Number(values['inventory-updates'] ?? (values.quick ? 1000 : 5000));
  if (!(seconds >= 1) || !(runs >= 1) || !(inventoryUpdates >= 1) || connections.some((c) => !(c >= 1)) || only.some((o) => !ALL.includes(o))) {
    throw new Error(
      'usage: npm run bench -- [--seconds N ≥ 1] [--runs N ≥ 1] [--quick] [--connections 10,50] [--postgres URL] [--redis URL] [--nats URL] ' +
        `[--inventory-updates N] [--out DIR] [--cpu-prof] [--only KEYS]\n  KEYS: ${ALL.join(',')}\n  or: ${Object.keys(ALIASES).join(', ')}`,
    );
  }
  return {
    seconds,
    runs,
    connections,
    only,
    quick: values.quick,
    cpuProf: values['cpu-prof'],
    services: { postgres: values.postgres, redis: values.redis, nats: values.nats },
    inventoryUpdates,
    out: resolve(values.out),
    warmupSeconds: Math.min(2, seconds),
  };
}

type Options = ReturnType<typeof options>;

/** Anything the bench started and must stop: a gateway configuration, the upstream, a platform. */
interface Running {
  key: string;
  proc?: { pid: number };
  stop(): Promise<void>;
}

/** A temp dir that a Ctrl-C also removes (it is in `running` until `remove()`). */
async function tempDir(prefix: string, running: Running[]): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  const entry: Running = { key: path, stop: () => rm(path, { recursive: true, force: true }) };
  running.push(entry);
  return {
    path,
    async remove() {
      const i = running.indexOf(entry);
      if (i >= 0) running.splice(i, 1);
      await entry.stop();
    },
  };
}

async function summariseProfile(file: string, target: string, label: string): Promise<ProfileSummary> {
  return { target, label, ...(await topSelfTime(file, REPO_ROOT)), areas: (await selfTimeByArea(file, REPO_ROOT)).slice(0, 15) };
}

/** Part 2: the upstream, each configuration in front of it, wrk against each, interleaved runs. */
async function gatewayPart(opts: Options, wrk: string, versions: Record<string, string>, running: Running[]) {
  const skipped: SkippedTarget[] = [];
  const checks: Record<string, unknown> = {};
  const profiles: ProfileSummary[] = [];
  const targets: Target[] = [];
  const measurements: Measurement[] = [];
  const mine: Running[] = [];
  const stopMine = async () => {
    for (const t of mine.splice(0).reverse()) {
      running.splice(running.indexOf(t), 1);
      await t.stop().catch((err) => log(`stopping ${t.key}: ${err}`));
    }
  };
  const track = (t: Running) => {
    mine.push(t);
    running.push(t);
  };

  const upstream = await startUpstream();
  track({ key: 'upstream', proc: upstream.proc, stop: () => upstream.proc.stop() });
  log(`upstream (node:http) on ${upstream.url}, GET answers ${upstream.getBytes} bytes`);
  if (opts.only.includes('direct')) {
    targets.push({ key: 'direct', label: 'direct (node:http upstream)', baseUrl: upstream.url, token: async () => '', proc: upstream.proc, notes: ['no gateway: the floor'], stop: async () => {} });
  }

  const attempt = async (key: string, label: string, start: () => Promise<Target>) => {
    if (!opts.only.includes(key)) return;
    log(`starting ${label}`);
    try {
      const t = await start();
      track(t);
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
  const profDir = opts.cpuProf ? await tempDir('concord-bench-prof-', running) : undefined;
  await attempt('concord', 'Concord (--role gateway, full chain)', async () => {
    const t = await startConcord(upstream.url, opts.services.postgres, { nodeArgs: profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir.path] : [] });
    checks.concord = t.checks;
    versions.postgresql = t.postgresVersion;
    return t;
  });
  await attempt('concord-no-idem', 'Concord without idempotency', async () => {
    const t = await startConcord(upstream.url, opts.services.postgres, { idempotency: false });
    checks['concord-no-idem'] = t.checks;
    versions.postgresql = t.postgresVersion;
    return t;
  });
  // The catalogue upstream against the role-to-role hop on the same erp.v1 requests and the same upstream.
  for (const erp of ['role', 'catalogue'] as const) {
    await attempt(`concord-erp-${erp}`, `Concord, erp.v1 via ${erp === 'role' ? 'the system-role hop' : 'a catalogue upstream'}`, async () => {
      const t = await startConcord(upstream.url, opts.services.postgres, { erp });
      checks[`concord-erp-${erp}`] = t.checks;
      versions.postgresql = t.postgresVersion;
      return t;
    });
  }

  const lua = join(REPO_ROOT, 'bench', 'wrk', 'post-order.lua');
  const orderTemplate = JSON.stringify(shipOrder('BENCH-%s', 'SKU-0002', 1));
  const load = async (t: Target, method: Method, connections: number, seconds: number) => {
    const token = await t.token();
    return method === 'GET'
      ? runWrk(wrk, { url: `${t.baseUrl}${t.paths?.get ?? GET_PATH}`, seconds, connections, threads: WRK_THREADS, headers: token ? [`Authorization: Bearer ${token}`] : [] })
      : runWrk(wrk, {
          url: `${t.baseUrl}${t.paths?.post ?? POST_PATH}`,
          seconds,
          connections,
          threads: WRK_THREADS,
          script: lua,
          env: { TOKEN: token, ORDER_BODY: t.paths?.postBody ?? orderTemplate, POST_PATH: t.paths?.post ?? POST_PATH },
        });
  };

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
            const pids = t.proc ? await processTree(t.proc.pid) : [];
            const rss = sampleRss(pids);
            const cpu = sampleCpuShare({ measured: pids, upstream: t.key === 'direct' ? [] : [upstream.proc.pid] }, { runMs: opts.seconds * 1000 });
            const result = await load(t, method, connections, opts.seconds);
            const peakRssMB = await rss.stop();
            const share = await cpu.stop();
            measurements.push({ target: t.key, method, connections, run, ...result, peakRssMB, ...(share ? { cpu: share } : {}) });
            log(`run ${run}/${opts.runs} ${t.key} ${method} c=${connections}: ${result.rps} req/s, p50 ${result.p50ms} ms, p99 ${result.p99ms} ms, ${peakRssMB} MB` +
              (result.non2xx + result.socketErrors ? `, ${result.non2xx} non-2xx, ${result.socketErrors} socket errors` : ''));
          }
        }
      }
    }
  } finally {
    await stopMine();
  }
  if (profDir) {
    const file = (await readdir(profDir.path)).find((f) => f.endsWith('.cpuprofile'));
    const label = 'Concord (--role gateway, full chain): the whole process under --cpu-prof, start-up included';
    profiles.push(
      file
        ? await summariseProfile(join(profDir.path, file), 'concord', label)
        : { target: 'concord', label, error: 'no .cpuprofile was written (Concord did not exit cleanly)' },
    );
    await profDir.remove();
  }
  return { targets, skipped, checks, measurements, profiles };
}

const SECTION_LABEL: Record<PlatformSection, string> = { orders: 'Order intake', availability: 'Availability queries', inventory: 'Inventory ingest' };

/**
 * Parts 3 and 4: per backend, the whole platform as one process; order intake (then the duplicate check),
 * availability queries and inventory ingest against it, each after a warm-up. With --cpu-prof each section's
 * measured runs (only) are profiled inside Concord.
 */
async function platformPart(opts: Options, wrk: string, versions: Record<string, string>, running: Running[]) {
  const measurements: PlatformMeasurement[] = [];
  const ingest: IngestMeasurement[] = [];
  const backends: PlatformResults['backends'] = [];
  const duplicateChecks: PlatformResults['duplicateChecks'] = {};
  const skipped: PlatformResults['skipped'] = [];
  const profiles: ProfileSummary[] = [];
  const profDir = opts.cpuProf ? await tempDir('concord-bench-prof-', running) : undefined;
  const fail = (key: string, label: string, err: unknown) => {
    const reason = err instanceof Error ? err.message : String(err);
    log(`${label} not measured: ${reason}`);
    skipped.push({ key, label, reason });
  };

  for (const backend of BACKENDS) {
    const sections = PLATFORM_SECTIONS.filter((s) => opts.only.includes(`${s}-${backend}`));
    if (!sections.length) continue;
    const label = backendLabel(backend);
    log(`starting Concord, ${label}`);
    let p: BenchPlatform;
    try {
      p = await startBenchPlatform(backend, opts.services);
    } catch (err) {
      for (const s of sections) fail(`${s}-${backend}`, `${SECTION_LABEL[s]}, ${label}`, err);
      continue;
    }
    const entry: Running = { key: `platform-${backend}`, proc: p.proc, stop: () => p.stop() };
    running.push(entry);
    Object.assign(versions, p.versions);
    backends.push({ backend, label, notes: p.notes });
    log(`Concord (${backend}) on ${p.url}`);
    const tmp = await tempDir('concord-bench-intake-', running);
    /** One measured run, with Concord's peak RSS, the CPU per process group and Concord's round trips meanwhile. */
    const costed = async <T>(runMs: number | undefined, fn: () => Promise<T>): Promise<{ value: T; peakRssMB: number } & RunCost> => {
      const pids = await processTree(p.proc.pid);
      const rss = sampleRss(pids);
      const cpu = sampleCpuShare({ concord: pids }, runMs === undefined ? {} : { runMs });
      const before = await p.counters();
      const value = await fn();
      const after = await p.counters();
      const share = await cpu.stop();
      return {
        value,
        peakRssMB: await rss.stop(),
        pgQueries: after.pgQueries - before.pgQueries,
        redisCommands: after.redisCommands - before.redisCommands,
        ...(share ? { cpu: share } : {}),
      };
    };
    /** The measured runs of one section, profiled inside Concord with --cpu-prof. */
    const measured = async (section: PlatformSection, fn: () => Promise<void>) => {
      if (!profDir) return fn();
      await p.profileStart();
      try {
        await fn();
      } finally {
        const file = join(profDir.path, `${section}-${backend}.cpuprofile`);
        await p.profileStop(file);
        profiles.push(await summariseProfile(file, `${section}-${backend}`, `${SECTION_LABEL[section]}, ${label}: Concord during the measured runs`));
      }
    };
    try {
      if (sections.includes('orders')) {
        try {
          const connections = opts.connections[0]!;
          const prep = await prepareOrderIntake(p, tmp.path);
          const runId = Date.now().toString(36);
          const counted = await p.counters();
          let createdAnswers = 0;
          log(`warm-up orders-${backend} (${opts.warmupSeconds} s)`);
          createdAnswers += (await runOrderIntake(wrk, p, { bodiesFile: prep.bodiesFile, seconds: opts.warmupSeconds, connections, runId: `${runId}w` })).counts.created;
          await measured('orders', async () => {
            for (let run = 1; run <= opts.runs; run++) {
              const { value: r, ...cost } = await costed(opts.seconds * 1000, () =>
                runOrderIntake(wrk, p, { bodiesFile: prep.bodiesFile, seconds: opts.seconds, connections, runId: `${runId}r${run}` }),
              );
              const { peakRssMB } = cost;
              createdAnswers += r.counts.created;
              measurements.push({ section: 'orders', backend, connections, run, ...r, ...cost });
              log(`run ${run}/${opts.runs} orders-${backend} c=${connections}: ${r.ordersPerSecond} orders/s (${r.rps} req/s), p50 ${r.p50ms} ms, p99 ${r.p99ms} ms, ` +
                `${r.counts.replayed}/${r.counts.retries} retries replayed, ${peakRssMB} MB${r.non2xx + r.socketErrors ? `, ${r.non2xx} non-2xx, ${r.socketErrors} socket errors` : ''}`);
            }
          });
          log(`orders-${backend}: waiting for the worker to post every order to ERP, then looking for duplicates`);
          const check = await checkNoDuplicates(p, prep.before, { createdAnswers, maxUnanswered: (opts.runs + 1) * connections });
          const total = await p.counters();
          const perOrder = (n: number) => Math.round((n / Math.max(1, check.ordersStored)) * 10) / 10;
          duplicateChecks[backend] = {
            ...check,
            pgQueriesPerOrder: perOrder(total.pgQueries - counted.pgQueries),
            redisCommandsPerOrder: perOrder(total.redisCommands - counted.redisCommands),
          };
          log(`orders-${backend}: ${JSON.stringify(duplicateChecks[backend])}`);
        } catch (err) {
          fail(`orders-${backend}`, `${SECTION_LABEL.orders}, ${label}`, err);
        }
      }
      if (sections.includes('availability')) {
        try {
          const query = async (connections: number, seconds: number) =>
            runWrk(wrk, { url: `${p.url}${AVAILABILITY_PATH}`, seconds, connections, threads: WRK_THREADS, headers: [`Authorization: Bearer ${await p.token()}`] });
          log(`warm-up availability-${backend} (${opts.warmupSeconds} s)`);
          await query(opts.connections[0]!, opts.warmupSeconds);
          await measured('availability', async () => {
            for (let run = 1; run <= opts.runs; run++) {
              for (const connections of opts.connections) {
                const { value: r, ...cost } = await costed(opts.seconds * 1000, () => query(connections, opts.seconds));
                const { peakRssMB } = cost;
                measurements.push({ section: 'availability', backend, connections, run, ...r, ...cost });
                log(`run ${run}/${opts.runs} availability-${backend} c=${connections}: ${r.rps} req/s, p50 ${r.p50ms} ms, p99 ${r.p99ms} ms, ${peakRssMB} MB` +
                  (r.non2xx + r.socketErrors ? `, ${r.non2xx} non-2xx, ${r.socketErrors} socket errors` : ''));
              }
            }
          });
        } catch (err) {
          fail(`availability-${backend}`, `${SECTION_LABEL.availability}, ${label}`, err);
        }
      }
      if (sections.includes('inventory')) {
        try {
          await measured('inventory', async () => {
            for (let run = 1; run <= opts.runs; run++) {
              const { value: r, ...cost } = await costed(undefined, () => runInventoryIngest(p, { updates: opts.inventoryUpdates, timeoutMs: 180_000 }));
              const { peakRssMB } = cost;
              ingest.push({ backend, run, ...r, ...cost });
              log(`run ${run}/${opts.runs} inventory-${backend}: ${r.updates} updates, applied after ${r.appliedSeconds} s, on the bus after ${r.publishedSeconds} s: ` +
                `${r.updatesPerSecond} updates/s, ${r.eventsPerSecond} events/s${r.complete ? '' : ' (INCOMPLETE: timed out)'}, ${peakRssMB} MB`);
            }
          });
        } catch (err) {
          fail(`inventory-${backend}`, `${SECTION_LABEL.inventory}, ${label}`, err);
        }
      }
    } finally {
      running.splice(running.indexOf(entry), 1);
      await p.stop().catch((err) => log(`stopping Concord (${backend}): ${err}`));
      await tmp.remove();
    }
  }
  await profDir?.remove();
  const platform: PlatformResults = {
    backends,
    measurements,
    ingest,
    rows: summarisePlatform(measurements),
    inventory: summariseIngest(ingest),
    duplicateChecks,
    skipped,
    settings: {
      seconds: opts.seconds,
      runs: opts.runs,
      orderConnections: [opts.connections[0]!],
      availabilityConnections: opts.connections,
      inventoryUpdates: opts.inventoryUpdates,
      availabilityPath: AVAILABILITY_PATH,
    },
  };
  return { platform, profiles };
}

/** The latest profile run's summaries (written by `--cpu-prof`), for the "where the time goes" of a normal run. */
async function latestProfiles(out: string): Promise<Results['whereTimeGoes']> {
  const text = await readFile(join(out, 'latest-profile.json'), 'utf8').catch(() => undefined);
  if (!text) return undefined;
  const prior = JSON.parse(text) as Partial<Results> & { profile?: Omit<ProfileSummary, 'label'> };
  const profiles = prior.profiles ?? (prior.profile ? [{ label: 'Concord (--role gateway, full chain)', ...prior.profile }] : []);
  const date = prior.environment?.date ?? 'unknown';
  return { source: `bench/results/${date.slice(0, 10)}-profile.md`, date, concord: prior.environment?.versions.concord ?? 'unknown', profiles };
}

async function main() {
  const opts = options();
  const running: Running[] = [];
  // Servers are their own process groups: stop them on Ctrl-C, and kill them if this process dies anyway.
  const stopAll = async () => {
    for (const t of running.splice(0).reverse()) await t.stop().catch((err) => log(`stopping ${t.key}: ${err}`));
  };
  process.once('SIGINT', () => void stopAll().finally(() => process.exit(130)));
  process.once('SIGTERM', () => void stopAll().finally(() => process.exit(143)));
  process.once('exit', () => {
    for (const t of running) if (t.proc) try { process.kill(-t.proc.pid, 'SIGKILL'); } catch { /* gone */ }
  });

  const wrk = await ensureDebianPackage('wrk', 'wrk', log);
  const versions: Record<string, string> = { node: process.version, wrk: await wrkVersion(wrk) };
  const commit = await capture('git', ['-C', REPO_ROOT, 'rev-parse', '--short', 'HEAD']);
  versions.concord = commit.code === 0 ? `${commit.stdout.trim()}${(await capture('git', ['-C', REPO_ROOT, 'status', '--porcelain'])).stdout.trim() ? ' (with local changes)' : ''}` : 'unknown';

  const gateway = opts.only.some((k) => GATEWAY_KEYS.includes(k))
    ? await gatewayPart(opts, wrk, versions, running)
    : { targets: [], skipped: [], checks: {}, measurements: [], profiles: [] };
  const platform = opts.only.some((k) => PLATFORM_KEYS.includes(k)) ? await platformPart(opts, wrk, versions, running) : undefined;

  const summary = summarise(gateway.measurements, new Map(gateway.targets.map((t) => [t.key, t.label])));
  const r = ratios(summary);
  const now = new Date();
  const profiles = [...gateway.profiles, ...(platform?.profiles ?? [])];
  const results: Results = {
    environment: {
      date: now.toISOString(),
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      os: `${osType()} ${release()}`,
      versions,
      settings: { seconds: opts.seconds, runs: opts.runs, warmupSeconds: opts.warmupSeconds, connections: opts.connections, wrkThreads: WRK_THREADS, quick: opts.quick, cpuProf: opts.cpuProf },
    },
    targets: gateway.targets.map((t) => ({ key: t.key, label: t.label, ...(t.version ? { version: t.version } : {}), notes: t.notes })),
    skipped: [...gateway.skipped, ...(platform?.platform.skipped ?? [])],
    checks: gateway.checks,
    summary,
    ratios: r,
    targetsCheck: targetsCheck(summary, r, platform?.platform.rows),
    measurements: gateway.measurements,
    ...(platform ? { platform: platform.platform } : {}),
    ...(opts.cpuProf ? { profiles } : {}),
  };
  if (!opts.cpuProf && results.targetsCheck.some((t) => t.met === false)) {
    const where = await latestProfiles(opts.out);
    if (where) results.whereTimeGoes = where;
  }
  // A quick or profiled run never replaces the full results.
  const suffix = `${opts.quick ? '-quick' : ''}${opts.cpuProf ? '-profile' : ''}`;
  await mkdir(opts.out, { recursive: true });
  const md = join(opts.out, `${now.toISOString().slice(0, 10)}${suffix}.md`);
  await writeFile(md, markdown(results));
  await writeFile(join(opts.out, `latest${suffix}.json`), `${JSON.stringify(results, null, 2)}\n`);

  if (summary.length) {
    console.log(summaryTable(summary));
    console.log('');
    for (const x of r) console.log(`${x.name} ${x.method} c=${x.connections}: ${x.value === null ? 'n/a' : `${x.value}×`}`);
    console.log('');
  }
  if (platform) {
    const p = platform.platform;
    if (p.rows.some((x) => x.section === 'orders')) console.log(`Order intake (10 % retries):\n${ordersTable(p.rows)}\n\n${duplicatesTable(p.duplicateChecks)}\n`);
    if (p.rows.some((x) => x.section === 'availability')) console.log(`Availability queries:\n${availabilityTable(p.rows)}\n`);
    if (p.inventory.length) console.log(`Inventory ingest:\n${inventoryTable(p.inventory)}\n`);
    if (p.rows.length || p.inventory.length) console.log(`CPU and round trips:\n${costTable(p)}\n`);
  }
  console.log(`Targets:\n${targetsTable(results.targetsCheck)}\n`);
  for (const s of results.skipped) console.log(`not measured: ${s.label}: ${s.reason.split('\n')[0]}`);
  log(`wrote ${md} and ${join(opts.out, `latest${suffix}.json`)}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});

/**
 * The first hour (issue 20), whole-process timing of what a new user runs:
 *   npm run bench:cli   [-- --runs 5]   `concord --help`, `contracts diff` of two small files, `apps list` against
 *                                       a running instance; and `node -e 0`, the floor any CLI pays on this machine
 *   npm run bench:start [-- --runs 3]   `concord start` to the first 200 from /readyz: a fresh data dir, a reopen of
 *                                       that data dir, and `--role gateway` on PostgreSQL (a migrated database)
 * Each figure is the median of the runs, each run a new process (`node bin/concord.js`, as `npx concord` runs it).
 * Prints a Markdown table with the load average, since a loaded machine slows every process start.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTempDatabase } from '../platform/testing/services';
import { REPO_ROOT, makeTempDir } from '../platform/testing/temp-dir';

const BIN = join(REPO_ROOT, 'bin', 'concord.js');
const SMALL_BASE = join(REPO_ROOT, 'governance/fixtures/review/base/contracts/openapi/process/orders.v1.yaml');
const SMALL_HEAD = join(REPO_ROOT, 'governance/fixtures/review/head/contracts/openapi/process/orders.v1.yaml');

interface Row {
  what: string;
  target?: number;
  seconds: number[];
  /** CPU time (user + system) of the measured process, where it is known. */
  cpu?: number[];
}

const CPU_PROBE = join(REPO_ROOT, 'bench', 'first-hour-cpu.cjs');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Wall time of one process from spawn to exit, and the CPU time it reported, in seconds; recorded in `row`. */
async function timeProcess(row: Row, args: string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['-r', CPU_PROBE, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  let report = '';
  child.stdio[3]!.on('data', (d: Buffer) => (report += d.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  // `contracts diff` exits 1 when it finds a breaking change, which the two fixture files have.
  if (code !== 0 && code !== 1) throw new Error(`${args.join(' ')} exited ${code}`);
  row.seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
  (row.cpu ??= []).push((JSON.parse(report) as { cpu: number }).cpu);
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  return port;
}

/** CPU time (user + system) a running process has used so far, in seconds, from /proc (Linux; clock ticks of 10 ms). */
async function cpuSoFar(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // Fields after the command name (in parentheses): utime and stime are the 12th and 13th.
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields ? (Number(fields[11]) + Number(fields[12])) / 100 : undefined;
}

interface Instance {
  url: string;
  /** Seconds from spawn to the first 200 from /readyz. */
  ready: number;
  /** CPU seconds the process had used by then. */
  cpu: number | undefined;
  stop(): Promise<void>;
}

/** `concord start`, timed to readiness; `stop` sends SIGTERM and waits for the exit. */
async function startConcord(args: string[], env: NodeJS.ProcessEnv): Promise<Instance> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [BIN, 'start', '--port', String(port), ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, 'exit');
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`concord start exited ${child.exitCode}:\n${stderr.slice(-2000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`concord start was not ready in 120 s:\n${stderr.slice(-2000)}`);
    }
    const ok = await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const ready = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = await cpuSoFar(child.pid!);
  return {
    url,
    ready,
    cpu,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function benchCli(runs: number): Promise<Row[]> {
  const rows: Row[] = [
    { what: '`node -e 0` (the floor: a bare Node process)', seconds: [] },
    { what: '`concord --help`', target: 0.3, seconds: [] },
    { what: '`concord contracts diff` of two small files', target: 0.6, seconds: [] },
    { what: '`concord apps list` against a running instance', target: 0.5, seconds: [] },
  ];
  const dir = await makeTempDir('concord-bench-cli-');
  const concord = await startConcord([], { CONCORD_DATA_DIR: dir.path });
  try {
    for (let i = 0; i < runs; i++) {
      await timeProcess(rows[0]!, ['-e', '0']);
      await timeProcess(rows[1]!, [BIN, '--help']);
      await timeProcess(rows[2]!, [BIN, 'contracts', 'diff', SMALL_BASE, SMALL_HEAD]);
      await timeProcess(rows[3]!, [BIN, 'apps', 'list', '--url', concord.url, '--data-dir', dir.path]);
    }
  } finally {
    await concord.stop();
    await dir.remove();
  }
  return rows;
}

function record(row: Row, c: Instance): void {
  row.seconds.push(c.ready);
  if (c.cpu !== undefined) (row.cpu ??= []).push(c.cpu);
}

async function benchStart(runs: number, postgres: string | undefined): Promise<Row[]> {
  const fresh: Row = { what: '`concord start`, fresh data dir → ready', target: 5, seconds: [] };
  const reopen: Row = { what: '`concord start`, reopen of that data dir → ready', target: 2, seconds: [] };
  const gateway: Row = { what: '`concord start --role gateway` on PostgreSQL (migrated) → ready', target: 1.5, seconds: [] };
  for (let i = 0; i < runs; i++) {
    const dir = await makeTempDir('concord-bench-start-');
    try {
      for (const row of [fresh, reopen]) {
        const c = await startConcord([], { CONCORD_DATA_DIR: dir.path });
        record(row, c);
        await c.stop();
      }
    } finally {
      await dir.remove();
    }
  }
  const rows = [fresh, reopen];
  if (postgres === undefined) return rows;
  const db = await createTempDatabase(postgres, 'concord_bench');
  const dir = await makeTempDir('concord-bench-gateway-');
  // The roles share one database; the first start migrates it (what a deployment's first instance does).
  const env = { DATABASE_URL: db.url, CONCORD_DATA_DIR: dir.path, CONCORD_PROCESS_URL: 'http://127.0.0.1:9', CONCORD_SYSTEM_URL: 'http://127.0.0.1:9' };
  try {
    await (await startConcord(['--role', 'gateway'], env)).stop();
    for (let i = 0; i < runs; i++) {
      const c = await startConcord(['--role', 'gateway'], env);
      record(gateway, c);
      await c.stop();
    }
  } finally {
    await db.drop();
    await dir.remove();
  }
  return [...rows, gateway];
}

function table(rows: Row[], runs: number): string {
  const load = loadavg().map((l) => l.toFixed(1)).join(' / ');
  const lines = [
    `Median of ${runs} runs, wall time per process (CPU: the process's own user + system time); load average (1/5/15 min) at the end: ${load}.`,
    '',
    '| step | median | CPU (median) | runs | target |',
    '|---|---|---|---|---|',
    ...rows.map((r) => {
      const m = median(r.seconds);
      const verdict = r.target === undefined ? '–' : `≤ ${r.target} s ${m <= r.target ? '✔' : '✖'}`;
      const cpu = r.cpu ? `${median(r.cpu).toFixed(2)} s` : '–';
      return `| ${r.what} | ${m.toFixed(2)} s | ${cpu} | ${r.seconds.map((s) => s.toFixed(2)).join(', ')} | ${verdict} |`;
    }),
  ];
  return lines.join('\n');
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { runs: { type: 'string' }, postgres: { type: 'string', default: process.env.CONCORD_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test' }, 'no-postgres': { type: 'boolean' } },
  });
  const what = positionals[0];
  if (what !== 'cli' && what !== 'start') throw new Error('usage: tsx bench/first-hour.ts cli|start [--runs N] [--postgres URL | --no-postgres]');
  const runs = Number(values.runs ?? (what === 'cli' ? 5 : 3));
  const rows = what === 'cli' ? await benchCli(runs) : await benchStart(runs, values['no-postgres'] ? undefined : values.postgres);
  console.log(table(rows, runs));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

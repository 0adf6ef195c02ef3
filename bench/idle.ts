/**
 * Idle cost of `concord start` (issue 18, point 6): starts Concord on each backend, waits for /readyz and a settle
 * time, then samples the CPU time (utime + stime from /proc) and RSS of its process group, and for PostgreSQL also
 * the CPU of the server backends serving its database, over a window with no traffic at all.
 *
 *   npm run bench:idle [-- --backend embedded|postgres|both] [--seconds 60] [--settle 15]
 *
 * PostgreSQL runs with Redis and NATS (the local services, under a prefix and a namespace of its own).
 */
import { randomBytes } from 'node:crypto';
import { readFile, readdir, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { createTempDatabase } from '../platform/testing/services';
import { answers, startProcess, waitUntil } from './peers/proc';

const REPO_ROOT = resolve(__dirname, '..');
const TICKS_PER_SECOND = 100;

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};

interface ProcStat {
  pid: number;
  comm: string;
  pgrp: number;
  ticks: number;
  rssPages: number;
}

async function readStat(pid: number): Promise<ProcStat | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: split after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, comm: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')), pgrp: Number(fields[2]), ticks: Number(fields[11]) + Number(fields[12]), rssPages: Number(fields[21]) };
  } catch {
    return undefined;
  }
}

/** Each process of group `pgrp` (or each of the pids given): its CPU ticks and RSS pages. */
async function sample(select: { pgrp: number } | { pids: number[] }): Promise<Map<number, ProcStat>> {
  const pids = 'pids' in select ? select.pids : (await readdir('/proc')).filter((d) => /^\d+$/.test(d)).map(Number);
  const out = new Map<number, ProcStat>();
  for (const pid of pids) {
    const s = await readStat(pid);
    if (s && (!('pgrp' in select) || s.pgrp === select.pgrp)) out.set(pid, s);
  }
  return out;
}

/** CPU ticks spent between two samples by the processes present in both, and the RSS (bytes) at the second. */
function delta(before: Map<number, ProcStat>, after: Map<number, ProcStat>): { ticks: number; rss: number } {
  let ticks = 0;
  let rss = 0;
  for (const [pid, a] of after) {
    const b = before.get(pid);
    if (b) ticks += a.ticks - b.ticks;
    rss += a.rssPages * 4096;
  }
  return { ticks, rss };
}

interface Figures {
  backend: string;
  cpuPercent: number;
  postgresCpuPercent?: number;
  rssMb: number;
}

async function measure(backend: 'embedded' | 'postgres', seconds: number, settle: number): Promise<Figures> {
  const dataDir = await mkdtemp(join(tmpdir(), 'concord-idle-'));
  const database = backend === 'postgres' ? await createTempDatabase(process.env.CONCORD_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test', 'concord_idle') : undefined;
  const suffix = randomBytes(4).toString('hex');
  const env = {
    ...process.env,
    CONCORD_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    // As `npm start` sets it: fewer glibc malloc arenas for V8's and libuv's threads (about 100 MB less RSS).
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
    DATABASE_URL: database?.url ?? '',
    REDIS_URL: database ? (process.env.REDIS_URL ?? 'redis://127.0.0.1:6379') : '',
    NATS_URL: database ? (process.env.NATS_URL ?? 'nats://127.0.0.1:4222') : '',
    CONCORD_REDIS_PREFIX: `concord-idle-${suffix}`,
    CONCORD_NATS_NAMESPACE: `idle_${suffix}`,
  };
  const proc = startProcess('concord', process.execPath, [join(REPO_ROOT, 'bin', 'concord.js'), 'start', '--json', '--port', '0'], { env, cwd: REPO_ROOT });
  try {
    let url = '';
    await waitUntil(
      'its start-up summary',
      async () => {
        try {
          url = (JSON.parse(proc.stdout()) as { url: string }).url;
          return true;
        } catch {
          return false;
        }
      },
      proc,
      300_000,
    );
    await waitUntil('readiness', async () => (await answers(`${url}/readyz`)).status === 200, proc, 60_000);
    process.stderr.write(`${backend}: ready at ${url}; settling ${settle} s, then sampling ${seconds} s\n`);
    await new Promise((r) => setTimeout(r, settle * 1000));

    const backends = async () => {
      if (!database) return [];
      const c = new pg.Client({ connectionString: database.url });
      await c.connect();
      try {
        const { rows } = await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
        return rows.map((r) => r.pid);
      } finally {
        await c.end();
      }
    };
    const pgPids = await backends();
    const before = await sample({ pgrp: proc.pid });
    const pgBefore = await sample({ pids: pgPids });
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const after = await sample({ pgrp: proc.pid });
    const pgAfter = await sample({ pids: pgPids });
    if (after.size === 0) throw new Error(`${backend}: Concord exited while it was sampled:\n${proc.stderrTail()}`);
    const percent = (ticks: number) => Math.round((ticks / TICKS_PER_SECOND / seconds) * 1000) / 10;
    const concord = delta(before, after);
    for (const [pid, st] of after) process.stderr.write(`${backend}: pid ${pid} ${st.comm}: ${Math.round((st.rssPages * 4096) / 1024 / 1024)} MB\n`);
    return {
      backend,
      cpuPercent: percent(concord.ticks),
      ...(database ? { postgresCpuPercent: percent(delta(pgBefore, pgAfter).ticks) } : {}),
      rssMb: Math.round(concord.rss / 1024 / 1024),
    };
  } finally {
    await proc.stop(10_000);
    await database?.drop().catch(() => {});
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const which = arg('backend', 'both');
  const seconds = Number(arg('seconds', '60'));
  const settle = Number(arg('settle', '15'));
  const backends = which === 'both' ? (['embedded', 'postgres'] as const) : [which as 'embedded' | 'postgres'];
  const results: Figures[] = [];
  for (const b of backends) results.push(await measure(b, seconds, settle));
  process.stdout.write(`| backend | Concord CPU (% of a core) | PostgreSQL CPU | RSS |\n|---|---|---|---|\n`);
  for (const r of results) {
    process.stdout.write(`| ${r.backend} | ${r.cpuPercent} % | ${r.postgresCpuPercent === undefined ? '–' : `${r.postgresCpuPercent} %`} | ${r.rssMb} MB |\n`);
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench:idle failed: ${err.message}\n`);
  process.exit(1);
});

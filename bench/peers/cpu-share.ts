/**
 * Who used the machine's CPUs during a run: CPU time per group of processes (Concord, PostgreSQL, Redis, NATS, wrk,
 * everything else), from /proc, as % of one core. On a 2-core machine where the load generator, Concord and its
 * services share the cores, this is the first half of "where the time goes": whether Concord's (single-threaded)
 * event loop is saturated, and how much of the machine the others take. Linux only; empty elsewhere.
 */
import { readFile, readdir } from 'node:fs/promises';

/** USER_HZ: /proc reports CPU time in clock ticks of 1/100 s on every Linux the bench runs on. */
const TICKS_PER_SECOND = 100;

interface Snapshot {
  at: number;
  /** Busy and total ticks of all CPUs together (/proc/stat). */
  busy: number;
  total: number;
  cores: number;
  procs: Map<number, { comm: string; user: number; sys: number }>;
}

export interface CpuShare {
  seconds: number;
  cores: number;
  /** Busy share of the whole machine, % of all cores. */
  machineBusyPercent: number;
  /** % of one core per group: the named groups, then postgresql, redis, nats, wrk and other. */
  groups: Record<string, number>;
  /** The kernel (system) part of each named group's share; the rest is user time. */
  kernel: Record<string, number>;
}

async function snapshot(): Promise<Snapshot> {
  const stat = await readFile('/proc/stat', 'utf8').catch(() => '');
  // cpu  user nice system idle iowait irq softirq steal …
  const f = (/^cpu\s+(.*)$/m.exec(stat)?.[1] ?? '').trim().split(/\s+/).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + (b || 0), 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  const procs = new Map<number, { comm: string; user: number; sys: number }>();
  const entries = await readdir('/proc').catch(() => [] as string[]);
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (e) => {
        const s = await readFile(`/proc/${e}/stat`, 'utf8').catch(() => '');
        if (!s) return;
        // pid (comm) state ppid … field 14 utime, 15 stime; comm may hold spaces and parentheses.
        const comm = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
        const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
        procs.set(Number(e), { comm, user: Number(rest[11]), sys: Number(rest[12]) });
      }),
  );
  return { at: performance.now(), busy: total - idle, total, cores: (stat.match(/^cpu\d+ /gm) ?? []).length, procs };
}

function groupOf(pid: number, comm: string, named: Map<number, string>): string {
  const n = named.get(pid);
  if (n) return n;
  if (comm === 'postgres') return 'postgresql';
  if (comm.startsWith('redis-server')) return 'redis';
  if (comm.startsWith('nats-server')) return 'nats';
  if (comm === 'wrk') return 'wrk';
  return 'other';
}

/**
 * `named`: process groups to report under their own name (e.g. `{ concord: [pid, …] }`, the process tree under
 * test). Measures from `startAfterMs` into a run until `stopBeforeMs` before its end (`runMs`), so that the window
 * holds only the load (wrk has started, and not yet exited); without `runMs`, from the start until `stop()`.
 */
export function sampleCpuShare(
  named: Record<string, number[]>,
  { runMs, startAfterMs = runMs === undefined ? 0 : 500, stopBeforeMs = 500 }: { runMs?: number; startAfterMs?: number; stopBeforeMs?: number } = {},
): { stop(): Promise<CpuShare | undefined> } {
  const byPid = new Map<number, string>();
  for (const [name, pids] of Object.entries(named)) for (const pid of pids) if (!byPid.has(pid)) byPid.set(pid, name);
  let first: Promise<Snapshot> | undefined;
  let last: Promise<Snapshot> | undefined;
  const t1 = setTimeout(() => (first = snapshot()), startAfterMs);
  const t2 = runMs === undefined ? undefined : setTimeout(() => (last = snapshot()), Math.max(startAfterMs + 500, runMs - stopBeforeMs));
  return {
    async stop() {
      clearTimeout(t1);
      if (t2) clearTimeout(t2);
      else if (first) last = snapshot();
      if (!first || !last) return undefined;
      const [a, b] = await Promise.all([first, last]);
      const seconds = (b.at - a.at) / 1000;
      if (seconds <= 0 || b.total <= a.total) return undefined;
      const groups: Record<string, number> = Object.fromEntries([...Object.keys(named), 'postgresql', 'redis', 'nats', 'wrk', 'other'].map((g) => [g, 0]));
      const kernel: Record<string, number> = Object.fromEntries(Object.keys(named).map((g) => [g, 0]));
      for (const [pid, p] of b.procs) {
        const before = a.procs.get(pid);
        // A process born in the window spent all its time in it.
        const user = p.user - (before?.user ?? 0);
        const sys = p.sys - (before?.sys ?? 0);
        if (!(user + sys > 0)) continue;
        const g = groupOf(pid, p.comm, byPid);
        groups[g] = (groups[g] ?? 0) + user + sys;
        if (g in kernel) kernel[g]! += sys;
      }
      const percent = (ticks: number) => Math.round((ticks / TICKS_PER_SECOND / seconds) * 100);
      return {
        seconds: Math.round(seconds * 10) / 10,
        cores: b.cores,
        machineBusyPercent: Math.round(((b.busy - a.busy) / (b.total - a.total)) * 100),
        groups: Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, percent(v)])),
        kernel: Object.fromEntries(Object.entries(kernel).map(([k, v]) => [k, percent(v)])),
      };
    },
  };
}

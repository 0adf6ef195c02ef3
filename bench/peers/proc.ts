/**
 * Servers under test as child processes: started, awaited until they answer, measured (RSS of the process and
 * its children, from /proc) and stopped. Nothing here blocks the event loop: the bench process only waits.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ServerProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Everything the process wrote on stdout so far. */
  stdout(): string;
  /** The last 4 KB it wrote on stderr, for error messages. */
  stderrTail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `command` as its own process (its own process group, so a stop reaches its children too). */
export function startProcess(name: string, command: string, args: string[], options: SpawnOptions = {}): ServerProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...options });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-4096)));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const pid = child.pid;
  return {
    name,
    pid,
    child,
    stdout: () => out,
    stderrTail: () => err,
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const signal = (sig: NodeJS.Signals) => {
        try {
          process.kill(-pid, sig); // the process group: nginx's worker, a shell's children
        } catch {
          try {
            process.kill(pid, sig);
          } catch {
            // already gone
          }
        }
      };
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resolves once `check` returns true, polling every 100 ms; throws after `timeoutMs` or when the process died. */
export async function waitUntil(what: string, check: () => Promise<boolean>, proc: ServerProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(`${proc.name} exited (${proc.child.exitCode ?? proc.child.signalCode}) before ${what}:\n${proc.stderrTail()}`);
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${proc.name}: no ${what} within ${timeoutMs} ms:\n${proc.stderrTail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An HTTP request that answers at all (any status) within one second. */
export async function answers(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(1_000) });
}

/** A port free on loopback right now (for servers that cannot report the port they bound, such as nginx). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** The pid and every descendant of it (nginx: master and worker), from the parent ids in /proc. */
export async function processTree(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid …; comm may contain spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!Number.isInteger(ppid)) continue;
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(parents.get(tree[i]!) ?? []));
  return tree;
}

/** One field of /proc/<pid>/status in kB (VmRSS, VmHWM), 0 when the process is gone. */
export async function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
}

/**
 * Samples the summed VmRSS of a process tree every `everyMs` until stopped; `stop()` gives the peak in MB. The
 * process-lifetime peak (VmHWM) would carry one run's peak into the next, since the servers stay up for all runs.
 */
export function sampleRss(pids: number[], everyMs = 100): { stop(): Promise<number> } {
  let peakKb = 0;
  let running = true;
  const sample = async () => {
    const kb = (await Promise.all(pids.map((p) => statusKb(p, 'VmRSS')))).reduce((a, b) => a + b, 0);
    peakKb = Math.max(peakKb, kb);
  };
  const loop = (async () => {
    while (running) {
      await sample();
      await new Promise((r) => setTimeout(r, everyMs));
    }
    await sample();
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return Math.round((peakKb / 1024) * 10) / 10;
    },
  };
}

/**
 * Load from wrk, as a separate process awaited asynchronously (a synchronous spawn would freeze any server in
 * this process; here every server is a child process anyway). Bounded by wrk's own duration plus a hard timeout.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export interface WrkLoad {
  url: string;
  seconds: number;
  connections: number;
  /** Extra request headers, e.g. `Authorization: Bearer …`. */
  headers?: string[];
  /** A Lua script (POST bodies, a fresh Idempotency-Key per request) and the environment it reads. */
  script?: string;
  env?: Record<string, string>;
  threads?: number;
}

export interface WrkResult {
  rps: number;
  requests: number;
  p50ms: number;
  p90ms: number;
  p99ms: number;
  /** Responses outside 2xx/3xx, and socket errors (connect, read, write, timeout): both should be 0. */
  non2xx: number;
  socketErrors: number;
}

export async function runWrk(wrk: string, load: WrkLoad): Promise<WrkResult> {
  return parseWrk(await wrkOutput(wrk, load));
}

/** wrk's whole output, for scripts whose done() prints figures of their own. */
export async function wrkOutput(wrk: string, load: WrkLoad): Promise<string> {
  const threads = Math.min(load.threads ?? 2, load.connections);
  const args = ['-t', String(threads), '-c', String(load.connections), '-d', `${load.seconds}s`, '--timeout', '5s', '--latency'];
  for (const h of load.headers ?? []) args.push('-H', h);
  if (load.script) args.push('-s', load.script);
  args.push(load.url);
  const { stdout } = await promisify(execFile)(wrk, args, {
    env: { ...process.env, ...load.env },
    encoding: 'utf8',
    timeout: (load.seconds + 30) * 1000,
    killSignal: 'SIGKILL',
  });
  return stdout;
}

/** wrk prints latencies as 812.00us, 1.20ms or 1.05s. */
function toMs(value: string | undefined): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(value ?? '');
  if (!m) return Number.NaN;
  const n = Number(m[1]);
  const ms = m[2] === 'us' ? n / 1000 : m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
  return Math.round(ms * 1000) / 1000;
}

export function parseWrk(out: string): WrkResult {
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const result: WrkResult = {
    rps: Math.round(Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1])),
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? 0),
    p50ms: toMs(/^\s+50%\s+(\S+)/m.exec(out)?.[1]),
    p90ms: toMs(/^\s+90%\s+(\S+)/m.exec(out)?.[1]),
    p99ms: toMs(/^\s+99%\s+(\S+)/m.exec(out)?.[1]),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
    socketErrors: errors ? errors.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
  };
  if (!Number.isFinite(result.rps)) throw new Error(`could not read wrk's output:\n${out}`);
  return result;
}

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A free loopback port (the kernel's pick; closed again before it is returned). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

/**
 * A server process of a test's own (nats-server, redis-server) on a fixed port, which the test can stop and start
 * again to cut a dependency off. The shared services of the machine are never touched.
 */
export interface OwnServer {
  readonly port: number;
  readonly url: string;
  start(): Promise<void>;
  /** SIGTERM, then waits for the process to exit (the port is free again). */
  stop(): Promise<void>;
  running(): boolean;
}

export function ownServer(opts: { command: string; args: (port: number) => string[]; port: number; url: (port: number) => string }): OwnServer {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  return {
    port: opts.port,
    url: opts.url(opts.port),
    running: () => child !== undefined,
    async start() {
      if (child) return;
      const c = spawn(opts.command, opts.args(opts.port), { stdio: 'ignore' });
      child = c;
      exited = new Promise((resolve) => c.once('exit', () => resolve()));
      for (let i = 0; i < 200; i++) {
        if (await accepts(opts.port)) return;
        if (c.exitCode !== null) break;
        await sleep(50);
      }
      child = undefined;
      c.kill('SIGKILL');
      throw new Error(`${opts.command} did not start on port ${opts.port}`);
    },
    async stop() {
      const c = child;
      child = undefined;
      if (!c) return;
      c.kill('SIGTERM');
      await exited;
    },
  };
}

/** nats-server with JetStream, its store in `storeDir` (so streams survive a stop and start). */
export const ownNatsServer = (port: number, storeDir: string, command = '/usr/sbin/nats-server'): OwnServer =>
  ownServer({ command, port, url: (p) => `nats://127.0.0.1:${p}`, args: (p) => ['-a', '127.0.0.1', '-p', String(p), '-js', '-sd', storeDir] });

/** redis-server without persistence. */
export const ownRedisServer = (port: number, command = 'redis-server'): OwnServer =>
  ownServer({ command, port, url: (p) => `redis://127.0.0.1:${p}`, args: (p) => ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'] });

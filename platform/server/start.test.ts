import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CONCORD_BIN } from '../../test/helpers/cli';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { createTempDatabase, describeWithService } from '../testing/services';
import { REPO_ROOT, makeTempDir } from '../testing/temp-dir';
import type { RunningPlatform } from './start';
import { startPlatform } from './start';

const silent = createLogger({ level: 'silent' });
const configFor = (env: Record<string, string>) => loadConfig({ PORT: '0', ...env }, { root: REPO_ROOT });

async function expectHealthy(platform: RunningPlatform): Promise<void> {
  const health = await fetch(`${platform.url}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok' });
  const ready = await fetch(`${platform.url}/readyz`);
  // Upstream breakers appear once their target was first called (ERP's reference data at start); `contracts`: each
  // source of contracts and whether it is served; without a catalogue, only the package's own.
  expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: 'ok' }, contracts: [expect.objectContaining({ source: 'contracts/', state: 'up' })] });
  expect(ready.status).toBe(200);
}

describe('concord start on the embedded default (PGlite)', () => {
  let dir: { path: string; remove(): Promise<void> };
  let platform: RunningPlatform;
  beforeAll(async () => {
    dir = await makeTempDir();
    platform = await startPlatform(configFor({ CONCORD_DATA_DIR: dir.path }), silent);
  });
  afterAll(async () => {
    await platform?.close();
    await dir.remove();
  });

  it('serves /healthz and /readyz', async () => {
    await expectHealthy(platform);
    expect(platform.db.kind).toBe('pglite');
  });

  it('answers an unknown route with problem+json carrying the echoed correlation id', async () => {
    const res = await fetch(`${platform.url}/no/such/route`, { headers: { 'X-Correlation-ID': 'corr-123' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('x-correlation-id')).toBe('corr-123');
    expect(await res.json()).toEqual(expect.objectContaining({ type: 'https://concord.dev/problems/not-found', status: 404, correlationId: 'corr-123' }));
  });

  it('routes contract operations through the pipeline: a wrong method is 405 with Allow, a routed one needs auth', async () => {
    const wrong = await fetch(`${platform.url}/v1/orders`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD, POST');
    const routed = await fetch(`${platform.url}/v1/orders`);
    expect(routed.status).toBe(401);
    expect(await routed.json()).toEqual(expect.objectContaining({ type: 'https://concord.dev/problems/unauthorized' }));
  });

  it('generates a correlation id when none (or a malformed one) is given', async () => {
    const res = await fetch(`${platform.url}/healthz`, { headers: { 'X-Correlation-ID': 'bad id with spaces' } });
    expect(res.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a second instance on the same data dir without touching it', async () => {
    await expect(startPlatform(configFor({ CONCORD_DATA_DIR: dir.path }), silent)).rejects.toThrow(/is in use by this process/);
    await expectHealthy(platform);
  });

  it('keeps its data across restarts and releases the lock on close', async () => {
    const before = await platform.db.query<{ created_at: string }>('SELECT created_at FROM concord.instance');
    await platform.close();
    await expect(readFile(join(dir.path, 'concord.lock'))).rejects.toThrow(/ENOENT/);
    platform = await startPlatform(configFor({ CONCORD_DATA_DIR: dir.path }), silent);
    const after = await platform.db.query<{ created_at: string }>('SELECT created_at FROM concord.instance');
    expect(after.rows).toEqual(before.rows);
    await expectHealthy(platform);
  });
});

describeWithService('postgres', 'concord start on PostgreSQL (DATABASE_URL)', () => {
  let db: { url: string; drop(): Promise<void> };
  let platform: RunningPlatform | undefined;
  beforeAll(async () => {
    db = await createTempDatabase();
  });
  afterAll(async () => {
    await platform?.close();
    await db.drop();
  });

  it('serves /healthz and /readyz and applies the migrations', async () => {
    const dir = await makeTempDir();
    try {
      platform = await startPlatform(configFor({ DATABASE_URL: db.url, CONCORD_DATA_DIR: dir.path }), silent);
      expect(platform.db.kind).toBe('postgres');
      await expectHealthy(platform);
      const { rows } = await platform.db.query<{ id: string }>('SELECT id FROM concord.schema_migrations ORDER BY id');
      expect(rows.map((r) => r.id)).toContain('platform/0001_instance');
    } finally {
      await dir.remove();
    }
  });

  it('fails to start, naming the server but not the password, when PostgreSQL is unreachable', async () => {
    const closedPort = await freePort();
    await expect(
      startPlatform(configFor({ DATABASE_URL: `postgres://concord:s3cret@127.0.0.1:${closedPort}/nope` }), silent),
    ).rejects.toThrow(/cannot connect to PostgreSQL at postgres:\/\/concord:\*\*\*@127\.0\.0\.1/);
  });
});

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('the concord start command', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('starts, answers /healthz, and stops cleanly on %s', async (signal) => {
    const dir = await makeTempDir();
    const child = spawn(process.execPath, [CONCORD_BIN, 'start', '--json', '--port', '0'], {
      env: { ...process.env, CONCORD_DATA_DIR: dir.path, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      const started = await new Promise<{ url: string }>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          try {
            resolve(JSON.parse(stdout));
          } catch {
            // not the whole JSON document yet
          }
        });
        void exited.then((code) => reject(new Error(`exited ${code} before starting: ${stderr}`)));
      });
      expect((await fetch(`${started.url}/healthz`)).status).toBe(200);
      child.kill(signal);
      expect(await exited).toBe(0);
      await expect(readFile(join(dir.path, 'concord.lock'))).rejects.toThrow(/ENOENT/);
    } finally {
      child.kill('SIGKILL');
      await dir.remove();
    }
  });

  it('prints the first start secrets last, on their own, to stderr; logs stay JSON on stdout when it is not a terminal', async () => {
    const dir = await makeTempDir();
    const child = spawn(process.execPath, [CONCORD_BIN, 'start', '--port', '0'], {
      env: { ...process.env, CONCORD_DATA_DIR: dir.path, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      await new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (/password \S+\n=+\n\n$/.test(stderr)) resolve();
        });
        void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
      });
      const creds = JSON.parse(await readFile(join(dir.path, 'credentials.json'), 'utf8')) as Record<'admin' | 'sandbox', { client_secret: string }>;
      const banner = stderr.slice(stderr.lastIndexOf('FIRST START'));
      // Everything secret is in the banner, the banner is the last thing written, and stdout never has it.
      expect(banner).toContain(creds.sandbox.client_secret);
      expect(banner).toContain(creds.admin.client_secret);
      expect(banner).toMatch(/Developer portal admin/);
      expect(stdout).toContain('Concord is running at');
      expect(stdout).not.toContain(creds.sandbox.client_secret);
      const logLines = stdout.split('\n').filter((l) => l.startsWith('{'));
      expect(logLines.length).toBeGreaterThan(0);
      for (const line of logLines) expect(JSON.parse(line)).toHaveProperty('level');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await dir.remove();
    }
  });

  it('a SIGTERM during start-up (PGlite still initialising) undoes it: exit 0, no lock left', async () => {
    const dir = await makeTempDir();
    const child = spawn(process.execPath, [CONCORD_BIN, 'start', '--port', '0'], {
      env: { ...process.env, CONCORD_DATA_DIR: dir.path, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stderr = '';
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      await new Promise<void>((resolve) =>
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          // The server listens before the contracts load and PGlite runs initdb: signal in that window.
          if (stderr.includes('listening on')) resolve();
        }),
      );
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).toContain('start-up interrupted');
      await expect(readFile(join(dir.path, 'concord.lock'))).rejects.toThrow(/ENOENT/);
    } finally {
      child.kill('SIGKILL');
      await dir.remove();
    }
  });

  it('exits 1 with a clear message when the port is taken, leaving nothing behind', async () => {
    const dir = await makeTempDir();
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address() as AddressInfo;
    try {
      const child = spawn(process.execPath, [CONCORD_BIN, 'start', '--port', String(port)], {
        env: { ...process.env, CONCORD_DATA_DIR: dir.path, LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      expect(code).toBe(1);
      expect(stderr).toMatch(/EADDRINUSE/);
      await expect(readFile(join(dir.path, 'concord.lock'))).rejects.toThrow(/ENOENT/);
    } finally {
      blocker.close();
      await dir.remove();
    }
  });
});

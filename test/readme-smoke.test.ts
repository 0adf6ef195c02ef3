import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT, makeTempDir } from '../platform/testing/temp-dir';
import { CONCORD_BIN } from './helpers/cli';

// The README, as written, must work: its `sh readme-smoke` blocks run with bash, in order, against a Concord started
// with `concord start` on an ephemeral port. Only the address (the README's default 8080) and the secret the README
// tells the reader to copy from credentials.json are filled in.

const LOCAL = 'http://127.0.0.1:8080';

async function readmeBlocks(): Promise<string[]> {
  const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/^```sh readme-smoke\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

function bash(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', `set -eo pipefail\n${script}`], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the README’s commands', () => {
  let dir: { path: string; remove(): Promise<void> };
  let child: ChildProcess | undefined;
  let url: string;
  let exited: Promise<number | null>;
  let blocks: string[];

  beforeAll(async () => {
    blocks = await readmeBlocks();
    dir = await makeTempDir();
    child = spawn(process.execPath, [CONCORD_BIN, 'start', '--port', '0'], {
      cwd: REPO_ROOT,
      env: { ...process.env, CONCORD_DATA_DIR: dir.path, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exited = new Promise((r) => child!.on('exit', (code) => r(code)));
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    url = await new Promise<string>((resolve, reject) => {
      child!.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        const running = /Concord is running at (http:\/\/\S+)/.exec(stdout);
        if (running) resolve(running[1]!);
      });
      void exited.then((code) => reject(new Error(`concord start exited ${code}: ${stderr}`)));
    });
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await dir?.remove();
  });

  /** Runs README blocks as one script (later blocks use what earlier ones set, like $TOKEN). */
  async function run(which: string[]) {
    const creds = JSON.parse(await readFile(join(dir.path, 'credentials.json'), 'utf8')) as { sandbox: { client_secret: string } };
    const script = which
      .join('\n')
      .replaceAll(LOCAL, url)
      .replaceAll('<from credentials.json>', creds.sandbox.client_secret);
    const result = await bash(script, { PORT: new URL(url).port, CONCORD_DATA_DIR: dir.path });
    expect({ code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({ code: 0, stderr: '' });
    return result.stdout;
  }

  const block = (needle: string) => {
    const found = blocks.find((b) => b.includes(needle));
    if (!found) throw new Error(`no readme-smoke block with ${needle}`);
    return found;
  };

  it('has the Quick start, Gateway, Order intake and Governance examples tagged', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  it('Quick start: health and readiness', async () => {
    const out = await run([block('/healthz')]);
    expect(out).toContain('{"status":"ok"}');
    expect(out).toContain('"status":"ready"');
  });

  it('Gateway and Order intake: a token, the orders list, an order placed, ERP down and back', async () => {
    const out = await run([block('/oauth/token'), block('/v2/orders')]);
    expect(out).not.toContain('concord.dev/problems/');
    expect(out).toMatch(/"id":"ord_/);
  });

  it('Governance: the diff examples run from a fresh checkout without copies in /tmp', async () => {
    const out = await run([block('contracts diff')]);
    expect(out).not.toMatch(/no such file/i);
  });
});

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CONCORD_BIN } from '../../test/helpers/cli';
import { REPO_ROOT } from '../testing/temp-dir';

/** The packages the CLI must load only for the commands that use them (ADR 0014). */
const HEAVY = ['@stoplight/spectral-core', '@asyncapi/parser', '@apidevtools/swagger-parser', '@pact-foundation/pact', 'openapi-typescript', 'typescript', 'fastify', '@electric-sql/pglite', 'vite'];

/** Runs `run` (the real CLI by default) in a child process and lists the packages it loaded, from require.cache at exit. */
function loadedPackages(args: string[], run = `process.argv = [process.execPath, ${JSON.stringify(CONCORD_BIN)}, ...${JSON.stringify(args)}]; require(${JSON.stringify(CONCORD_BIN)});`): Promise<Set<string>> {
  const probe = `
    process.on('exit', () => {
      const names = new Set(Object.keys(require.cache).map((k) => /node_modules\\/((@[^/]+\\/)?[^/]+)/.exec(k)?.[1]).filter(Boolean));
      require('node:fs').writeSync(3, JSON.stringify([...names]));
    });
    ${run}
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', probe], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdio[3]!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve(new Set(JSON.parse(out) as string[]));
      } catch {
        reject(new Error(`no module list from concord ${args.join(' ')}:\n${err}`));
      }
    });
  });
}

const fixture = (side: string) => join(REPO_ROOT, 'governance/fixtures/review', side, 'contracts/openapi/process/orders.v1.yaml');

describe('the CLI loads the heavy parts only for the commands that use them', () => {
  it.each([
    ['--help', ['--help']],
    ['contracts --help', ['contracts', '--help']],
    ['contracts diff of two files', ['contracts', 'diff', fixture('base'), fixture('head')]],
    ['apps list (no instance running)', ['apps', 'list', '--url', 'http://127.0.0.1:9']],
  ])('%s', async (_name, args) => {
    const loaded = await loadedPackages(args);
    expect(loaded.has('commander')).toBe(true); // the probe sees what the CLI loaded
    expect(HEAVY.filter((p) => loaded.has(p))).toEqual([]);
  });

  it('and does load them for a command that needs them (the probe would see them)', async () => {
    const loaded = await loadedPackages(['contracts', 'lint', fixture('base'), '--format', 'json']);
    expect(loaded.has('@stoplight/spectral-core')).toBe(true);
  });

  it("and the server's modules leave the production-mode clients (PostgreSQL, Redis, NATS, the HTTP upstream) to the configurations that use them", async () => {
    const loaded = await loadedPackages([], `require(${JSON.stringify(join(REPO_ROOT, 'dist', 'platform', 'server', 'start.js'))});`);
    expect(loaded.has('fastify')).toBe(true);
    expect(['pg', 'ioredis', '@nats-io/transport-node', '@nats-io/jetstream', 'undici'].filter((p) => loaded.has(p))).toEqual([]);
  });
});

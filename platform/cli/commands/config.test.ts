import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/** `concord config check` as a user runs it: a child process, so its exit code and output are the real ones. */
const BIN = resolve(__dirname, '..', '..', '..', 'bin', 'concord.js');
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  promisify(execFile)(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ...env } }).then(
    (r) => ({ code: 0, ...r }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );

describe('concord config check', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'concord-config-check-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 1 and names file, line and field of each problem (--json); secrets never printed when valid', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, ['upstreams:', '  erp-real:', '    url: https://erp.example.com', '    maxInFlight: 0', 'systems:', '  erp: erp-rea1', ''].join('\n'));
    const bad = await run(['config', 'check', '--json'], { CONCORD_CONFIG: file });
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toEqual({
      valid: false,
      file,
      problems: [{ file, line: 4, field: 'upstreams.erp-real.maxInFlight', message: 'must be >= 1' }],
    });

    const good = join(dir, 'good.yaml');
    writeFileSync(good, ['upstreams:', '  erp-real:', '    url: ${ERP_URL}', '    auth: { type: apiKey, value: "${ERP_KEY}" }', 'systems: { erp: erp-real }', ''].join('\n'));
    const ok = await run(['config', 'check'], { CONCORD_CONFIG: good, ERP_URL: 'https://erp.example.com', ERP_KEY: 'k-very-secret' });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/valid[\s\S]*erp-real \(https:\/\/erp\.example\.com, auth apiKey\)[\s\S]*erp erp-real/);
    expect(ok.stdout + ok.stderr).not.toContain('k-very-secret');
  });
});

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerContractsLint } from '../../platform/cli/commands/contracts-lint';
import type { CommandContext } from '../../platform/cli/context';
import { createOutput } from '../../platform/cli/output';
import { REPO_ROOT, makeTempDir } from '../../platform/testing/temp-dir';

/**
 * `concord contracts lint` through its register function on a commander program built here, as contracts.ts
 * builds the `contracts` group, with a fake context capturing what the command prints and its exit code.
 */
const FIXTURES = join(REPO_ROOT, 'governance', 'fixtures', 'lint');
const GOOD = join(FIXTURES, 'concord-operation-examples', 'good');
const GOOD_FILE = join(GOOD, 'contracts/openapi/process/widgets.v1.yaml');
const BAD = join(FIXTURES, 'concord-operation-examples', 'bad');
const BAD_FILE = join(BAD, 'contracts/openapi/process/widgets.v1.yaml');

interface Run {
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
  error?: unknown;
}

async function run(args: string[], root = GOOD): Promise<Run> {
  const r: Run = { stdout: '', stderr: '', exitCode: undefined };
  const sink = (key: 'stdout' | 'stderr') => ({ write: (s: string) => ((r[key] += s), true) }) as unknown as NodeJS.WritableStream;
  const ctx: CommandContext = {
    root,
    env: {},
    output: (json) => createOutput(json, sink('stdout'), sink('stderr')),
    setExitCode: (code) => {
      r.exitCode = code;
    },
    shutdown: new AbortController().signal,
  };
  const program = new Command('concord')
    .exitOverride()
    .configureOutput({ writeOut: (s) => void (r.stdout += s), writeErr: (s) => void (r.stderr += s) });
  const contracts = program.command('contracts');
  registerContractsLint(contracts, ctx);
  try {
    await program.parseAsync(['node', 'concord', 'contracts', 'lint', ...args]);
  } catch (err) {
    r.error = err;
    if (err instanceof CommanderError || typeof (err as { exitCode?: unknown }).exitCode === 'number') r.exitCode = (err as { exitCode: number }).exitCode;
  }
  return r;
}

describe('concord contracts lint', () => {
  let tmp: { path: string; remove(): Promise<void> };
  beforeAll(async () => {
    tmp = await makeTempDir('concord-lint-cli-');
  });
  afterAll(() => tmp.remove());

  it('prints the stylish report and exits 0 on a clean file', async () => {
    const r = await run([GOOD_FILE]);
    expect(r.error).toBeUndefined();
    expect(r.stdout).toBe('no problems\n');
    expect(r.exitCode).toBeUndefined();
    expect(r.stderr).toContain('linting 1 file');
  });

  it('--format json prints { findings, summary } and exits 1 on errors, naming files relative to the root', async () => {
    const r = await run([BAD_FILE, '--format', 'json'], BAD);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; location: { file: string } }>; summary: unknown };
    expect(report.summary).toEqual({ errors: 2, warnings: 0, infos: 0 });
    expect(report.findings.map((f) => `${f.ruleId} ${f.location.file}`)).toEqual([
      'concord-operation-examples contracts/openapi/process/widgets.v1.yaml',
      'concord-operation-examples contracts/openapi/process/widgets.v1.yaml',
    ]);
  });

  it('--json is --format json, and lints every contract under the root without file arguments', async () => {
    const r = await run(['--json'], BAD);
    expect(r.exitCode).toBe(1);
    expect((JSON.parse(r.stdout) as { summary: { errors: number } }).summary.errors).toBe(2);
  });

  it('--output writes the report to a file, leaving stdout empty', async () => {
    const target = join(tmp.path, 'reports', 'lint.sarif');
    const r = await run([BAD_FILE, '--format', 'sarif', '--output', target], BAD);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('wrote the sarif report to');
    expect(r.stderr).toContain('✖ 2 problems (2 errors, 0 warnings)');
    const sarif = JSON.parse(await readFile(target, 'utf8')) as { version: string; runs: Array<{ results: unknown[] }> };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]?.results).toHaveLength(2);
  });

  it('--fail-on warning exits 1 on warnings alone; the default does not', async () => {
    const text = (await readFile(GOOD_FILE, 'utf8')).replace('  contact: { name: Concord platform team, email: platform@concord.dev }\n', '');
    const file = join(tmp.path, 'contracts/openapi/process/widgets.v1.yaml');
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, text);
    const lenient = await run([file, '--format', 'github-actions'], tmp.path);
    expect(lenient.stdout).toMatch(/^::warning file=contracts\/openapi\/process\/widgets\.v1\.yaml,line=\d+,col=\d+,title=info-contact::/);
    expect(lenient.exitCode).toBeUndefined();
    const strict = await run([file, '--format', 'markdown', '--fail-on', 'warning'], tmp.path);
    expect(strict.stdout).toContain('| warning | `info-contact` |');
    expect(strict.exitCode).toBe(1);
  });

  it('exits 2 on an unknown format, a missing file, or --json with another format, without a stack', async () => {
    const format = await run([GOOD_FILE, '--format', 'xml']);
    expect(format.exitCode).toBe(2);
    expect(format.stderr).toContain("argument 'xml' is invalid. Allowed choices are stylish, json, sarif, markdown, github-actions");

    const failOn = await run([GOOD_FILE, '--fail-on', 'info']);
    expect(failOn.exitCode).toBe(2);

    const missing = await run([join(tmp.path, 'nope.yaml')], tmp.path);
    expect(missing.exitCode).toBe(2);
    expect((missing.error as Error).message).toBe('nope.yaml: no such file');

    const both = await run([GOOD_FILE, '--json', '--format', 'sarif']);
    expect(both.exitCode).toBe(2);
    expect((both.error as Error).message).toBe('--json means --format json; it cannot be combined with --format sarif');
  });

  it('--profile import reports a third-party directory\'s house-rule errors as warnings and exits 0', async () => {
    const vendor = join(REPO_ROOT, 'platform', 'server', 'fixtures', 'external-contracts', 'stock', 'store-stock.yaml');
    const strict = await run([vendor, '--json']);
    const strictFindings = (JSON.parse(strict.stdout) as { findings: Array<{ level: string }> }).findings;
    expect(strict.exitCode).toBe(1);
    expect(strictFindings.some((f) => f.level === 'error')).toBe(true);

    const imported = await run([vendor, '--json', '--profile', 'import']);
    const importedFindings = (JSON.parse(imported.stdout) as { findings: Array<{ level: string }> }).findings;
    expect(imported.exitCode).toBeUndefined();
    expect(importedFindings).toHaveLength(strictFindings.length);
    expect(importedFindings.every((f) => f.level !== 'error')).toBe(true);
  });

  it('--help shows the options and examples', async () => {
    const r = await run(['--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('--format <format>');
    expect(r.stdout).toContain('--fail-on <level>');
    expect(r.stdout).toContain('concord contracts lint --format sarif --output lint.sarif');
  });
});

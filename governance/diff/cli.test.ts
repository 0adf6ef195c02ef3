import { execFileSync } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT, makeTempDir } from '../../platform/testing/temp-dir';
import { runCli } from '../../test/helpers/cli';
import type { DiffChange } from '.';

const FIXTURES = join(REPO_ROOT, 'governance', 'fixtures', 'diff');

describe('concord contracts diff', () => {
  it('compares two files and prints { changes: [{ id, level, message, location }] } with --json; exit 1 on errors', async () => {
    const dir = join(FIXTURES, 'response-body-property-removed-required');
    const r = await runCli(['contracts', 'diff', join(dir, 'base.yaml'), join(dir, 'revision.yaml'), '--json', '--today', '2026-12-01']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { changes: DiffChange[] };
    const removed = out.changes.find((c) => c.id === 'response-body-property-removed-required');
    expect(removed).toMatchObject({ level: 'error', location: { file: expect.stringMatching(/revision\.yaml$/), pointer: expect.stringMatching(/^\//), operation: expect.any(String) } });
    expect(out.changes.map((c) => c.id)).toContain('breaking-change-needs-new-major');
  });

  it('exits 0 for a refactor that changes nothing a client sees, and says so', async () => {
    const dir = join(FIXTURES, 'refactor-inline-schema-to-external-ref');
    const r = await runCli(['contracts', 'diff', join(dir, 'base.yaml'), join(dir, 'revision.yaml')]);
    expect({ code: r.code, stdout: r.stdout.trim() }).toEqual({ code: 0, stdout: 'no changes' });
  });

  it('diffs every contract changed between two git refs', async () => {
    const repo = await makeTempDir('concord-diff-git-');
    try {
      await cp(join(REPO_ROOT, 'contracts'), join(repo.path, 'contracts'), { recursive: true });
      const git = (...args: string[]) => execFileSync('git', args, { cwd: repo.path, stdio: 'pipe' });
      git('init', '-q', '-b', 'main');
      git('add', '.');
      git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'base');
      const file = join(repo.path, 'contracts/openapi/process/returns.v1.yaml');
      // A new required query parameter on listReturns, committed as the head.
      const text = await readFile(file, 'utf8');
      await writeFile(file, text.replace(/(\/v1\/returns:\n(?:.*\n)*? {4}get:\n(?:.*\n)*? {6}parameters:\n)/, "$1        - { name: storeId, in: query, required: true, schema: { type: string } }\n"));
      git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-am', 'head');
      const r = await runCli(['contracts', 'diff', '--root', repo.path, '--base', 'HEAD~1', '--head', 'HEAD', '--json']);
      const out = JSON.parse(r.stdout) as { changes: DiffChange[] };
      expect(out.changes.map((c) => `${c.level} ${c.id} ${c.location.file}`)).toEqual([
        'error request-parameter-added-required contracts/openapi/process/returns.v1.yaml',
        'error breaking-change-needs-new-major contracts/openapi/process/returns.v1.yaml',
      ]);
      expect(r.code).toBe(1);
    } finally {
      await repo.remove();
    }
  });

  it('refuses bad input with exit 2 and a clear message, never a stack trace', async () => {
    const missing = await runCli(['contracts', 'diff', 'nope.yaml', 'also-nope.yaml']);
    expect({ code: missing.code, stderr: missing.stderr.trim() }).toEqual({ code: 2, stderr: 'error: nope.yaml: no such file; also-nope.yaml: no such file' });
    const badRef = await runCli(['contracts', 'diff', '--base', '--upload-pack=evil']);
    expect(badRef.code).toBe(2);
    expect(badRef.stderr).not.toMatch(/\n\s+at /);
    const notYaml = await runCli(['contracts', 'diff', join(REPO_ROOT, 'package.json'), join(REPO_ROOT, 'README.md')]);
    expect(notYaml.code).toBe(2);
    expect(notYaml.stderr).toMatch(/^error: /);
  });
});

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT, makeTempDir } from '../../platform/testing/temp-dir';
import { runCli } from '../../test/helpers/cli';
import type { DiffChange } from '.';
import { diffFiles } from './diff-files';
import { loadSeverityConfig, parseSeverityConfig } from './severity';

const FIXTURES = join(REPO_ROOT, 'governance', 'fixtures', 'diff');
const pair = (name: string) => [join(FIXTURES, name, 'base.yaml'), join(FIXTURES, name, 'revision.yaml')] as const;

describe('severity files', () => {
  it('sets the level of Concord ids and of oasdiff aliases, a Concord id winning over an alias', () => {
    const config = parseSeverityConfig(
      ['severity:', '  security-scope-added: warning', '  request-body-max-set: info', '  api-security-added: info'].join('\n'),
      'concord-governance.yaml',
    );
    expect(Object.fromEntries(config.levels)).toEqual({ 'security-scope-added': 'warning', 'request-body-limit-added': 'info' });
  });

  it('refuses unknown ids, bad levels and a missing severity mapping, naming the file', () => {
    expect(() => parseSeverityConfig('severity:\n  no-such-rule: info\n', 'g.yaml')).toThrow("g.yaml: unknown rule id 'no-such-rule'");
    expect(() => parseSeverityConfig('severity:\n  security-scope-added: fatal\n', 'g.yaml')).toThrow('level must be error, warning or info');
    expect(() => parseSeverityConfig('levels: {}\n', 'g.yaml')).toThrow("expected a 'severity:' mapping");
  });

  it('applies its levels to the diff and marks each change whose level it set', async () => {
    const severity = parseSeverityConfig('severity:\n  security-scope-added: warning\n', '.concord/governance.yaml');
    const [base, revision] = pair('security-scope-added');
    const { changes } = await diffFiles(base, revision, { today: '2026-12-01', severity });
    expect(changes.map((c) => [c.id, c.level, c.levelFrom])).toEqual([['security-scope-added', 'warning', '.concord/governance.yaml']]);
    const strict = await diffFiles(base, revision, { today: '2026-12-01' });
    expect(strict.changes.map((c) => [c.id, c.level, c.levelFrom])).toEqual([
      ['security-scope-added', 'error', undefined],
      ['breaking-change-needs-new-major', 'error', undefined],
    ]);
  });

  it('is found at the repository root as .concord/governance.yaml or concord-governance.yaml', async () => {
    const dir = await makeTempDir('concord-severity-');
    try {
      expect(await loadSeverityConfig(dir.path)).toBeUndefined();
      await writeFile(join(dir.path, 'concord-governance.yaml'), 'severity:\n  response-body-enum-value-added: warning\n');
      expect((await loadSeverityConfig(dir.path))?.file).toBe('concord-governance.yaml');
    } finally {
      await dir.remove();
    }
  });

  it('concord contracts diff --severity-file relaxes a rule and exits 0 when nothing is left at error', async () => {
    const dir = await makeTempDir('concord-severity-cli-');
    try {
      const file = join(dir.path, 'levels.yaml');
      await writeFile(file, 'severity:\n  api-security-scope-added: info\n');
      const [base, revision] = pair('security-scope-added');
      const r = await runCli(['contracts', 'diff', base, revision, '--json', '--today', '2026-12-01', '--severity-file', file]);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as { changes: DiffChange[] };
      expect(out.changes.map((c) => [c.id, c.level])).toEqual([['security-scope-added', 'info']]);
      const bad = await runCli(['contracts', 'diff', base, revision, '--severity-file', join(dir.path, 'missing.yaml')]);
      expect(bad.code).toBe(2);
    } finally {
      await dir.remove();
    }
  });
});

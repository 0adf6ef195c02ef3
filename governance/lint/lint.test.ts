import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT, makeTempDir } from '../../platform/testing/temp-dir';
import { LintInputError, levelOf, lintContracts } from './lint';
import type { LintFinding } from './lint';

const describeFinding = (f: LintFinding) => `${f.level} ${f.ruleId} ${f.location.file}:${f.location.line} ${f.location.pointer}: ${f.message}`;

describe('lintContracts on the real contracts', () => {
  let findings: LintFinding[];
  let cpuMs: number;
  beforeAll(async () => {
    // CPU time, not wall-clock: what the lint itself costs, whatever else shares the machine.
    const started = process.cpuUsage();
    findings = await lintContracts([], { root: REPO_ROOT });
    const used = process.cpuUsage(started);
    cpuMs = (used.user + used.system) / 1000;
  });

  it('finds no errors and nothing from the Concord rules', () => {
    expect(findings.filter((f) => f.level === 'error' || f.source === 'concord').map(describeFinding)).toEqual([]);
  });

  it('leaves out unused components of the common files, which other files use', () => {
    expect(findings.filter((f) => f.ruleId === 'oas3-unused-component').map(describeFinding)).toEqual([]);
  });

  it('takes seconds of CPU, not minutes', () => {
    // A guard against a rule gone quadratic, not a benchmark: Spectral's own example validation takes most of the
    // few seconds (see README.md). Measured in CPU time so that a loaded machine does not fail it.
    expect(cpuMs).toBeLessThan(60_000);
  });
});

describe('lintContracts', () => {
  let dir: { path: string; remove(): Promise<void> };
  beforeEach(async () => {
    dir = await makeTempDir('concord-lint-');
  });
  afterEach(() => dir.remove());

  const write = async (rel: string, text: string) => {
    const abs = join(dir.path, rel);
    await mkdir(join(abs, '..'), { recursive: true });
    await writeFile(abs, text);
    return abs;
  };

  const api = (name: string, path: string) => `openapi: 3.1.0
info: { title: ${name}, version: 1.0.0 }
paths:
  ${path}:
    get:
      operationId: get${name}
      responses:
        '404': { $ref: '../common/http.yaml#/components/responses/NotFound' }
`;
  const common = `openapi: 3.1.0
info: { title: Shared, version: 1.0.0 }
paths: {}
components:
  responses:
    NotFound:
      description: Not found.
      content:
        text/plain:
          schema: { type: string }
`;

  it("reports a finding inside a $ref'd file in that file, once however many files reach it", async () => {
    await write('contracts/openapi/common/http.yaml', common);
    const a = await write('contracts/openapi/process/alpha.v1.yaml', api('Alpha', '/v1/alpha'));
    const b = await write('contracts/openapi/process/beta.v1.yaml', api('Beta', '/v1/beta'));
    const findings = (await lintContracts([a, b], { root: dir.path })).filter((f) => f.ruleId === 'concord-problem-json-errors');
    expect(findings).toEqual([
      {
        ruleId: 'concord-problem-json-errors',
        level: 'error',
        source: 'concord',
        message: 'Error response 404 answers text/plain; errors are application/problem+json (RFC 9457) only.',
        location: { file: 'contracts/openapi/common/http.yaml', pointer: '/components/responses/NotFound/content/text~1plain', line: 9, column: 20 },
      },
    ]);
  });

  it('lints every contract under <root>/contracts when given no files, JSON ones included', async () => {
    await write('contracts/openapi/common/http.yaml', common);
    await write('contracts/openapi/process/alpha.v1.yaml', api('Alpha', '/v2/alpha'));
    const json = await write('contracts/openapi/process/gamma.v1.json', JSON.stringify({ openapi: '3.1.0', info: { title: 'Gamma', version: '2.0.0' }, paths: {} }));
    const all = await lintContracts([], { root: dir.path });
    expect(all.filter((f) => f.ruleId === 'concord-path-version-prefix').map((f) => `${f.location.file} ${f.location.pointer}`)).toEqual([
      'contracts/openapi/process/alpha.v1.yaml /paths/~1v2~1alpha',
    ]);
    // discovery takes YAML files only, as codegen does; a JSON contract is linted when named.
    const named = await lintContracts([json], { root: dir.path });
    expect(named.filter((f) => f.ruleId === 'concord-path-version-prefix').map((f) => `${f.location.file} ${f.location.pointer} ${f.location.line}`)).toEqual([
      'contracts/openapi/process/gamma.v1.json /info/version 1',
    ]);
  });

  it('rejects a file that does not parse, naming the line', async () => {
    const file = await write('contracts/openapi/process/broken.v1.yaml', 'openapi: 3.1.0\ninfo:\n  title: [unclosed\n');
    const err = await lintContracts([file], { root: dir.path }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LintInputError);
    expect((err as Error).message).toMatch(/^contracts\/openapi\/process\/broken\.v1\.yaml:\d+:\d+: not valid YAML or JSON: /);
  });

  it('rejects missing, non-YAML, oversized and non-mapping files by name, all at once, before linting', async () => {
    const text = await write('notes.txt', 'hello');
    const big = await write('big.yaml', `x: "${'a'.repeat(2 * 1024 * 1024)}"\n`);
    const missing = join(dir.path, 'nope.yaml');
    // The limit is --max-file-size (default 16 MB); 2 MB here keeps the test file small.
    const err = await lintContracts([missing, text, big, dir.path], { root: dir.path, maxBytes: 2 * 1024 * 1024 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LintInputError);
    expect((err as LintInputError).exitCode).toBe(2);
    expect((err as LintInputError).problems).toEqual([
      'nope.yaml: no such file',
      'notes.txt: not a YAML or JSON file (expected .yaml, .yml or .json)',
      `big.yaml: ${2 * 1024 * 1024 + 6} bytes is over the 2 MB limit for a contract file (raise --max-file-size)`,
      '.: is a directory; name contract files, or none to lint every contract',
    ]);
    expect((err as Error).message).toMatch(/^4 files cannot be linted:\n {2}nope\.yaml: no such file\n/);

    const scalar = await write('scalar.yaml', 'just some text\n');
    await expect(lintContracts([scalar], { root: dir.path })).rejects.toThrow('scalar.yaml: not a YAML or JSON document (its top level is not a mapping)');
  });

  it("maps Spectral's severities onto error, warning and info (hint is info)", () => {
    expect([0, 1, 2, 3].map(levelOf)).toEqual(['error', 'warning', 'info', 'info']);
  });
});

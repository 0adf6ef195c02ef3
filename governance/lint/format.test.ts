import { FORMATTERS, FORMAT_NAMES, isFormatName } from './format';
import type { FormatContext } from './format';
import type { LintFinding } from './lint';
import { describeRule } from './rule-catalogue';

const FINDINGS: LintFinding[] = [
  {
    ruleId: 'concord-problem-json-errors',
    level: 'error',
    message: 'Error response 404 answers application/json; errors are application/problem+json (RFC 9457) only.',
    source: 'concord',
    location: { file: 'contracts/openapi/common/http.yaml', pointer: '/components/responses/NotFound/content/application~1json', line: 120, column: 9 },
  },
  {
    ruleId: 'concord-operation-examples',
    level: 'error',
    message: 'Request body (application/json) has no example.',
    source: 'concord',
    location: { file: 'contracts/openapi/process/orders.v2.yaml', pointer: '/paths/~1v2~1orders/post/requestBody/content/application~1json', operation: 'POST /v2/orders (createOrder)', line: 31, column: 28 },
  },
  {
    ruleId: 'info-contact',
    level: 'warning',
    message: 'Info object must have "contact" object.',
    source: 'spectral',
    location: { file: 'contracts/openapi/process/orders.v2.yaml', pointer: '/info', line: 2, column: 6 },
  },
];

const context: FormatContext = { version: '1.2.3', describeRule };
const render = (name: keyof typeof FORMATTERS, findings: readonly LintFinding[] = FINDINGS) => FORMATTERS[name](findings, context);

describe('the formatter index', () => {
  it('maps each --format name to its formatter', () => {
    expect(FORMAT_NAMES).toEqual(['stylish', 'json', 'sarif', 'markdown', 'github-actions']);
    expect(isFormatName('sarif')).toBe(true);
    expect(isFormatName('toString')).toBe(false);
  });
});

describe('stylish', () => {
  it('groups by file, aligns line:col, level, message and rule, and ends with the summary', () => {
    expect(render('stylish')).toBe(
      [
        'contracts/openapi/common/http.yaml',
        '  120:9  error  Error response 404 answers application/json; errors are application/problem+json (RFC 9457) only.  concord-problem-json-errors',
        '',
        'contracts/openapi/process/orders.v2.yaml',
        '  31:28  error    Request body (application/json) has no example.  concord-operation-examples',
        '  2:6    warning  Info object must have "contact" object.          info-contact',
        '',
        '✖ 3 problems (2 errors, 1 warning)',
        '',
      ].join('\n'),
    );
  });

  it('says "no problems" when there are none, and counts infos only when there are some', () => {
    expect(render('stylish', [])).toBe('no problems\n');
    const info = { ...FINDINGS[2]!, level: 'info' as const };
    expect(render('stylish', [info]).trimEnd().split('\n').pop()).toBe('✖ 1 problem (0 errors, 0 warnings, 1 info)');
  });
});

describe('json', () => {
  it('prints the findings and a summary', () => {
    expect(JSON.parse(render('json'))).toEqual({ findings: FINDINGS, summary: { errors: 2, warnings: 1, infos: 0 } });
  });
});

describe('sarif', () => {
  it('is a SARIF 2.1.0 log listing the rules found, with a result per finding', () => {
    const log = JSON.parse(render('sarif')) as {
      version: string;
      runs: Array<{
        tool: { driver: { name: string; version: string; rules: Array<{ id: string; shortDescription: { text: string }; helpUri?: string }> } };
        results: Array<{ ruleId: string; level: string; message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn?: number } } }> }>;
      }>;
    };
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0]!;
    expect(run.tool.driver).toMatchObject({ name: 'concord contracts lint', version: '1.2.3' });
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(['concord-operation-examples', 'concord-problem-json-errors', 'info-contact']);
    for (const rule of run.tool.driver.rules) expect(rule.shortDescription.text.length).toBeGreaterThan(0);
    expect(run.tool.driver.rules[0]?.helpUri).toBe('https://concord.dev/docs/governance/lint#concord-operation-examples');
    expect(run.tool.driver.rules[2]?.helpUri).toMatch(/openapi-rules\.md#info-contact$/);
    expect(run.results.map((r) => [r.ruleId, r.level, r.locations[0]?.physicalLocation.artifactLocation.uri, r.locations[0]?.physicalLocation.region])).toEqual([
      ['concord-problem-json-errors', 'error', 'contracts/openapi/common/http.yaml', { startLine: 120, startColumn: 9 }],
      ['concord-operation-examples', 'error', 'contracts/openapi/process/orders.v2.yaml', { startLine: 31, startColumn: 28 }],
      ['info-contact', 'warning', 'contracts/openapi/process/orders.v2.yaml', { startLine: 2, startColumn: 6 }],
    ]);
    expect(run.results[0]?.message.text).toBe(FINDINGS[0]?.message);
  });

  it('maps info to SARIF note', () => {
    const log = JSON.parse(render('sarif', [{ ...FINDINGS[2]!, level: 'info' }])) as { runs: Array<{ results: Array<{ level: string }> }> };
    expect(log.runs[0]?.results[0]?.level).toBe('note');
  });
});

describe('markdown', () => {
  it('is a table of level, rule, file:line and message, with a summary', () => {
    const pipe = { ...FINDINGS[2]!, message: 'a | b\nc' };
    expect(render('markdown', [FINDINGS[0]!, pipe])).toBe(
      [
        '## Contract lint',
        '',
        '| level | rule | file:line | message |',
        '|---|---|---|---|',
        '| error | `concord-problem-json-errors` | `contracts/openapi/common/http.yaml:120` | Error response 404 answers application/json; errors are application/problem+json (RFC 9457) only. |',
        '| warning | `info-contact` | `contracts/openapi/process/orders.v2.yaml:2` | a \\| b c |',
        '',
        '**✖ 2 problems (1 error, 1 warning)**',
        '',
      ].join('\n'),
    );
    expect(render('markdown', [])).toBe('## Contract lint\n\n**no problems**\n');
  });
});

describe('github-actions', () => {
  it('prints one workflow command per finding, info as notice', () => {
    expect(render('github-actions', [FINDINGS[1]!, { ...FINDINGS[2]!, level: 'info' }])).toBe(
      '::error file=contracts/openapi/process/orders.v2.yaml,line=31,col=28,title=concord-operation-examples::Request body (application/json) has no example.\n' +
        '::notice file=contracts/openapi/process/orders.v2.yaml,line=2,col=6,title=info-contact::Info object must have "contact" object.\n',
    );
    expect(render('github-actions', [])).toBe('');
  });

  it('escapes % CR LF in the message, and also : and , in properties', () => {
    const odd: LintFinding = {
      ruleId: 'rule:a,b',
      level: 'warning',
      message: '100% wrong\r\nsecond line, with: colon',
      source: 'spectral',
      location: { file: 'dir,1/a:b%.yaml', pointer: '', line: 3 },
    };
    expect(render('github-actions', [odd])).toBe('::warning file=dir%2C1/a%3Ab%25.yaml,line=3,title=rule%3Aa%2Cb::100%25 wrong%0D%0Asecond line, with: colon\n');
  });
});

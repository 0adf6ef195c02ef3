import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../platform/testing/temp-dir';
import { CONCORD_RULE_IDS } from './concord-ruleset';
import { lintContracts } from './lint';

/**
 * One good and one bad fixture per Concord rule: governance/fixtures/lint/<rule-id>/{good,bad}/ is each a small
 * project root laid out like this repo (contracts/openapi/<group>/<api>.v<N>.yaml, contracts/asyncapi/…), so the
 * rules that read the file's group and major version see them, and `$ref`s to ../common/*.yaml resolve.
 */
const FIXTURES = join(REPO_ROOT, 'governance', 'fixtures', 'lint');

const lintFixture = (rule: string, kind: 'good' | 'bad') => lintContracts([], { root: join(FIXTURES, rule, kind) });

describe.each(CONCORD_RULE_IDS.map((id) => [id]))('%s', (rule) => {
  it('has a good and a bad fixture', () => {
    expect(existsSync(join(FIXTURES, rule, 'good', 'contracts'))).toBe(true);
    expect(existsSync(join(FIXTURES, rule, 'bad', 'contracts'))).toBe(true);
  });

  it('flags the bad fixture with this rule and no other Concord rule', async () => {
    const findings = await lintFixture(rule, 'bad');
    const concord = findings.filter((f) => f.source === 'concord');
    expect(concord.length).toBeGreaterThan(0);
    expect([...new Set(concord.map((f) => f.ruleId))]).toEqual([rule]);
    for (const f of concord) {
      expect(f.level).toBe('error');
      expect(f.location.line).toBeGreaterThan(0);
      expect(f.location.pointer === '' || f.location.pointer.startsWith('/')).toBe(true);
    }
  });

  it('passes the good fixture: no Concord finding and no error at all', async () => {
    const findings = await lintFixture(rule, 'good');
    expect(findings.filter((f) => f.source === 'concord' || f.level === 'error').map((f) => `${f.ruleId} ${f.location.file}${f.location.pointer}: ${f.message}`)).toEqual([]);
  });
});

describe('what the rules report', () => {
  it('names each finding by the operation it is in and a pointer that reaches it', async () => {
    const findings = await lintFixture('concord-operation-security', 'bad');
    expect(findings.filter((f) => f.source === 'concord').map((f) => [f.location.pointer, f.location.operation])).toEqual([
      ['/paths/~1v1~1widgets~1{widgetId}/get', 'GET /v1/widgets/{widgetId} (getWidget)'],
      ['/paths/~1v1~1widget-colours/get/security', 'GET /v1/widget-colours (listWidgetColours)'],
    ]);
  });

  it("judges idempotency after resolving $refs, and reports a fault of the $ref'd header in its own file", async () => {
    const findings = (await lintFixture('concord-idempotency-key-required', 'bad')).filter((f) => f.source === 'concord');
    expect(findings.map((f) => [`${f.location.file}#${f.location.pointer}`, f.message])).toEqual([
      ['contracts/openapi/common/http.yaml#/components/parameters/IdempotencyKey', expect.stringContaining('must be `required: true`')],
      ['contracts/openapi/process/widgets.v1.yaml#/paths/~1v1~1widgets/post', expect.stringContaining('must declare `x-concord-idempotency: required`')],
      ['contracts/openapi/process/widgets.v1.yaml#/paths/~1v1~1widgets~1{widgetId}~1cancel/post', expect.stringContaining('must declare the Idempotency-Key header')],
    ]);
  });

  it('says which canonical object was copied and the $ref to use instead', async () => {
    const messages = (await lintFixture('concord-canonical-objects-referenced', 'bad')).filter((f) => f.source === 'concord').map((f) => f.message);
    expect(messages).toEqual([
      "This object copies the canonical Money; reference it instead: $ref: '../common/schemas.yaml#/components/schemas/Money'.",
      "This object copies the canonical Address; reference it instead: $ref: '../common/schemas.yaml#/components/schemas/Address'.",
    ]);
  });
});

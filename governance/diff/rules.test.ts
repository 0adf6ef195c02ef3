import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../platform/testing/temp-dir';
import { OASDIFF_ALIASES, RULES, SCHEMA_CHANGE_KINDS, SCHEMA_CONTEXTS } from './rules';

describe('the diff rule table', () => {
  const readme = readFileSync(join(REPO_ROOT, 'governance', 'README.md'), 'utf8');

  it('documents every rule id and schema change kind in governance/README.md, with its level', () => {
    const kinds = Object.keys(SCHEMA_CHANGE_KINDS);
    const schemaIds = new Set(Object.keys(SCHEMA_CONTEXTS).flatMap((ctx) => kinds.map((k) => `${ctx}-${k}`)));
    const missing = [...RULES.values()].filter((r) => !schemaIds.has(r.id) && !readme.includes(`| \`${r.id}\` | ${r.level} |`)).map((r) => r.id);
    const missingKinds = Object.entries(SCHEMA_CHANGE_KINDS)
      .filter(([k, v]) => !readme.includes(`| \`${k}\` | ${v.request} | ${v.response} |`))
      .map(([k]) => k);
    expect({ missing, missingKinds }).toEqual({ missing: [], missingKinds: [] });
  });

  it('judges schema changes by direction: what narrows a request or widens a response is an error', () => {
    expect(RULES.get('request-body-property-added-required')?.level).toBe('error');
    expect(RULES.get('response-body-property-added-required')?.level).toBe('info');
    expect(RULES.get('response-body-enum-value-added')?.level).toBe('error');
    expect(RULES.get('request-body-enum-value-added')?.level).toBe('info');
    expect(RULES.get('sent-message-payload-property-removed-required')?.level).toBe('error');
    expect(RULES.get('received-message-payload-property-removed-required')?.level).toBe('warning');
  });
});

describe('oasdiff aliases', () => {
  it('name existing Concord ids and are listed in governance/README.md', () => {
    const readme = readFileSync(join(__dirname, '../README.md'), 'utf8');
    const problems = Object.entries(OASDIFF_ALIASES).flatMap(([alias, ids]) => [
      ...ids.filter((id) => !RULES.has(id)).map((id) => `${alias} → unknown ${id}`),
      ...(readme.includes(`| \`${alias}\` | ${ids.map((x) => `\`${x}\``).join(', ')} |`) ? [] : [`${alias} not in README`]),
    ]);
    expect(problems).toEqual([]);
  });
});

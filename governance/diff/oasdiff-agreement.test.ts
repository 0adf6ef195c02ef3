import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgreementOutcome } from './agreement';
import { loadCorpus, runAgreement } from './agreement';
import { parseSeverityConfig } from './severity';

/**
 * The agreement harness: oasdiff's own checker test pairs (governance/fixtures/oasdiff, Apache-2.0) through
 * Concord's diff, verdict against verdict. Every disagreement must be a deliberate one, listed with its reason in
 * fixtures/oasdiff/review.json and governance/README.md.
 */
const dir = join(__dirname, '../fixtures/oasdiff');
const cases = loadCorpus(dir);
const oasdiffLevels = parseSeverityConfig(readFileSync(join(dir, 'oasdiff-levels.yaml'), 'utf8'), 'oasdiff-levels.yaml');
const today = '2026-12-01';

/** The families issue 19 names: none of their breaking changes may be missed, deliberately or not. */
const FAMILIES = [
  /contains/,
  /unevaluated/,
  /dependent-(required|schema)/,
  /deprecat|sunset/,
  /default-value/,
  /x-extensible-enum/,
  /webhook/,
  /all-of-added/,
  /wrapped-in-one-of/,
  /^request-body-removed$/,
  /pattern-(added|changed)/,
  /(^|-)(if|then|else)-(added|removed)$/,
  /prefix-items/,
  /discriminator/,
  /callback|link/,
  /type-compatible|loosely-typed/,
];
const inFamily = (o: AgreementOutcome) => o.case.oasdiffIds.some((id) => FAMILIES.some((f) => f.test(id)));
const names = (list: AgreementOutcome[]) => list.map((o) => `${o.case.name} (${o.case.base} → ${o.case.revision}): ${o.ids.join(', ') || 'nothing'}`);

describe('agreement with oasdiff on its own checker test pairs', () => {
  it('holds the corpus it claims: at least 200 pairs, about half of them breaking', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(cases.filter((c) => c.breaking).length).toBeGreaterThanOrEqual(100);
  });

  it('agrees on at least 95 % of verdicts with oasdiff levels, never crashes, and every difference is deliberate', async () => {
    const report = await runAgreement(dir, cases, { today, severity: oasdiffLevels });
    expect(report.crashed.map((o) => `${o.case.name}: ${o.error ?? ''}`)).toEqual([]);
    expect(report.agreed / report.total).toBeGreaterThanOrEqual(0.95);
    expect(names([...report.missed, ...report.overReported].filter((o) => !o.case.deliberate))).toEqual([]);
  });

  it('misses no breaking change in the named families, with Concord default levels too', async () => {
    for (const severity of [undefined, oasdiffLevels]) {
      const report = await runAgreement(dir, cases, { today, ...(severity ? { severity } : {}) });
      expect(names(report.missed.filter(inFamily))).toEqual([]);
    }
  });

  it('with default levels differs only by being stricter: the same misses, more errors', async () => {
    const strict = await runAgreement(dir, cases, { today });
    const relaxed = await runAgreement(dir, cases, { today, severity: oasdiffLevels });
    expect(strict.missed.map((o) => o.case.name)).toEqual(relaxed.missed.map((o) => o.case.name));
    expect(strict.overReported.length).toBeGreaterThan(relaxed.overReported.length);
  });
});

describe('the deliberate differences', () => {
  it('are each listed in governance/README.md', () => {
    const readme = readFileSync(join(__dirname, '../README.md'), 'utf8');
    expect(cases.filter((c) => c.deliberate && !readme.includes(`| \`${c.name}\` |`)).map((c) => c.name)).toEqual([]);
  });
});

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listPactFiles } from '../impact';
import { REPO_ROOT } from '../../platform/testing/temp-dir';
import { buildReview } from './build-review';
import type { ReviewReport } from './build-review';
import { renderReviewJson } from './format/json';
import { renderReviewMarkdown } from './format/markdown';
import { renderReviewSarif } from './format/sarif';

// A frozen base and head (governance/fixtures/review/) so that the goldens change only when the report does.
// After an intended change to the report: UPDATE_GOLDEN=1 npx jest governance/review/golden, and read the diff.
const FIXTURE = join(REPO_ROOT, 'governance', 'fixtures', 'review');
const GOLDEN = join(FIXTURE, 'expected');

let report: ReviewReport;
beforeAll(async () => {
  report = await buildReview({
    base: { root: join(FIXTURE, 'base'), label: 'main (base)' },
    head: { root: join(FIXTURE, 'head'), label: 'feature (head)' },
    pactFiles: await listPactFiles(join(FIXTURE, 'pacts')),
    root: FIXTURE,
    policy: { today: '2026-12-04', minSunsetDays: 180 },
  });
});

async function golden(name: string, actual: string): Promise<void> {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN) await writeFile(file, actual);
  expect(actual).toBe(await readFile(file, 'utf8'));
}

describe('the review report matches its golden files', () => {
  it('fails the change, names the consumers it breaks and proposes orders.v2', () => {
    expect(report.verdict).toBe('fail');
    expect(report.consumers.map((c) => `${c.consumer}: ${c.description}`)).toEqual(['call-centre: a request for an order', 'marketplace-connector: a new marketplace order']);
    expect(report.proposals[0]?.message).toContain('Publish orders.v2.yaml');
  });

  it('in Markdown', () => golden('review.md', renderReviewMarkdown(report)));
  it('counts breaking changes in the summary table as the verdict does', () => {
    const md = renderReviewMarkdown(report);
    const verdict = Number(/(\d+) breaking changes?,/.exec(md)![1]);
    const rows = md.split('\n').filter((l) => l.startsWith('| `contracts/'));
    expect(md).toContain('| Contract | Breaking changes | Other errors |');
    expect(rows.reduce((n, row) => n + Number(row.split('|')[2]), 0)).toBe(verdict);
  });
  it('in JSON', () => golden('review.json', renderReviewJson(report)));
  it('in SARIF', () => golden('review.sarif', renderReviewSarif(report, '0.1.0')));
});

import type { DiffChange } from '../../diff';
import type { ReviewReport } from '../build-review';
import { renderReviewMarkdown } from './markdown';

const change = (over: Partial<DiffChange>): DiffChange => ({
  id: 'security-scope-added',
  level: 'warning',
  message: 'GET /orders (listOrders): now requires scope orders:admin (oauth)',
  location: { file: 'contracts/openapi/process/orders.v2.yaml', pointer: '/paths/~1orders/get/security', operation: 'GET /orders (listOrders)', line: 12 },
  contract: 'contracts/openapi/process/orders.v2.yaml',
  ...over,
});

function report(changes: DiffChange[]): ReviewReport {
  const counts = { errors: 0, warnings: changes.length, infos: 0 };
  return {
    base: 'main',
    head: 'HEAD',
    verdict: 'pass',
    summary: { contracts: [{ contract: 'contracts/openapi/process/orders.v2.yaml', ...counts, lint: 0, consumers: [] }], totals: { ...counts, lint: 0, consumers: 0, interactions: 0 } },
    changes,
    breaking: [],
    proposals: [],
    lint: [],
    consumers: [],
    changelog: [],
    timings: { ms: 1 },
  };
}

describe('the review in Markdown and the severity file', () => {
  it('says which rule levels the repository set, and marks each change whose level it set', () => {
    const md = renderReviewMarkdown(report([change({ levelFrom: '.concord/governance.yaml' })]));
    expect(md).toContain('Rule levels set by `.concord/governance.yaml`: `security-scope-added` → warning.');
    expect(md).toContain('(level warning set by .concord/governance.yaml)');
  });

  it('says nothing of it when every level is the default', () => {
    const md = renderReviewMarkdown(report([change({})]));
    expect(md).not.toContain('set by');
  });
});

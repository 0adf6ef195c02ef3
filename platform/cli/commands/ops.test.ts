import type { ServerResponse } from 'node:http';
import type { Recorded } from '../../../test/helpers/fake-concord';
import { answer, problem, useFakeConcord } from '../../../test/helpers/fake-concord';

/**
 * `concord ops` against a fake Concord whose answers are checked against the admin contract's generated
 * validators, so the fake cannot drift from the real server. Each CLI run is a child process: runs are few.
 */

const TOKEN = 'eyJ.fake.admin-token';

const exception = (n: number, over: Record<string, unknown> = {}) => ({
  id: `rtj_${n}`,
  workflow: 'return',
  subjectId: `ret_01JD3QB1M2N3P4Q5R6S7T8V${String(n).padStart(3, '0')}`,
  system: 'erp',
  action: 'credit_memo',
  status: 'exception',
  attempts: 8,
  lastError: `ERP answered 503 sandbox fault down, every time it was asked to post the credit memo (${n})`,
  lastAttemptAt: '2026-11-21T10:21:06.000Z',
  updatedAt: '2026-11-21T10:21:06.000Z',
  ...over,
});

function route(req: Recorded, res: ServerResponse): void {
  const { method, path, query, authorization } = req;
  if (method === 'POST' && path === '/oauth/token') {
    return answer(res, 'auth', 'issueToken', 200, { access_token: TOKEN, token_type: 'Bearer', expires_in: 900, scope: 'admin' });
  }
  if (authorization !== `Bearer ${TOKEN}`) return answer(res, 'admin', 'getOpsSummary', 401, problem(401, 'unauthorized', 'Authentication required'));
  if (method === 'GET' && path === '/admin/v1/ops/summary') {
    return answer(res, 'admin', 'getOpsSummary', 200, {
      ordersAwaitingErp: 42, ordersInException: 1, returnsPendingDisposition: 3, refundExceptions: 2, deadLetters: 0, outboxBacklog: 17, generatedAt: '2026-11-21T10:20:00.000Z',
    });
  }
  if (method === 'GET' && path === '/admin/v1/ops/exceptions') {
    // 150 in exception, pages of at most `limit`.
    const start = query.cursor ? Number(query.cursor) : 0;
    const end = Math.min(150, start + Number(query.limit ?? 20));
    const items = Array.from({ length: end - start }, (_, i) => exception(start + i + 1));
    return answer(res, 'admin', 'listSyncExceptions', 200, { items, nextCursor: end < 150 ? String(end) : null });
  }
  const retry = /^\/admin\/v1\/ops\/exceptions\/([^/]+)\/retry$/.exec(path);
  if (method === 'POST' && retry) {
    const id = retry[1] ?? '';
    if (id === 'osj_404') return answer(res, 'admin', 'retrySyncException', 404, problem(404, 'not-found', 'Not found', { detail: `No downstream call ${id}.` }));
    if (id === 'osj_5') return answer(res, 'admin', 'retrySyncException', 200, exception(5, { id, workflow: 'order', action: 'create', status: 'done' }));
    return answer(res, 'admin', 'retrySyncException', 200, exception(Number(id.slice(4)), { id, status: 'pending', attempts: 0 }));
  }
  res.writeHead(404, { 'content-type': 'application/problem+json' }).end(JSON.stringify(problem(404, 'not-found', 'Not found')));
}

jest.setTimeout(180_000);

describe('concord ops against a fake Concord', () => {
  const fake = useFakeConcord(route);
  const cli = (args: string[]) => fake.run(['ops', ...args]);

  it('summary prints each figure, and the contract body with --json', async () => {
    const r = await cli(['summary']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/orders awaiting ERP\s+42/);
    expect(r.stdout).toMatch(/refunds in exception\s+2/);
    const j = await cli(['summary', '--json']);
    expect(JSON.parse(j.stdout)).toEqual(expect.objectContaining({ ordersAwaitingErp: 42, outboxBacklog: 17 }));
  });

  it('exceptions pages up to --limit with the filters; a bad filter is refused before any call', async () => {
    const r = await cli(['exceptions', '--workflow', 'return', '--system', 'erp', '--limit', '130', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { items: Array<{ id: string }>; nextCursor: string | null };
    expect(out.items).toHaveLength(130);
    expect(fake.requestsTo('/admin/v1/ops/exceptions').map((c) => c.query)).toEqual([
      { limit: '100', workflow: 'return', system: 'erp' },
      { limit: '30', workflow: 'return', system: 'erp', cursor: '100' },
    ]);
    const table = await cli(['exceptions', '--limit', '2']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+WORKFLOW\s+SUBJECT\s+SYSTEM\s+ACTION\s+ATTEMPTS/);
    expect(table.stdout).toContain('rtj_1');
    expect(table.stdout).toContain('…');
    const bad = await cli(['exceptions', '--system', 'crm']);
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringContaining('--system must be one of erp, wms, pos')]);
  });

  it('retry queues the call again, says when there was nothing to retry, and reports an unknown id', async () => {
    const queued = await cli(['retry', 'rtj_42']);
    expect([queued.code, queued.stdout]).toEqual([0, expect.stringContaining('Queued rtj_42 (erp credit_memo for ret_')]);
    const done = await cli(['retry', 'osj_5']);
    expect(done.stdout).toContain('is done, not in exception');
    const missing = await cli(['retry', 'osj_404']);
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining('No downstream call osj_404')]);
    const malformed = await cli(['retry', 'dlq_1']);
    expect([malformed.code, malformed.stderr]).toEqual([1, expect.stringContaining('is not an exception id')]);
  });
});

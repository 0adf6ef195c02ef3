import type { ServerResponse } from 'node:http';
import type { Recorded } from '../../../test/helpers/fake-concord';
import { answer, problem, useFakeConcord } from '../../../test/helpers/fake-concord';

/**
 * `concord events dlq` against a fake Concord: /oauth/token and the dead-letter routes, each answer checked against
 * the admin contract's generated validators so the fake cannot drift from the real server. Each CLI run is a child
 * process (seconds apiece here), so runs are few.
 */

const TOKEN = 'eyJ.fake.admin-token';

const deadLetter = (n: number, over: Record<string, unknown> = {}) => {
  const eventId = `evt_01JD3QC8B2D4F6H8K0M2P4R6${String(n).padStart(2, '0')}`;
  return {
    id: `dlq_01JD3QD7F9H1K3M5P7R9T1V3${String(n).padStart(2, '0')}`,
    eventId,
    eventType: 'order.created',
    source: '/concord/orders',
    subject: 'ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3',
    consumer: 'erp-sync',
    reason: `ERP answered 503 Service Unavailable while posting the sales order, attempt after attempt (${n})`,
    attempts: 5,
    payload: { specversion: '1.0', id: eventId, type: 'order.created' },
    firstFailedAt: '2026-11-21T10:16:06.000Z',
    lastFailedAt: '2026-11-21T10:21:06.000Z',
    status: 'pending',
    ...over,
  };
};

function route(req: Recorded, res: ServerResponse): void {
  const { method, path, query, authorization } = req;
  if (method === 'POST' && path === '/oauth/token') {
    return answer(res, 'auth', 'issueToken', 200, { access_token: TOKEN, token_type: 'Bearer', expires_in: 900, scope: 'admin' });
  }
  if (authorization !== `Bearer ${TOKEN}`) return answer(res, 'admin', 'listDeadLetters', 401, problem(401, 'unauthorized', 'Authentication required'));
  if (method === 'GET' && path === '/admin/v1/dead-letters') {
    // 130 pending dead letters in pages of at most `limit`.
    const start = query.cursor ? Number(query.cursor) : 0;
    const end = Math.min(130, start + Number(query.limit ?? 20));
    const items = Array.from({ length: end - start }, (_, i) => deadLetter(start + i));
    return answer(res, 'admin', 'listDeadLetters', 200, { items, nextCursor: end < 130 ? String(end) : null });
  }
  const one = /^\/admin\/v1\/dead-letters\/([^/]+)\/replay$/.exec(path);
  if (method === 'POST' && one) {
    const id = one[1] ?? '';
    if (id === 'dlq_01NOSUCHDEADLETTER00') return answer(res, 'admin', 'replayDeadLetter', 404, problem(404, 'not-found', 'Not found', { detail: `no dead letter ${id}` }));
    const failing = id === 'dlq_01STILLFAILING000000';
    return answer(res, 'admin', 'replayDeadLetter', 200, deadLetter(1, failing ? { id, attempts: 10 } : { id, status: 'replayed', replayedAt: '2026-11-21T11:02:40.000Z' }));
  }
  if (method === 'POST' && path === '/admin/v1/dead-letters/replay') {
    return answer(res, 'admin', 'replayAllDeadLetters', 200, { matched: 3, replayed: 2, failed: 1 });
  }
  res.writeHead(404, { 'content-type': 'application/problem+json' }).end(JSON.stringify(problem(404, 'not-found', 'Not found')));
}

jest.setTimeout(180_000);

describe('concord events dlq against a fake Concord', () => {
  const fake = useFakeConcord(route);
  const cli = (args: string[]) => fake.run(['events', 'dlq', ...args]);

  it('list --json pages through the admin API up to --limit, passing the filters', async () => {
    const r = await cli(['list', '--status', 'pending', '--type', 'order.created', '--limit', '120', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { items: Array<{ id: string }>; nextCursor: string | null };
    expect(out.items).toHaveLength(120);
    expect(out.nextCursor).toBe('120');
    expect(fake.requestsTo('/admin/v1/dead-letters').map((c) => c.query)).toEqual([
      { limit: '100', status: 'pending', eventType: 'order.created' },
      { limit: '20', status: 'pending', eventType: 'order.created', cursor: '100' },
    ]);
  });

  it('list prints a table by default, one line per dead letter with its reason shortened', async () => {
    const r = await cli(['list', '--limit', '2']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+TYPE\s+SUBJECT\s+CONSUMER\s+ATTEMPTS\s+LAST FAILED\s+REASON$/);
    expect(lines[1]).toMatch(/^dlq_01JD3QD7F9H1K3M5P7R9T1V300\s+pending\s+order\.created\s+ord_\S+\s+erp-sync\s+5\s+2026-11-21T10:21:06\.000Z\s+ERP answered 503 .*…$/);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('(more dead letters than --limit 2)');
  });

  it('replay <id> reports the outcome: exit 0 when replayed, 1 when it failed again; an unknown id is an error', async () => {
    const ok = await cli(['replay', 'dlq_01JD3QD7F9H1K3M5P7R9T1V3X5', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ id: 'dlq_01JD3QD7F9H1K3M5P7R9T1V3X5', status: 'replayed' });

    const byOption = await cli(['replay', '--id', 'dlq_01JD3QD7F9H1K3M5P7R9T1V3X5', '--json']);
    expect([byOption.code, JSON.parse(byOption.stdout).status]).toEqual([0, 'replayed']);
    const twice = await cli(['replay', 'dlq_01JD3QD7F9H1K3M5P7R9T1V3X5', '--id', 'dlq_01STILLFAILING000000']);
    expect([twice.code, twice.stderr]).toEqual([1, 'error: give the dead letter id once: as the argument or as --id\n']);

    const again = await cli(['replay', 'dlq_01STILLFAILING000000']);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/^Replay of dlq_01STILLFAILING000000 \(order\.created evt_\S+ for erp-sync\) failed again; still pending after 10 attempts: ERP answered 503/);

    const missing = await cli(['replay', 'dlq_01NOSUCHDEADLETTER00']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('error: replaying dlq_01NOSUCHDEADLETTER00 failed (404): Not found: no dead letter dlq_01NOSUCHDEADLETTER00\n');
  });

  it('replay --all sends the filters and reports what was replayed, exiting 1 when some failed again', async () => {
    const r = await cli(['replay', '--all', '--consumer', 'erp-sync', '--type', 'order.created', '--limit', '50']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('Replayed 2 of 3 pending dead letters; 1 failed again and are still pending (concord events dlq list --status pending).\n');
    expect(fake.requestsTo('/admin/v1/dead-letters/replay').map((c) => c.body)).toEqual([{ limit: 50, consumer: 'erp-sync', eventType: 'order.created' }]);
  });
});

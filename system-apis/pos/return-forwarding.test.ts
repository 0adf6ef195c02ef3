import type { ReturnsCreateClient } from './return-forwarding';
import { forwardToReturnsApi } from './return-forwarding';

const RETURN = {
  posReturnId: 'PR-000007',
  storeId: 'S3',
  orderId: 'ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3',
  lines: [{ orderLineId: '2', sku: 'SKU-0002', quantity: 1, reason: 'defective' as const }],
  customerEmail: 'ada@example.com',
};
const CALLER = { correlationId: 'corr-1', scopes: [] };
const problem = (status: number, kind: string) => ({ type: `https://concord.dev/problems/${kind}`, title: kind, status });

/** A returns client answering `status` with `body`, recording what it was sent. */
function client(status: number, body: unknown, sent: unknown[] = []): ReturnsCreateClient {
  return {
    POST: (async (_path: string, init: unknown) => {
      sent.push(init);
      const ok = status < 300;
      return { response: new Response(null, { status }), ...(ok ? { data: body } : { error: body }) };
    }) as unknown as ReturnsCreateClient['POST'],
  };
}

test('posts a pos return keyed by the POS return number, and takes a 201 as forwarded', async () => {
  const sent: unknown[] = [];
  const outcome = await forwardToReturnsApi(client(201, { id: 'ret_01JD3QB1M2N3P4Q5R6S7T8V9W0' }, sent))(RETURN, CALLER);
  expect(outcome).toEqual({ outcome: 'forwarded', concordReturnId: 'ret_01JD3QB1M2N3P4Q5R6S7T8V9W0' });
  expect(sent).toEqual([
    {
      params: { header: { 'Idempotency-Key': 'pos-PR-000007', 'X-Correlation-ID': 'corr-1' } },
      body: { orderId: RETURN.orderId, channel: 'pos', locationId: 'S3', lines: [{ orderLineId: '2', quantity: 1, reason: 'defective' }] },
    },
  ]);
});

test("Concord's refusal of the return is a rejection; its configuration, load and absence are not", async () => {
  const forward = (status: number, kind: string) => forwardToReturnsApi(client(status, problem(status, kind)))(RETURN, CALLER);
  expect(await forward(422, 'return-quantity-exceeded')).toEqual({ outcome: 'rejected', problem: problem(422, 'return-quantity-exceeded') });
  expect(await forward(404, 'not-found')).toEqual(expect.objectContaining({ outcome: 'rejected' }));
  for (const [status, kind] of [[503, 'circuit-open'], [429, 'rate-limited'], [403, 'forbidden'], [401, 'unauthorized'], [409, 'idempotency-in-flight']] as const) {
    expect(await forward(status, kind)).toEqual(expect.objectContaining({ outcome: 'unreachable' }));
  }
  const down: ReturnsCreateClient = { POST: (async () => { throw new TypeError('fetch failed'); }) as unknown as ReturnsCreateClient['POST'] };
  expect(await forwardToReturnsApi(down)(RETURN, CALLER)).toEqual({ outcome: 'unreachable', reason: expect.stringContaining('fetch failed') });
});

import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ContractSet } from '../../codegen/contracts';
import { loadContracts } from '../../codegen/contracts';
import { REPO_ROOT, makeTempDir } from '../../platform/testing/temp-dir';
import type { ImpactReport } from '.';
import { checkConsumerImpact, checkPacts, listPactFiles, parsePact, readPactFile } from '.';

// The repo's pacts and the fixture pacts against the repo's contracts: nothing may be reported. This is also the
// regression guard for the check itself: a false positive on a real pact shows up here first.

let set: ContractSet;
beforeAll(async () => {
  set = await loadContracts(REPO_ROOT);
});

const problemsIn = (r: ImpactReport) =>
  r.consumers.flatMap((c) => c.interactions.flatMap((i) => i.problems.map((p) => `${c.consumer}: ${i.description}: ${p.message}`)));

describe('consumer impact against the current contracts', () => {
  it('finds no problem in the repo pacts, naming each pact file repo-relative', async () => {
    const pactFiles = await listPactFiles(join(REPO_ROOT, 'pact', 'pacts'));
    expect(pactFiles.length).toBeGreaterThanOrEqual(7);
    const r = await checkConsumerImpact({ contractsRoot: REPO_ROOT, pactFiles, root: REPO_ROOT });
    expect(problemsIn(r)).toEqual([]);
    const pacts = await Promise.all(pactFiles.map(async (f) => JSON.parse(await readFile(f, 'utf8')) as { consumer: { name: string }; provider: { name: string }; interactions: unknown[] }));
    expect(r).toEqual({
      broken: 0,
      checked: pacts.reduce((n, p) => n + p.interactions.length, 0),
      consumers: pacts.map((p, i) => expect.objectContaining({ consumer: p.consumer.name, provider: p.provider.name, pactFile: relative(REPO_ROOT, pactFiles[i] as string) })),
    });
    expect(r.consumers.map((c) => c.pactFile)).toEqual(expect.arrayContaining(['pact/pacts/call-centre-concord-events.json', 'pact/pacts/3pl-partner-concord.json']));
    const orderCreated = r.consumers.find((c) => c.pactFile === 'pact/pacts/call-centre-concord-events.json')?.interactions.find((i) => i.description === 'an order created event');
    expect(orderCreated).toEqual({ description: 'an order created event', kind: 'message', operation: 'send order.created (OrderCreated)', problems: [] });
    const skus = r.consumers.find((c) => c.pactFile === 'pact/pacts/3pl-partner-concord.json')?.interactions.find((i) => i.description === 'a request for the availability of two SKUs at the 3PL node');
    expect(skus).toEqual({ description: 'a request for the availability of two SKUs at the 3PL node', kind: 'http', request: 'GET /v1/availability', operation: 'GET /v1/availability (getAvailability)', problems: [] });
  });

  it('finds no problem in the fixture pacts (V4 HTTP and messages, V3 messages)', async () => {
    const files = await listPactFiles(join(REPO_ROOT, 'governance', 'fixtures', 'impact', 'pacts'));
    const r = checkPacts(set, await Promise.all(files.map((f) => readPactFile(f))));
    expect(problemsIn(r)).toEqual([]);
    expect(r).toMatchObject({ broken: 0, checked: 9 });
  });

  it('reads Pact V2 pacts: query strings, string headers, flat matching rules', () => {
    const pact = parsePact(
      {
        consumer: { name: 'old-client' },
        provider: { name: 'concord' },
        interactions: [
          {
            description: 'an availability query',
            request: { method: 'get', path: '/v1/availability', query: 'skus=SKU-0001,SKU-0002&channel=web', headers: { Authorization: 'Bearer x' } },
            response: {
              status: 200,
              headers: { 'Content-Type': 'application/json' },
              body: { items: [{ sku: 'SKU-0001', channelAtp: 3 }] },
              matchingRules: { '$.body.items': { min: 1, match: 'type' }, '$.body.items[*].sku': { match: 'regex', regex: '^SKU-\\d{4}$' } },
            },
          },
        ],
        metadata: { pactSpecification: { version: '2.0.0' } },
      },
      'old-client.json',
    );
    const r = checkPacts(set, [pact]);
    expect(problemsIn(r)).toEqual([]);
    expect(r.consumers[0]?.interactions[0]?.operation).toBe('GET /v1/availability (getAvailability)');
  });

  it('reports requests without credentials, API keys where only tokens are accepted, undeclared query parameters', () => {
    const order = 'ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3';
    const pact = parsePact(
      {
        consumer: { name: 'careless' },
        provider: { name: 'concord' },
        interactions: [
          { type: 'Synchronous/HTTP', description: 'no credentials', request: { method: 'GET', path: `/v2/orders/${order}` }, response: { status: 200 } },
          {
            type: 'Synchronous/HTTP',
            description: 'an API key on a write',
            request: { method: 'POST', path: `/v2/orders/${order}/cancel`, headers: { 'X-API-Key': ['k'], 'Idempotency-Key': ['key-12345'], 'Content-Type': ['application/json'] }, body: { content: { reason: 'fraud' }, contentType: 'application/json', encoded: false } },
            response: { status: 200 },
          },
          { type: 'Synchronous/HTTP', description: 'a v1 filter on v2', request: { method: 'GET', path: '/v2/orders', query: { channelOrderId: ['X-1'] }, headers: { 'X-API-Key': ['k'] } }, response: { status: 200 } },
          { type: 'Synchronous/HTTP', description: 'a missing Idempotency-Key', request: { method: 'POST', path: `/v2/orders/${order}/cancel`, headers: { Authorization: ['Bearer x'] }, body: { content: { reason: 'fraud' }, contentType: 'application/json', encoded: false } }, response: { status: 200 } },
          { type: 'Synchronous/Messages', description: 'a synchronous message', request: { contents: {} }, response: [] },
        ],
        metadata: { pactSpecification: { version: '4.0' } },
      },
      'careless.json',
    );
    const r = checkPacts(set, [pact]);
    expect(problemsIn(r)).toEqual([
      'careless: no credentials: the operation requires credentials; the request sends neither Authorization nor X-API-Key',
      'careless: an API key on a write: the request authenticates with X-API-Key, which the operation no longer accepts (OAuth 2 token only)',
      "careless: a v1 filter on v2: query parameter 'channelOrderId' is not declared by the operation: the provider ignores it or rejects it",
      "careless: a missing Idempotency-Key: required header parameter 'Idempotency-Key' is missing from the request",
      "careless: a synchronous message: 'Synchronous/Messages' interactions cannot be checked offline; verify this pact against a running provider",
    ]);
    expect(r).toMatchObject({ broken: 5, checked: 5 });
  });

  it('checks messages identified by metadata when the contents carry no CloudEvents type', async () => {
    const tmp = await makeTempDir();
    try {
      const file = join(tmp.path, 'listener.json');
      await writeFile(
        file,
        JSON.stringify({
          consumer: { name: 'listener' },
          provider: { name: 'concord-events' },
          messages: [
            { description: 'by subject', metadata: { subject: 'concord.orders.cancelled' }, contents: { data: { orderId: 42 } } },
            { description: 'by type', metadata: { 'ce-type': 'order.refunded' }, contents: { data: {} } },
            { description: 'unknown', contents: { data: {} } },
          ],
        }),
      );
      const r = await checkConsumerImpact({ contractsRoot: REPO_ROOT, pactFiles: [file], root: tmp.path });
      expect(r.consumers[0]?.pactFile).toBe('listener.json');
      expect(problemsIn(r)).toEqual([
        'listener: by subject: $.data.orderId: incompatible type: the consumer expects an integer, the contract\'s payload schema has string',
        "listener: by type: no event 'order.refunded' in the AsyncAPI catalogue (by metadata 'ce-type'): the event was removed or renamed",
        'listener: unknown: cannot tell which event this message is: its contents carry no CloudEvents type and its metadata names no type or subject',
      ]);
    } finally {
      await tmp.remove();
    }
  });
});

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Document } from 'yaml';
import { isMap, parseDocument } from 'yaml';
import { ContractLoadError } from '../../codegen/contracts';
import { REPO_ROOT, copyContracts } from '../../platform/testing/temp-dir';
import type { ImpactProblem, ImpactReport, InteractionImpact } from '.';
import { checkConsumerImpact, listPactFiles, readPactFile } from '.';

// Each case copies the real contracts into a temp dir, changes them through the YAML AST (anchors and the rest of
// the file stay as they are), and checks the fixture pacts (and, where it says so, the repo's pacts) against them.

const FIXTURES = join(REPO_ROOT, 'governance', 'fixtures', 'impact', 'pacts');
const ORDERS = 'contracts/openapi/process/orders.v2.yaml';
const COMMON = 'contracts/openapi/common/schemas.yaml';
const EVENTS = 'contracts/asyncapi/events.yaml';

type Edit = [file: string, edit: (doc: Document) => void];

let fixturePacts: string[];
let repoPacts: string[];
beforeAll(async () => {
  fixturePacts = (await listPactFiles(FIXTURES)).filter((f) => f.includes('web-shop'));
  repoPacts = await listPactFiles(join(REPO_ROOT, 'pact', 'pacts'));
});

async function impactAfter(edits: Edit[], pacts: 'fixtures' | 'all' = 'fixtures'): Promise<ImpactReport> {
  const scratch = await copyContracts();
  try {
    for (const [file, edit] of edits) {
      const path = join(scratch.root, file);
      const doc = parseDocument(await readFile(path, 'utf8'));
      edit(doc);
      await writeFile(path, doc.toString());
    }
    const pactFiles = pacts === 'all' ? [...fixturePacts, ...repoPacts] : fixturePacts;
    return await checkConsumerImpact({ contractsRoot: scratch.root, pactFiles, root: REPO_ROOT });
  } finally {
    await scratch.remove();
  }
}

/** Every interaction with problems, named `consumer: description`. */
const brokenOf = (r: ImpactReport): Array<{ name: string; impact: InteractionImpact }> =>
  r.consumers.flatMap((c) => c.interactions.filter((i) => i.problems.length).map((impact) => ({ name: `${c.consumer}: ${impact.description}`, impact })));
const broken = (r: ImpactReport): string[] => brokenOf(r).map((b) => b.name).sort();

function interaction(r: ImpactReport, consumer: string, description: string): InteractionImpact {
  const found = r.consumers.filter((c) => c.consumer === consumer).flatMap((c) => c.interactions).find((i) => i.description === description);
  if (!found) throw new Error(`no interaction '${description}' of ${consumer}`);
  return found;
}

const problemsOf = (r: ImpactReport, consumer: string, description: string): ImpactProblem[] => interaction(r, consumer, description).problems;

/** Removes a property from an object schema and from its `required`. */
const dropProperty = (path: Array<string | number>, name: string) => (doc: Document) => {
  doc.deleteIn([...path, 'properties', name]);
  const required = doc.getIn([...path, 'required']) as { items: Array<{ value: unknown }> } | undefined;
  const i = required?.items.findIndex((n) => n.value === name) ?? -1;
  if (i >= 0) doc.deleteIn([...path, 'required', i]);
};

describe('consumer impact of a contract change', () => {
  it('a removed response field names the field in the interactions that read it, and only those', async () => {
    const r = await impactAfter([[ORDERS, dropProperty(['components', 'schemas', 'OrderSource'], 'orderId')], [COMMON, dropProperty(['components', 'schemas', 'Order'], 'channelOrderId')]], 'all');
    const problems = problemsOf(r, 'web-shop', 'a request for an order');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      field: '$.source.orderId',
      message: expect.stringMatching(/missing field.*'orderId'.*OrderSource/),
      location: { file: ORDERS, pointer: '/components/schemas/OrderSource', operation: 'GET /v2/orders/{orderId} (getOrder)' },
    });
    // The event catalogue's order.created carries the v1-shaped Order, whose channelOrderId the call centre reads.
    expect(problemsOf(r, 'call-centre', 'an order created event')).toEqual([
      expect.objectContaining({ field: '$.data.order.channelOrderId', location: expect.objectContaining({ file: COMMON, pointer: '/components/schemas/Order', operation: 'send order.created' }) }),
    ]);
    // Of the fixture pacts, only the interaction that reads the field.
    expect(broken(r).filter((b) => b.startsWith('web-shop:'))).toEqual(['web-shop: a request for an order']);
    // The repo's channels read source.orderId from v2 orders, and the call centre channelOrderId from order.created.
    expect(broken(r)).toEqual(
      expect.arrayContaining([
        'call-centre: a search for orders by source order number',
        'call-centre: an order created event',
        'marketplace-connector: a marketplace order with a pickup line and a ship line',
        'store-pos: an endless-aisle order from store S3',
        'web-storefront: a request for a web order',
      ]),
    );
    for (const { impact } of brokenOf(r)) expect(impact.problems.map((p) => p.field)).toEqual([expect.stringMatching(/\.(orderId|channelOrderId)$/)]);
  });

  it("a system contract change names the concord-process consumer: the process APIs read what the ERP answers", async () => {
    const r = await impactAfter([['contracts/openapi/system/erp.v1.yaml', dropProperty(['components', 'schemas', 'Item'], 'taxRateBp')]], 'all');
    expect(broken(r)).toEqual(['concord-process: a request for the item master']);
    expect(problemsOf(r, 'concord-process', 'a request for the item master')).toEqual([
      expect.objectContaining({ field: '$.items[0].taxRateBp', location: expect.objectContaining({ file: 'contracts/openapi/system/erp.v1.yaml', pointer: '/components/schemas/Item' }) }),
    ]);
  });

  it('a changed response field type is an incompatible type, with the JSON path of the field', async () => {
    const r = await impactAfter([
      [COMMON, (d) => d.setIn(['components', 'schemas', 'OrderLine', 'properties', 'quantity', 'type'], 'string')],
      [COMMON, (d) => d.setIn(['components', 'schemas', 'Money', 'properties', 'amount', 'type'], 'number')],
    ]);
    const problems = problemsOf(r, 'web-shop', 'a request for an order');
    expect(problems.map((p) => p.field).sort()).toEqual(['$.lines[0].quantity', '$.lines[0].unitPrice.amount', '$.totals.total.amount']);
    expect(problems.find((p) => p.field === '$.lines[0].quantity')?.message).toMatch(/incompatible type: the consumer expects an integer.*has string/);
    // Pact's integer matcher does not accept 1.5, which `type: number` allows.
    expect(problems.find((p) => p.field === '$.lines[0].unitPrice.amount')?.message).toMatch(/an integer \(Pact 'integer' matcher\).*has number/);
    expect(problemsOf(r, 'web-shop', 'a request for the web availability of one SKU')).toEqual([]);
  });

  it('a new required request property reports the POSTs whose bodies lack it, except those that expect a 400', async () => {
    const r = await impactAfter(
      [
        [
          ORDERS,
          (d) => {
            d.setIn(['components', 'schemas', 'CreateOrderRequest', 'properties', 'salesAgent'], d.createNode({ type: 'string', maxLength: 40 }));
            (d.getIn(['components', 'schemas', 'CreateOrderRequest', 'required']) as { add(v: unknown): void }).add('salesAgent');
          },
        ],
      ],
      'all',
    );
    expect(problemsOf(r, 'web-shop', 'a web checkout order')).toEqual([
      expect.objectContaining({ field: '$.salesAgent', message: expect.stringMatching(/requires this property/), location: expect.objectContaining({ file: ORDERS, operation: 'POST /v2/orders (createOrder)' }) }),
    ]);
    expect(broken(r).filter((b) => b.startsWith('web-shop:'))).toEqual(['web-shop: a web checkout order']);
    const repoBroken = broken(r).filter((b) => !b.startsWith('web-shop:'));
    expect(repoBroken).toEqual(
      expect.arrayContaining([
        'marketplace-connector: a marketplace order with a pickup line and a ship line',
        'store-pos: an endless-aisle order from store S3',
        'web-storefront: a web checkout order',
        // 409 insufficient stock: the gateway would answer 400 before the stock check.
        'web-storefront: a web order for more units of a scarce SKU than are left',
      ]),
    );
    // The consumer expects a 400 for this one anyway.
    expect(repoBroken).not.toContain('web-storefront: a web order without lines');
    for (const { impact } of brokenOf(r)) expect(impact.operation).toBe('POST /v2/orders (createOrder)');
  });

  it('a removed path or method is "no operation"; a removed status and response header are reported', async () => {
    const r = await impactAfter([
      [
        ORDERS,
        (d) => {
          d.deleteIn(['paths', '/v2/orders/{orderId}/cancel']);
          d.deleteIn(['paths', '/v2/orders', 'get']);
          d.deleteIn(['paths', '/v2/orders/{orderId}', 'get', 'responses', '404']);
          d.deleteIn(['paths', '/v2/orders', 'post', 'responses', '201', 'headers', 'Location']);
        },
      ],
    ]);
    expect(problemsOf(r, 'web-shop', "a cancellation at the customer's request")).toEqual([{ message: expect.stringMatching(/^no operation matches POST \/v2\/orders\/ord_\w+\/cancel/) }]);
    const cancel = interaction(r, 'web-shop', "a cancellation at the customer's request");
    expect(cancel).toMatchObject({ kind: 'http', request: 'POST /v2/orders/ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3/cancel' });
    expect(cancel.operation).toBeUndefined();
    expect(interaction(r, 'web-shop', 'a request for an order')).toMatchObject({ request: 'GET /v2/orders/{orderId}', operation: 'GET /v2/orders/{orderId} (getOrder)', problems: [] });
    expect(problemsOf(r, 'web-shop', 'a search for orders by source order id')).toEqual([
      { message: 'no GET operation on /v2/orders: the contract has POST only', location: { file: ORDERS, pointer: '/paths/~1v2~1orders' } },
    ]);
    expect(problemsOf(r, 'web-shop', 'a request for an order that does not exist')).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/no longer lists response status 404/), location: expect.objectContaining({ pointer: '/paths/~1v2~1orders~1{orderId}/get/responses' }) }),
    ]);
    expect(problemsOf(r, 'web-shop', 'a web checkout order')).toEqual([expect.objectContaining({ message: "response header 'Location' is not declared for 201 any more" })]);
    expect(problemsOf(r, 'web-shop', 'a request for an order')).toEqual([]);
  });

  it('a new required query parameter, a stricter path parameter and an unaccepted media type are reported', async () => {
    const r = await impactAfter([
      [
        ORDERS,
        (d) => {
          const params = d.getIn(['paths', '/v2/orders', 'get', 'parameters']) as { items: unknown[] };
          const status = params.items.find((p) => isMap(p) && p.get('name') === 'status');
          if (!isMap(status)) throw new Error('listOrders has no status parameter any more; update this test');
          status.set('required', true);
          d.setIn(['components', 'parameters', 'OrderId', 'schema'], d.createNode({ type: 'string', pattern: '^ord_[0-9]{8,40}$' }));
          const content = d.getIn(['paths', '/v2/orders/{orderId}/cancel', 'post', 'requestBody', 'content']);
          if (!isMap(content)) throw new Error('cancelOrder has no request content; update this test');
          content.items[0]!.key = d.createNode('application/vnd.concord.cancel+json');
        },
      ],
    ]);
    expect(problemsOf(r, 'web-shop', 'a search for orders by source order id')).toEqual([expect.objectContaining({ message: "required query parameter 'status' is missing from the request" })]);
    expect(problemsOf(r, 'web-shop', 'a request for an order')).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^path parameter 'orderId' "ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3" does not satisfy its schema: must match pattern/) }),
    ]);
    const cancel = problemsOf(r, 'web-shop', "a cancellation at the customer's request").map((p) => p.message);
    expect(cancel).toEqual([expect.stringMatching(/^path parameter 'orderId'/), "unsupported request media type 'application/json': the operation accepts application/vnd.concord.cancel+json"]);
  });

  it('a removed message payload field, and a removed event, are reported for the message pacts', async () => {
    const r = await impactAfter(
      [
        [
          EVENTS,
          (d) => {
            dropProperty(['components', 'schemas', 'AvailabilityChangedData'], 'lowStock')(d);
            d.deleteIn(['components', 'messages', 'OrderCancelled']);
            d.deleteIn(['channels', 'ordersCancelled']);
            const ops = d.get('operations');
            if (!isMap(ops)) throw new Error('events.yaml has no operations; update this test');
            for (const pair of [...ops.items]) {
              if (isMap(pair.value) && d.getIn(['operations', String(pair.key), 'channel', '$ref']) === '#/channels/ordersCancelled') ops.delete(pair.key);
            }
          },
        ],
      ],
      'all',
    );
    expect(problemsOf(r, 'web-shop', 'an availability change')).toEqual([
      expect.objectContaining({ field: '$.data.lowStock', message: expect.stringMatching(/missing field.*AvailabilityChangedData/), location: expect.objectContaining({ file: EVENTS, operation: 'send inventory.availability-changed' }) }),
    ]);
    expect(problemsOf(r, 'web-shop', 'an order cancelled event')).toEqual([
      { message: "no event 'order.cancelled' in the AsyncAPI catalogue (by CloudEvents type): the event was removed or renamed", location: { file: EVENTS, pointer: '/components/messages' } },
    ]);
    expect(broken(r).filter((b) => b.startsWith('web-shop:'))).toEqual(['web-shop: an availability change', 'web-shop: an order cancelled event']);
    expect(broken(r)).toEqual(expect.arrayContaining(['call-centre: an order cancelled event', 'marketplace-connector: an availability change after stock is reserved']));
    // HTTP interactions never depend on the event catalogue.
    for (const c of r.consumers) for (const i of c.interactions) if (i.kind === 'http') expect(i.problems).toEqual([]);
  });

  it('an exactly expected value the contract no longer allows, and an enum that no longer meets a regex', async () => {
    const r = await impactAfter([
      [
        COMMON,
        (d) => {
          d.setIn(['components', 'schemas', 'OrderStatus', 'enum'], d.createNode(['open', 'partially_shipped', 'shipped', 'completed', 'voided']));
        },
      ],
    ]);
    // `status: 'cancelled'` is exact in the cancellation's response.
    expect(problemsOf(r, 'web-shop', "a cancellation at the customer's request")).toEqual([
      expect.objectContaining({ field: '$.status', message: expect.stringMatching(/expects the value "cancelled", which the contract no longer allows \(must be one of "open"/) }),
    ]);
    // The order's status is matched by `^(accepted|allocated)$`, which none of the new values meets.
    expect(problemsOf(r, 'web-shop', 'a request for an order')).toEqual([
      expect.objectContaining({ field: '$.status', message: expect.stringMatching(/none of the values the contract allows \("open", .*\) matches the consumer's regex/) }),
    ]);
    // The search matches status by type only: any string will do.
    expect(problemsOf(r, 'web-shop', 'a search for orders by source order id')).toEqual([]);
  });

  it('a field exists when any oneOf / anyOf branch declares it, and is missing when none does', async () => {
    const r = await impactAfter([
      [
        ORDERS,
        (d) => {
          // OrderSource split in two branches: `channel` in one, `orderId` in the other.
          const source = d.createNode({
            anyOf: [
              { type: 'object', required: ['channel'], properties: { channel: { $ref: '../common/schemas.yaml#/components/schemas/Channel' } } },
              { allOf: [{ type: 'object', properties: { orderId: { $ref: '../common/schemas.yaml#/components/schemas/ChannelOrderId' } } }] },
            ],
          });
          d.setIn(['components', 'schemas', 'OrderSource'], source);
          // The search's items: a status in neither branch.
          d.setIn(
            ['components', 'schemas', 'OrderPageV2', 'properties', 'items', 'items'],
            d.createNode({ oneOf: [{ type: 'object', properties: { id: { type: 'string' } } }, { type: 'object', properties: { id: { type: 'integer' }, state: { type: 'string' } } }] }),
          );
        },
      ],
    ]);
    expect(problemsOf(r, 'web-shop', 'a request for an order')).toEqual([]);
    expect(problemsOf(r, 'web-shop', 'a search for orders by source order id')).toEqual([
      expect.objectContaining({ field: '$.items[0].status', message: expect.stringMatching(/missing field: the consumer reads 'status'/) }),
    ]);
  });

  it('a header parameter that becomes required is reported where the request lacks it, except where a 400 is expected', async () => {
    const r = await impactAfter([['contracts/openapi/common/http.yaml', (d) => d.setIn(['components', 'parameters', 'CorrelationId', 'required'], true)]], 'all');
    expect(problemsOf(r, 'web-shop', 'a request for an order')).toEqual([
      { message: "required header parameter 'X-Correlation-ID' is missing from the request", location: expect.objectContaining({ file: 'contracts/openapi/common/http.yaml', pointer: '/components/parameters/CorrelationId/schema' }) },
    ]);
    // Every HTTP interaction lacks the header, except those expecting a 400; messages have no headers.
    const pacts = await Promise.all([...fixturePacts, ...repoPacts].map((f) => readPactFile(f)));
    const expects400 = new Set(pacts.flatMap((p) => p.interactions.flatMap((i) => (i.kind === 'http' && i.response.status === 400 ? [`${p.consumer}: ${i.description}`] : []))));
    expect(expects400.size).toBeGreaterThan(0);
    for (const c of r.consumers) {
      for (const i of c.interactions) {
        if (i.kind === 'message' || expects400.has(`${c.consumer}: ${i.description}`)) expect(i.problems).toEqual([]);
        else expect(i.problems.map((p) => p.message)).toContain("required header parameter 'X-Correlation-ID' is missing from the request");
      }
    }
  });

  it('contracts that do not load throw their ContractLoadError', async () => {
    const err = await impactAfter([[ORDERS, (d) => d.setIn(['components', 'schemas', 'OrderV2', 'properties', 'source', '$ref'], '#/components/schemas/NoSuchSchema')]]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContractLoadError);
    expect((err as ContractLoadError).problems).toEqual([expect.objectContaining({ file: ORDERS, message: expect.stringMatching(/NoSuchSchema.*cannot be resolved/) })]);
  });
});

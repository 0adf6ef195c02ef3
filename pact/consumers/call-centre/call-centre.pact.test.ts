import { MatchersV3 } from '@pact-foundation/pact';
import { createOrdersV2Client } from '../../../generated/clients/process/orders.v2';
import { createReturnsV1Client } from '../../../generated/clients/process/returns.v1';
import { authHeaders, authorization, idempotencyKey } from '../../support/bearer';
import { consumerPact } from '../../support/consumer-pact';
import { PROBLEM_JSON, money, orderId, problem, returnId, timestamp } from '../../support/shapes';

const { eachLike, fromProviderState, integer, regex, string } = MatchersV3;

// The call centre: finds a customer's order by the number the customer quotes, shows its lines, where each part
// ships from and where ERP and WMS stand, cancels it on request, and follows returns.
const { pact, checkAgainstRecord } = consumerPact('call-centre');
afterAll(() => checkAgainstRecord());

const EXAMPLE_ORDER = 'ord_01JD3Q9B7K2M4N6P8R0S2T4V6W';
const EXAMPLE_RETURN = 'ret_01JD3QB1M2N3P4Q5R6S7T8V9W0';
const ORDER_STATUS = /^(accepted|allocated|partially_shipped|shipped|completed|cancelled)$/;
const SYNC_STATUS = /^(pending|in_progress|synced|retrying|exception|not_applicable)$/;

const client = (url: string) => createOrdersV2Client({ baseUrl: url, headers: authHeaders });

describe('call centre → Concord', () => {
  it('finds an order by the number the customer quotes', () =>
    pact
      .addInteraction()
      .given('a web order exists', { sourceOrderId: 'CC-PACT-4001' })
      .uponReceiving('a search for orders by source order number')
      .withRequest('GET', '/v2/orders', (b) => b.query({ sourceOrderId: 'CC-PACT-4001' }).headers({ Authorization: authorization }))
      .willRespondWith(200, (b) =>
        b.jsonBody({ items: eachLike({ id: orderId(EXAMPLE_ORDER), status: regex(ORDER_STATUS, 'accepted'), source: { orderId: 'CC-PACT-4001' }, createdAt: timestamp() }) }),
      )
      .executeTest(async (server) => {
        const { data } = await client(server.url).GET('/v2/orders', { params: { query: { sourceOrderId: 'CC-PACT-4001' } } });
        expect(data?.items[0]?.id).toBe(EXAMPLE_ORDER);
      }));

  it('shows an order: customer, lines and where each system stands', () =>
    pact
      .addInteraction()
      .given('a web order exists', { sourceOrderId: 'CC-PACT-4002' })
      .uponReceiving('a request for an order with its sync state')
      .withRequest('GET', fromProviderState('/v2/orders/${orderId}', `/v2/orders/${EXAMPLE_ORDER}`), (b) => b.headers({ Authorization: authorization }))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          id: orderId(EXAMPLE_ORDER),
          status: regex(ORDER_STATUS, 'accepted'),
          customer: { name: string('Grace Hopper'), email: string('grace@example.com') },
          lines: eachLike({ lineId: string('1'), sku: regex(/^SKU-\d{4}$/, 'SKU-0001'), quantity: integer(1), shippedQuantity: integer(0), cancelledQuantity: integer(0) }),
          sync: { erp: { status: regex(SYNC_STATUS, 'pending'), attempts: integer(0) }, wms: { status: regex(SYNC_STATUS, 'pending') } },
          // The agent tells the customer where each part ships from or waits for collection.
          fulfilmentGroups: eachLike({ nodeId: string('DC1'), method: regex(/^(ship|store_pickup|ship_from_store)$/, 'ship') }),
          totals: { total: money(2039) },
        }),
      )
      .executeTest(async (server) => {
        const { data } = await client(server.url).GET('/v2/orders/{orderId}', { params: { path: { orderId: EXAMPLE_ORDER } } });
        expect(data?.sync.erp.status).toBe('pending');
      }));

  it('cancels an order the customer no longer wants', () =>
    pact
      .addInteraction()
      .given('a web order exists', { sourceOrderId: 'CC-PACT-4003' })
      .uponReceiving('a cancellation at the customer’s request')
      .withRequest('POST', fromProviderState('/v2/orders/${orderId}/cancel', `/v2/orders/${EXAMPLE_ORDER}/cancel`), (b) =>
        b.headers({ Authorization: authorization, 'Idempotency-Key': idempotencyKey('1d2c3b4a-5968-4776-8594-a3b2c1d0e4f1') }).jsonBody({ reason: 'customer_request' }),
      )
      .willRespondWith(200, (b) => b.jsonBody({ id: orderId(EXAMPLE_ORDER), status: 'cancelled', lines: eachLike({ cancelledQuantity: integer(1) }) }))
      .executeTest(async (server) => {
        const { data } = await client(server.url).POST('/v2/orders/{orderId}/cancel', {
          params: { path: { orderId: EXAMPLE_ORDER }, header: { 'Idempotency-Key': '1d2c3b4a-5968-4776-8594-a3b2c1d0e4f1' } },
          body: { reason: 'customer_request' },
        });
        expect(data?.status).toBe('cancelled');
      }));

  it('tells the agent when an order number does not exist: 404', () =>
    pact
      .addInteraction()
      .given('the demo catalogue and stock are loaded')
      .uponReceiving('a request for an order that does not exist')
      .withRequest('GET', '/v2/orders/ord_01JD3Q0000000000000000NONE', (b) => b.headers({ Authorization: authorization }))
      .willRespondWith(404, (b) => b.headers(PROBLEM_JSON).jsonBody(problem(404, 'not-found', 'Not found')))
      .executeTest(async (server) => {
        const { response } = await client(server.url).GET('/v2/orders/{orderId}', { params: { path: { orderId: 'ord_01JD3Q0000000000000000NONE' } } });
        expect(response.status).toBe(404);
      }));

  it('follows a return and its refund', () =>
    pact
      .addInteraction()
      .given('an authorized return exists', { sourceOrderId: 'CC-PACT-4005' })
      .uponReceiving('a request for a return')
      .withRequest('GET', fromProviderState('/v1/returns/${returnId}', `/v1/returns/${EXAMPLE_RETURN}`), (b) => b.headers({ Authorization: authorization }))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          id: returnId(EXAMPLE_RETURN),
          orderId: orderId(EXAMPLE_ORDER),
          status: regex(/^(requested|authorized|received|inspected|dispositioned|refunded|closed|rejected|cancelled)$/, 'authorized'),
          refund: { status: string('pending'), total: money(2039) },
        }),
      )
      .executeTest(async (server) => {
        const returns = createReturnsV1Client({ baseUrl: server.url, headers: authHeaders });
        const { data } = await returns.GET('/v1/returns/{returnId}', { params: { path: { returnId: EXAMPLE_RETURN } } });
        expect(data?.refund?.total.amount).toBe(2039);
      }));
});

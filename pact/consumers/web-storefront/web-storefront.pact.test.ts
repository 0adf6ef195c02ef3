import { MatchersV3 } from '@pact-foundation/pact';
import { createAvailabilityV1Client } from '../../../generated/clients/process/availability.v1';
import { createOrdersV2Client } from '../../../generated/clients/process/orders.v2';
import type { components } from '../../../generated/types/process/orders.v2';
import { authHeaders, authorization, idempotencyKey } from '../../support/bearer';
import { consumerPact } from '../../support/consumer-pact';
import { PROBLEM_JSON, money, orderId, problem } from '../../support/shapes';

const { eachLike, fromProviderState, integer, regex, string } = MatchersV3;

type CreateOrder = components['schemas']['CreateOrderRequest'];

// The web storefront: shows stock on the product page, places the checkout's order, and shows the order page.
const { pact, checkAgainstRecord } = consumerPact('web-storefront');
afterAll(() => checkAgainstRecord());

const key = (n: number) => `6b1f0e2a-8c1d-4d2e-9f3a-5b7c9d1e3f${String(n).padStart(2, '0')}`;

const checkout = (orderId: string, sku: string, quantity: number, unitPrice: number): CreateOrder => {
  const tax = Math.floor((unitPrice * quantity * 2000 + 5000) / 10000);
  return {
    source: { channel: 'web', orderId },
    currency: 'EUR',
    customer: { name: 'Grace Hopper', email: 'grace@example.com' },
    shippingAddress: { name: 'Grace Hopper', line1: '5 New Street', city: 'Birmingham', postalCode: 'B2 4QA', country: 'GB' },
    lines: [{ sku, quantity, unitPrice: { currency: 'EUR', amount: unitPrice }, tax: { currency: 'EUR', amount: tax }, fulfilment: { method: 'ship' } }],
    tenders: [{ type: 'credit_card', amount: { currency: 'EUR', amount: unitPrice * quantity + tax } }],
  };
};

const orders = (url: string) => createOrdersV2Client({ baseUrl: url, headers: authHeaders });

describe('web storefront → Concord', () => {
  it('reads the ATP left to the web channel for a product page', () =>
    pact
      .addInteraction()
      .given('the demo catalogue and stock are loaded')
      .uponReceiving('a request for the web availability of one SKU')
      .withRequest('GET', '/v1/availability', (b) => b.query({ sku: 'SKU-0001', channel: 'web' }).headers({ Authorization: authorization }))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          items: eachLike({ sku: 'SKU-0001', total: { atp: integer(57) }, channelAtp: integer(40) }),
        }),
      )
      .executeTest(async (server) => {
        const availability = createAvailabilityV1Client({ baseUrl: server.url, headers: authHeaders });
        const { data } = await availability.GET('/v1/availability', { params: { query: { sku: 'SKU-0001', channel: 'web' } } });
        expect(data?.items[0]?.channelAtp).toBe(40);
      }));

  it('places a checkout order and reads back its id, status and total', () => {
    const body = checkout('WEB-PACT-1001', 'SKU-0001', 2, 1699);
    return pact
      .addInteraction()
      .given('the demo catalogue and stock are loaded')
      .uponReceiving('a web checkout order')
      .withRequest('POST', '/v2/orders', (b) => b.headers({ Authorization: authorization, 'Idempotency-Key': idempotencyKey(key(1)) }).jsonBody(body))
      .willRespondWith(201, (b) =>
        b.headers({ Location: regex(/^\/v2\/orders\/ord_[0-9A-Za-z]+$/, '/v2/orders/ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3') }).jsonBody({
          id: orderId(),
          status: 'accepted',
          totals: { total: money(4078) },
        }),
      )
      .executeTest(async (server) => {
        const { data, response } = await orders(server.url).POST('/v2/orders', { params: { header: { 'Idempotency-Key': key(1) } }, body });
        expect(response.status).toBe(201);
        expect(data?.totals.total.amount).toBe(4078);
      });
  });

  it('tells the shopper when the last units are gone: 409 insufficient-stock', () => {
    const body = checkout('WEB-PACT-1002', 'SKU-0231', 50, 9699);
    return pact
      .addInteraction()
      .given('the demo catalogue and stock are loaded')
      .uponReceiving('a web order for more units of a scarce SKU than are left')
      .withRequest('POST', '/v2/orders', (b) => b.headers({ Authorization: authorization, 'Idempotency-Key': idempotencyKey(key(2)) }).jsonBody(body))
      .willRespondWith(409, (b) => b.headers(PROBLEM_JSON).jsonBody({ ...problem(409, 'insufficient-stock', 'Insufficient stock'), detail: string('SKU-0231 has 3 units available to promise for this channel.') }))
      .executeTest(async (server) => {
        const { error, response } = await orders(server.url).POST('/v2/orders', { params: { header: { 'Idempotency-Key': key(2) } }, body });
        expect(response.status).toBe(409);
        expect(error?.type).toBe('https://concord.dev/problems/insufficient-stock');
      });
  });

  it('shows the validation errors of a cart without lines: 400', () => {
    const { lines: _lines, ...body } = checkout('WEB-PACT-1003', 'SKU-0001', 1, 1699);
    return pact
      .addInteraction()
      .given('the demo catalogue and stock are loaded')
      .uponReceiving('a web order without lines')
      .withRequest('POST', '/v2/orders', (b) => b.headers({ Authorization: authorization, 'Idempotency-Key': idempotencyKey(key(3)) }).jsonBody(body))
      .willRespondWith(400, (b) =>
        b.headers(PROBLEM_JSON).jsonBody({ ...problem(400, 'validation', 'Request validation failed'), errors: eachLike({ pointer: string('/lines'), message: string("must have required property 'lines'") }) }),
      )
      .executeTest(async (server) => {
        // The storefront's cart code would never send this; the cast stands in for a bug it must surface.
        const { error, response } = await orders(server.url).POST('/v2/orders', { params: { header: { 'Idempotency-Key': key(3) } }, body: body as unknown as CreateOrder });
        expect(response.status).toBe(400);
        expect(error?.errors?.length).toBeGreaterThan(0);
      });
  });

  it('shows the order page', () =>
    pact
      .addInteraction()
      .given('a web order exists', { sourceOrderId: 'WEB-PACT-1004' })
      .uponReceiving('a request for a web order')
      .withRequest('GET', fromProviderState('/v2/orders/${orderId}', '/v2/orders/ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3'), (b) => b.headers({ Authorization: authorization }))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          id: orderId(),
          status: regex(/^(accepted|allocated|partially_shipped|shipped|completed|cancelled)$/, 'accepted'),
          source: { channel: 'web', orderId: 'WEB-PACT-1004' },
          lines: eachLike({ sku: string('SKU-0001'), quantity: integer(1), shippedQuantity: integer(0) }),
          totals: { total: money(2039) },
        }),
      )
      .executeTest(async (server) => {
        const { data } = await orders(server.url).GET('/v2/orders/{orderId}', { params: { path: { orderId: 'ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3' } } });
        expect(data?.source.orderId).toBe('WEB-PACT-1004');
      }));
});

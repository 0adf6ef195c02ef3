import { MatchersV3 } from '@pact-foundation/pact';
import { createAvailabilityV1Client } from '../../../generated/clients/process/availability.v1';
import { createOrdersV2Client } from '../../../generated/clients/process/orders.v2';
import { createReturnsV1Client } from '../../../generated/clients/process/returns.v1';
import type { components } from '../../../generated/types/process/orders.v2';
import { authHeaders, authorization, idempotencyKey } from '../../support/bearer';
import { consumerPact } from '../../support/consumer-pact';
import { PROBLEM_JSON, money, orderId, problem, returnId } from '../../support/shapes';

const { eachLike, fromProviderState, integer, regex, string } = MatchersV3;

type CreateOrder = components['schemas']['CreateOrderRequest'];

// The store POS: checks shelf stock at its own store, takes endless-aisle orders shipped from the DC, and starts
// returns of online orders at the till (buy online, return in store).
const { pact, checkAgainstRecord } = consumerPact('store-pos');
afterAll(() => checkAgainstRecord());

const key = (n: number) => `9e8d7c6b-5a49-4382-9170-f1e2d3c4b5${String(n).padStart(2, '0')}`;
const EXAMPLE_ORDER = 'ord_01JD4B7TQ2W5E8R1Y4V7K0M3P6';

describe('store POS → Concord', () => {
  it("checks the stock of its own store", () =>
    pact
      .addInteraction()
      .given('the demo catalogue and stock are loaded')
      .uponReceiving('a request for the availability of one SKU at store S1')
      .withRequest('GET', '/v1/availability', (b) => b.query({ sku: 'SKU-0001', locationId: 'S1' }).headers({ Authorization: authorization }))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          scope: { locationId: 'S1' },
          items: eachLike({ sku: 'SKU-0001', positions: eachLike({ locationId: 'S1', onHand: integer(7), atp: integer(6) }) }),
        }),
      )
      .executeTest(async (server) => {
        const availability = createAvailabilityV1Client({ baseUrl: server.url, headers: authHeaders });
        const { data } = await availability.GET('/v1/availability', { params: { query: { sku: 'SKU-0001', locationId: 'S1' } } });
        expect(data?.items[0]?.positions[0]?.atp).toBe(6);
      }));

  it('takes an endless-aisle order at the till, shipped from the DC', () => {
    const body: CreateOrder = {
      source: { channel: 'pos', orderId: 'S3-PACT-3001', storeId: 'S3' },
      currency: 'EUR',
      customer: { name: 'Grace Hopper', email: 'grace@example.com' },
      shippingAddress: { name: 'Grace Hopper', line1: '5 New Street', city: 'Birmingham', postalCode: 'B2 4QA', country: 'GB' },
      lines: [{ sku: 'SKU-0003', quantity: 1, unitPrice: { currency: 'EUR', amount: 3099 }, tax: { currency: 'EUR', amount: 620 }, fulfilment: { method: 'ship' } }],
      tenders: [{ type: 'credit_card', amount: { currency: 'EUR', amount: 3719 } }],
    };
    return pact
      .addInteraction()
      .given('the demo catalogue and stock are loaded')
      .uponReceiving('an endless-aisle order from store S3')
      .withRequest('POST', '/v2/orders', (b) => b.headers({ Authorization: authorization, 'Idempotency-Key': idempotencyKey(key(1)) }).jsonBody(body))
      .willRespondWith(201, (b) => b.jsonBody({ id: orderId(), status: 'accepted', source: { channel: 'pos', orderId: 'S3-PACT-3001', storeId: 'S3' }, totals: { total: money(3719) } }))
      .executeTest(async (server) => {
        const orders = createOrdersV2Client({ baseUrl: server.url, headers: authHeaders });
        const { data } = await orders.POST('/v2/orders', { params: { header: { 'Idempotency-Key': key(1) } }, body });
        expect(data?.source.storeId).toBe('S3');
      });
  });

  it('starts an in-store return of an online order: authorized, with the refund estimate', () =>
    pact
      .addInteraction()
      .given('a shipped web order exists', { sourceOrderId: 'WEB-PACT-3002' })
      .uponReceiving('an in-store return of one defective unit of an online order')
      .withRequest('POST', '/v1/returns', (b) =>
        b.headers({ Authorization: authorization, 'Idempotency-Key': idempotencyKey(key(2)) }).jsonBody({
          orderId: fromProviderState('${orderId}', EXAMPLE_ORDER),
          channel: 'pos',
          locationId: 'S3',
          lines: [{ orderLineId: '1', quantity: 1, reason: 'defective' }],
        }),
      )
      .willRespondWith(201, (b) =>
        b.jsonBody({
          id: returnId(),
          status: 'authorized',
          locationId: 'S3',
          lines: eachLike({ lineId: string('1'), sku: regex(/^SKU-\d{4}$/, 'SKU-0004'), quantity: integer(1) }),
          refund: { status: string('pending'), total: money(4101) },
        }),
      )
      .executeTest(async (server) => {
        const returns = createReturnsV1Client({ baseUrl: server.url, headers: authHeaders });
        const { data } = await returns.POST('/v1/returns', {
          params: { header: { 'Idempotency-Key': key(2) } },
          body: { orderId: EXAMPLE_ORDER, channel: 'pos', locationId: 'S3', lines: [{ orderLineId: '1', quantity: 1, reason: 'defective' }] },
        });
        expect(data?.status).toBe('authorized');
      }));

  it('is told when more units come back than were shipped: 422 return-quantity-exceeded', () =>
    pact
      .addInteraction()
      .given('a shipped web order exists', { sourceOrderId: 'WEB-PACT-3003' })
      .uponReceiving('an in-store return of more units than the order shipped')
      .withRequest('POST', '/v1/returns', (b) =>
        b.headers({ Authorization: authorization, 'Idempotency-Key': idempotencyKey(key(3)) }).jsonBody({
          orderId: fromProviderState('${orderId}', EXAMPLE_ORDER),
          channel: 'pos',
          locationId: 'S3',
          lines: [{ orderLineId: '1', quantity: 5, reason: 'changed_mind' }],
        }),
      )
      .willRespondWith(422, (b) => b.headers(PROBLEM_JSON).jsonBody(problem(422, 'return-quantity-exceeded')))
      .executeTest(async (server) => {
        const returns = createReturnsV1Client({ baseUrl: server.url, headers: authHeaders });
        const { error, response } = await returns.POST('/v1/returns', {
          params: { header: { 'Idempotency-Key': key(3) } },
          body: { orderId: EXAMPLE_ORDER, channel: 'pos', locationId: 'S3', lines: [{ orderLineId: '1', quantity: 5, reason: 'changed_mind' }] },
        });
        expect(response.status).toBe(422);
        expect(error?.type).toBe('https://concord.dev/problems/return-quantity-exceeded');
      }));
});

import { MatchersV3 } from '@pact-foundation/pact';
import { createAvailabilityV1Client } from '../../../generated/clients/process/availability.v1';
import { createOrdersV2Client } from '../../../generated/clients/process/orders.v2';
import type { components } from '../../../generated/types/process/orders.v2';
import { authHeaders, authorization, idempotencyKey } from '../../support/bearer';
import { anotherPartnersOrderIs404 } from '../../support/partner-isolation';
import { consumerPact, stateParams } from '../../support/consumer-pact';
import { money, orderId } from '../../support/shapes';

const { eachLike, fromProviderState, integer, regex, string } = MatchersV3;

type CreateOrder = components['schemas']['CreateOrderRequest'];

// The marketplace connector: pushes marketplace orders (retrying on timeouts), reads ATP for its listings, and
// must never see another partner's orders.
const { pact, checkAgainstRecord } = consumerPact('marketplace-connector');
afterAll(() => checkAgainstRecord());

const key = (n: number) => `0c2d7e4f-1a3b-4c5d-8e9f-a0b1c2d3e4${String(n).padStart(2, '0')}`;

/** Scenario 1: SKU-0001 collected at a store, 2 × SKU-0002 shipped from the DC. */
const marketplaceOrder = (orderId: string, pickupStore: string): CreateOrder => ({
  source: { channel: 'marketplace', orderId, marketplace: 'zalando-de' },
  currency: 'EUR',
  customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
  shippingAddress: { name: 'Ada Lovelace', line1: '12 Market Street', city: 'Leeds', postalCode: 'LS1 6DT', country: 'GB' },
  lines: [
    { sku: 'SKU-0001', quantity: 1, unitPrice: { currency: 'EUR', amount: 1699 }, tax: { currency: 'EUR', amount: 340 }, fulfilment: { method: 'store_pickup', locationId: pickupStore } },
    { sku: 'SKU-0002', quantity: 2, unitPrice: { currency: 'EUR', amount: 2399 }, tax: { currency: 'EUR', amount: 960 }, fulfilment: { method: 'ship' } },
  ],
  tenders: [{ type: 'marketplace', amount: { currency: 'EUR', amount: 7797 }, reference: `PAY-${orderId}` }],
});

const orders = (url: string) => createOrdersV2Client({ baseUrl: url, headers: authHeaders });
const post = (url: string, body: CreateOrder, idempotency: string) => orders(url).POST('/v2/orders', { params: { header: { 'Idempotency-Key': idempotency } }, body });

const acceptedOrder = (sourceOrderId: string) => ({
  id: orderId(),
  status: regex(/^(accepted|allocated)$/, 'accepted'),
  source: { channel: 'marketplace', orderId: sourceOrderId, marketplace: 'zalando-de' },
  totals: { total: money(7797) },
});

describe('marketplace connector → Concord', () => {
  it('pushes a marketplace order split into a store pickup and a DC shipment', () => {
    const body = marketplaceOrder('MKT-PACT-2001', 'S1');
    return pact
      .addInteraction()
      .given('the demo catalogue and stock are loaded')
      .uponReceiving('a marketplace order with a pickup line and a ship line')
      .withRequest('POST', '/v2/orders', (b) => b.headers({ Authorization: authorization, 'Idempotency-Key': idempotencyKey(key(1)) }).jsonBody(body))
      .willRespondWith(201, (b) =>
        b.jsonBody({
          ...acceptedOrder('MKT-PACT-2001'),
          fulfilmentGroups: eachLike({ id: string('fg1'), nodeId: string('S1'), method: regex(/^(ship|store_pickup|ship_from_store)$/, 'store_pickup'), lineIds: eachLike('1') }, 2),
        }),
      )
      .executeTest(async (server) => {
        const { data, response } = await post(server.url, body, key(1));
        expect(response.status).toBe(201);
        expect(data?.fulfilmentGroups).toHaveLength(2);
      });
  });

  it('retries after a timeout with the same Idempotency-Key and gets the stored answer replayed', () => {
    const body = marketplaceOrder('MKT-PACT-2002', 'S2');
    return pact
      .addInteraction()
      .given('an order was accepted under an Idempotency-Key', stateParams({ idempotencyKey: key(2), order: body }))
      .uponReceiving('the same marketplace order again under the same Idempotency-Key')
      .withRequest('POST', '/v2/orders', (b) => b.headers({ Authorization: authorization, 'Idempotency-Key': key(2) }).jsonBody(body))
      .willRespondWith(201, (b) => b.headers({ 'Idempotency-Replayed': 'true' }).jsonBody(acceptedOrder('MKT-PACT-2002')))
      .executeTest(async (server) => {
        const { response } = await post(server.url, body, key(2));
        expect(response.headers.get('Idempotency-Replayed')).toBe('true');
      });
  });

  it("resends a day-old order under a new key and gets the existing order back (200), not a second one", () => {
    const body = marketplaceOrder('MKT-PACT-2003', 'S3');
    return pact
      .addInteraction()
      .given('an order exists', stateParams({ order: body }))
      .uponReceiving('a marketplace order that already exists, under a new Idempotency-Key')
      .withRequest('POST', '/v2/orders', (b) => b.headers({ Authorization: authorization, 'Idempotency-Key': idempotencyKey(key(3)) }).jsonBody(body))
      .willRespondWith(200, (b) => b.jsonBody({ ...acceptedOrder('MKT-PACT-2003'), id: fromProviderState('${orderId}', 'ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3') }))
      .executeTest(async (server) => {
        const { data, response } = await post(server.url, body, key(3));
        expect(response.status).toBe(200);
        expect(data?.id).toBe('ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3');
      });
  });

  it("cannot read another partner's order: 404, as if it did not exist", () => anotherPartnersOrderIs404(pact));

  it('reads the ATP left to the marketplace for its listings', () =>
    pact
      .addInteraction()
      .given('the demo catalogue and stock are loaded')
      .uponReceiving('a request for the marketplace availability of two SKUs')
      .withRequest('GET', '/v1/availability', (b) => b.query({ skus: 'SKU-0001,SKU-0002', channel: 'marketplace' }).headers({ Authorization: authorization }))
      .willRespondWith(200, (b) => b.jsonBody({ channel: 'marketplace', items: eachLike({ sku: regex(/^SKU-\d{4}$/, 'SKU-0001'), channelAtp: integer(17) }, 2) }))
      .executeTest(async (server) => {
        const availability = createAvailabilityV1Client({ baseUrl: server.url, headers: authHeaders, querySerializer: { array: { style: 'form', explode: false } } });
        const { data } = await availability.GET('/v1/availability', { params: { query: { skus: ['SKU-0001', 'SKU-0002'], channel: 'marketplace' } } });
        expect(data?.items.map((i) => i.channelAtp)).toEqual([17, 17]);
      }));
});

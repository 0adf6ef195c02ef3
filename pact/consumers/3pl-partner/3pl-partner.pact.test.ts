import { MatchersV3 } from '@pact-foundation/pact';
import { createAvailabilityV1Client } from '../../../generated/clients/process/availability.v1';
import { authHeaders, authorization } from '../../support/bearer';
import { anotherPartnersOrderIs404 } from '../../support/partner-isolation';
import { consumerPact } from '../../support/consumer-pact';
import { PROBLEM_JSON, problem } from '../../support/shapes';

const { eachLike, integer, regex, string } = MatchersV3;

// A 3PL partner (scenario 8): finds its node in the network, reads the stock Concord holds for it, and is kept to
// its own orders. This is the pact a partner runs `concord pact verify` with before it goes live.
const { pact, checkAgainstRecord } = consumerPact('3pl-partner');
afterAll(() => checkAgainstRecord());

const availability = (url: string) => createAvailabilityV1Client({ baseUrl: url, headers: authHeaders, querySerializer: { array: { style: 'form', explode: false } } });

describe('3PL partner → Concord', () => {
  it('lists the locations of the network to find its own node', () =>
    pact
      .addInteraction()
      .given('the demo catalogue and stock are loaded')
      .uponReceiving('a request for the locations')
      .withRequest('GET', '/v1/locations', (b) => b.headers({ Authorization: authorization }))
      .willRespondWith(200, (b) =>
        b.jsonBody({ items: eachLike({ id: regex(/^[A-Z0-9]+$/, '3PL1'), name: string('3PL Central'), type: regex(/^(network|region|dc|store|dark_store|3pl)$/, '3pl') }) }),
      )
      .executeTest(async (server) => {
        const { data } = await availability(server.url).GET('/v1/locations');
        expect(data?.items[0]?.id).toBe('3PL1');
      }));

  it('reads the stock at its node', () =>
    pact
      .addInteraction()
      .given('the demo catalogue and stock are loaded')
      .uponReceiving('a request for the availability of two SKUs at the 3PL node')
      .withRequest('GET', '/v1/availability', (b) => b.query({ skus: 'SKU-0101,SKU-0102', locationId: '3PL1' }).headers({ Authorization: authorization }))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          scope: { locationId: '3PL1' },
          items: eachLike({ sku: regex(/^SKU-\d{4}$/, 'SKU-0101'), positions: eachLike({ locationId: '3PL1', onHand: integer(120), reserved: integer(0), atp: integer(110) }) }, 2),
        }),
      )
      .executeTest(async (server) => {
        const { data } = await availability(server.url).GET('/v1/availability', { params: { query: { skus: ['SKU-0101', 'SKU-0102'], locationId: '3PL1' } } });
        expect(data?.items).toHaveLength(2);
      }));

  it('is told what is wrong with a malformed SKU: 400 with the parameter named', () =>
    pact
      .addInteraction()
      .given('the demo catalogue and stock are loaded')
      .uponReceiving('a request for the availability of a malformed SKU')
      .withRequest('GET', '/v1/availability', (b) => b.query({ sku: 'sku 101' }).headers({ Authorization: authorization }))
      .willRespondWith(400, (b) => b.headers(PROBLEM_JSON).jsonBody({ ...problem(400, 'validation', 'Request validation failed'), errors: eachLike({ message: string('must match pattern') }) }))
      .executeTest(async (server) => {
        const { error, response } = await availability(server.url).GET('/v1/availability', { params: { query: { sku: 'sku 101' } } });
        expect(response.status).toBe(400);
        expect(error?.type).toBe('https://concord.dev/problems/validation');
      }));

  it("cannot read another partner's order: 404", () => anotherPartnersOrderIs404(pact));
});

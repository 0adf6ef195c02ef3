import { MatchersV3 } from '@pact-foundation/pact';
import type { PactV4 } from '@pact-foundation/pact';
import { createOrdersV2Client } from '../../generated/clients/process/orders.v2';
import { authHeaders, authorization } from './bearer';
import { PROBLEM_JSON, problem } from './shapes';

/** The example id; the provider state hands the real one (an order of another partner) to the pact. */
const OTHER_PARTNERS_ORDER = 'ord_01JD3QZZZZZZZZZZZZZZZZZZZZ';

/**
 * The interaction every partner channel records: reading another partner's order is 404, as if it did not exist.
 * The same in each pact, so it lives here once.
 */
export function anotherPartnersOrderIs404(pact: PactV4): Promise<unknown> {
  return pact
    .addInteraction()
    .given('an order of another partner exists')
    .uponReceiving("a request for another partner's order")
    .withRequest('GET', MatchersV3.fromProviderState('/v2/orders/${orderId}', `/v2/orders/${OTHER_PARTNERS_ORDER}`), (b) => b.headers({ Authorization: authorization }))
    .willRespondWith(404, (b) => b.headers(PROBLEM_JSON).jsonBody(problem(404, 'not-found', 'Not found')))
    .executeTest(async (server) => {
      const orders = createOrdersV2Client({ baseUrl: server.url, headers: authHeaders });
      const { error, response } = await orders.GET('/v2/orders/{orderId}', { params: { path: { orderId: OTHER_PARTNERS_ORDER } } });
      expect(response.status).toBe(404);
      expect(error?.type).toBe('https://concord.dev/problems/not-found');
    });
}

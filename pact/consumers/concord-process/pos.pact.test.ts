import { MatchersV3 } from '@pact-foundation/pact';
import { createPosV1Client } from '../../../generated/clients/system/pos.v1';
import { systemFeeds } from '../../../process-apis/availability/ingest/feeds';
import type { SystemClients } from '../../../process-apis/orders/sync/downstream';
import { performJob } from '../../../process-apis/orders/sync/downstream';
import { pickupReport } from '../../../process-apis/orders/sync/fulfilment-tracker';
import { authHeaders, authorization } from '../../support/bearer';
import { consumerPact, stateParams } from '../../support/consumer-pact';
import { PROCESS_CONSUMER } from '../../support/names';
import { PROBLEM_JSON, problem, timestamp } from '../../support/shapes';
import { POS_STATES } from '../../support/system-states';
import { NOW_MS, storedOrder, syncJob } from './fixtures';

const { eachLike, fromProviderState, integer, regex } = MatchersV3;

// Concord's process APIs as the consumer of pos.v1: the order sync worker (pickup instructions), the fulfilment
// tracker (pickup status) and the inventory feed (store sales, stock counts), each through its own code.
const { pact, checkAgainstRecord } = consumerPact(PROCESS_CONSUMER, 'pos');
afterAll(() => checkAgainstRecord());

const ORDER = 'ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3';
const PICKUP = 'PU-000023';
const auth = { Authorization: authorization };
const clients = (url: string) => ({ pos: createPosV1Client({ baseUrl: url, headers: authHeaders }) }) as SystemClients;
const sku = () => regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/, 'SKU-0002');

/** The pickup instruction the order sync worker sends for group g2 of `storedOrder`. */
const pickup = (externalRef: unknown = `${ORDER}:g2`, orderId: unknown = ORDER) => ({
  externalRef,
  orderId,
  storeId: 'S1',
  lines: [{ lineId: '2', sku: 'SKU-0002', quantity: 2 }],
  customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
});
const createJob = syncJob(ORDER, 'pos', 'create', { groupId: 'g2' });

describe('concord-process → POS', () => {
  it('sends the pickup instruction of a store group', () =>
    pact
      .addInteraction()
      .given(POS_STATES.knowsS1)
      .uponReceiving('a pickup instruction for store S1')
      .withRequest('POST', '/system/pos/v1/pickups', (b) => b.headers(auth).jsonBody(pickup(fromProviderState('${externalRef}', `${ORDER}:g2`), fromProviderState('${orderId}', ORDER))))
      .willRespondWith(201, (b) => b.jsonBody({ id: regex(/^PU-[0-9]{6,12}$/, PICKUP) }))
      .executeTest(async (server) => {
        expect(await performJob(createJob, storedOrder(ORDER), clients(server.url), 'pact-pos', NOW_MS)).toEqual({ kind: 'ok', externalRef: PICKUP });
      }));

  it('retries a pickup instruction after Retry-After while the POS is down (503)', () =>
    pact
      .addInteraction()
      .given(POS_STATES.unavailable)
      .uponReceiving('a pickup instruction while the POS is unavailable')
      .withRequest('POST', '/system/pos/v1/pickups', (b) => b.headers(auth).jsonBody(pickup()))
      .willRespondWith(503, (b) => b.headers({ ...PROBLEM_JSON, 'Retry-After': regex(/^[0-9]+$/, '5') }).jsonBody(problem(503, 'system-unavailable', 'POS is unavailable')))
      .executeTest(async (server) => {
        expect(await performJob(createJob, storedOrder(ORDER), clients(server.url), 'pact-pos', NOW_MS)).toEqual({ kind: 'transient', error: 'HTTP 503: POS is unavailable', throttled: false, retryAfterMs: 5000 });
      }));

  it('cancels the pickup of a cancelled order', () =>
    pact
      .addInteraction()
      .given(POS_STATES.pickupExists, stateParams({ pickup: pickup() }))
      .uponReceiving('a cancellation of a pickup')
      .withRequest('POST', fromProviderState('/system/pos/v1/pickups/${pickupId}/cancel', `/system/pos/v1/pickups/${PICKUP}/cancel`), (b) =>
        b.headers(auth).jsonBody({ reason: 'order cancelled in Concord' }),
      )
      .willRespondWith(200, (b) => b.jsonBody({ id: fromProviderState('${pickupId}', PICKUP), status: 'cancelled' }))
      .executeTest(async (server) => {
        const outcome = await performJob(syncJob(ORDER, 'pos', 'cancel', { createdRef: PICKUP }), storedOrder(ORDER), clients(server.url), 'pact-pos', NOW_MS);
        expect(outcome).toEqual({ kind: 'ok', externalRef: PICKUP });
      }));

  it('tracks the status of a pickup', () =>
    pact
      .addInteraction()
      .given(POS_STATES.pickupExists, stateParams({ pickup: pickup() }))
      .uponReceiving('a request for a pickup')
      .withRequest('GET', fromProviderState('/system/pos/v1/pickups/${pickupId}', `/system/pos/v1/pickups/${PICKUP}`), (b) => b.headers(auth))
      .willRespondWith(200, (b) =>
        b.jsonBody({ id: fromProviderState('${pickupId}', PICKUP), status: regex(/^(pending|ready|collected|cancelled)$/, 'pending'), lines: eachLike({ lineId: '2', quantity: integer(2) }) }),
      )
      .executeTest(async (server) => {
        expect(await pickupReport(clients(server.url), PICKUP, new Date(NOW_MS))).toEqual({ shipments: [] });
      }));

  it('reads the store sales', () =>
    pact
      .addInteraction()
      .given(POS_STATES.salesRecorded)
      .uponReceiving('a request for the newest store sales')
      .withRequest('GET', '/system/pos/v1/store-sales', (b) => b.headers(auth).query({ limit: '100' }))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          items: eachLike({
            id: regex(/^SS-[0-9]{6,12}$/, 'SS-000101'),
            storeId: regex(/^[A-Z0-9][A-Z0-9-]{0,31}$/, 'S1'),
            lines: eachLike({ sku: sku(), quantity: integer(1) }),
            sourceSequence: integer(101),
            occurredAt: timestamp('2026-11-21T09:12:00Z'),
          }),
        }),
      )
      .executeTest(async (server) => {
        const feed = systemFeeds(clients(server.url)).find((f) => f.name === 'pos.store-sales')!;
        const page = await feed.page(undefined, 'pact-pos');
        expect(page.docs[0]).toMatchObject({ no: 101, updates: [{ sku: 'SKU-0002', locationId: 'S1', source: 'pos', sourceSequence: 101, reason: 'sale', delta: -1 }] });
      }));

  it('reads the stock counts', () =>
    pact
      .addInteraction()
      .given(POS_STATES.countsRecorded)
      .uponReceiving('a request for the newest stock counts')
      .withRequest('GET', '/system/pos/v1/stock-counts', (b) => b.headers(auth).query({ limit: '100' }))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          items: eachLike({
            id: regex(/^CNT-[0-9]{6,12}$/, 'CNT-000012'),
            storeId: regex(/^[A-Z0-9][A-Z0-9-]{0,31}$/, 'S3'),
            counts: eachLike({ sku: sku(), counted: integer(9) }),
            sourceSequence: integer(57),
            occurredAt: timestamp('2026-11-21T07:45:00Z'),
          }),
        }),
      )
      .executeTest(async (server) => {
        const feed = systemFeeds(clients(server.url)).find((f) => f.name === 'pos.stock-counts')!;
        const page = await feed.page(undefined, 'pact-pos');
        expect(page.docs[0]).toMatchObject({ no: 12, updates: [{ sku: 'SKU-0002', locationId: 'S3', source: 'pos', sourceSequence: 57, reason: 'cycle_count', count: 9 }] });
      }));
});

import { MatchersV3 } from '@pact-foundation/pact';
import { createWmsV1Client } from '../../../generated/clients/system/wms.v1';
import { systemFeeds } from '../../../process-apis/availability/ingest/feeds';
import type { SystemClients } from '../../../process-apis/orders/sync/downstream';
import { performJob as performOrderJob } from '../../../process-apis/orders/sync/downstream';
import { readFulfilmentOrderStatus, readShipments } from '../../../process-apis/orders/sync/fulfilment-tracker';
import { performJob as performReturnJob } from '../../../process-apis/returns/downstream';
import { authHeaders, authorization } from '../../support/bearer';
import { consumerPact, stateParams } from '../../support/consumer-pact';
import { PROCESS_CONSUMER } from '../../support/names';
import { PROBLEM_JSON, problem, timestamp } from '../../support/shapes';
import { WMS_STATES } from '../../support/system-states';
import { NOW_MS, returnJob, storedOrder, storedReturn, syncJob } from './fixtures';

const { eachLike, fromProviderState, integer, regex } = MatchersV3;

// Concord's process APIs as the consumer of wms.v1: the order sync worker (fulfilment orders), the fulfilment
// tracker (status and shipments), the returns worker (return receipts) and the inventory feed, each through its
// own code and the generated client.
const { pact, checkAgainstRecord } = consumerPact(PROCESS_CONSUMER, 'wms');
afterAll(() => checkAgainstRecord());

const ORDER = 'ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3';
const RETURN = 'ret_01JD3QB1M2N3P4Q5R6S7T8V9W0';
const FO = 'FO-000077';
const auth = { Authorization: authorization };
const clients = (url: string) => ({ wms: createWmsV1Client({ baseUrl: url, headers: authHeaders }) }) as SystemClients;

/** The fulfilment order the order sync worker sends for group g1 of `storedOrder`. */
const fulfilmentOrder = (externalRef: unknown = `${ORDER}:g1`, orderId: unknown = ORDER) => ({
  externalRef,
  orderId,
  nodeId: 'DC1',
  lines: [{ lineId: '1', sku: 'SKU-0001', quantity: 1 }],
  shipTo: { name: 'Ada Lovelace', line1: '12 Market Street', city: 'Leeds', postalCode: 'LS1 6DT', country: 'GB' },
});
const createJob = syncJob(ORDER, 'wms', 'create', { groupId: 'g1' });

describe('concord-process → WMS', () => {
  it('sends the fulfilment order of a DC group', () =>
    pact
      .addInteraction()
      .given(WMS_STATES.knowsDc1)
      .uponReceiving('a fulfilment order for DC1')
      .withRequest('POST', '/system/wms/v1/fulfilment-orders', (b) => b.headers(auth).jsonBody(fulfilmentOrder(fromProviderState('${externalRef}', `${ORDER}:g1`), fromProviderState('${orderId}', ORDER))))
      .willRespondWith(201, (b) => b.jsonBody({ id: regex(/^FO-[0-9]{6,12}$/, FO) }))
      .executeTest(async (server) => {
        expect(await performOrderJob(createJob, storedOrder(ORDER), clients(server.url), 'pact-wms', NOW_MS)).toEqual({ kind: 'ok', externalRef: FO });
      }));

  it('retries a fulfilment order after Retry-After while WMS is down (503)', () =>
    pact
      .addInteraction()
      .given(WMS_STATES.unavailable)
      .uponReceiving('a fulfilment order while WMS is unavailable')
      .withRequest('POST', '/system/wms/v1/fulfilment-orders', (b) => b.headers(auth).jsonBody(fulfilmentOrder()))
      .willRespondWith(503, (b) => b.headers({ ...PROBLEM_JSON, 'Retry-After': regex(/^[0-9]+$/, '5') }).jsonBody(problem(503, 'system-unavailable', 'WMS is unavailable')))
      .executeTest(async (server) => {
        expect(await performOrderJob(createJob, storedOrder(ORDER), clients(server.url), 'pact-wms', NOW_MS)).toEqual({ kind: 'transient', error: 'HTTP 503: WMS is unavailable', throttled: false, retryAfterMs: 5000 });
      }));

  it('cancels the fulfilment order of a cancelled order', () =>
    pact
      .addInteraction()
      .given(WMS_STATES.fulfilmentOrderExists, stateParams({ fulfilmentOrder: fulfilmentOrder() }))
      .uponReceiving('a cancellation of a fulfilment order')
      .withRequest('POST', fromProviderState('/system/wms/v1/fulfilment-orders/${fulfilmentOrderId}/cancel', `/system/wms/v1/fulfilment-orders/${FO}/cancel`), (b) =>
        b.headers(auth).jsonBody({ reason: 'order cancelled in Concord' }),
      )
      .willRespondWith(200, (b) => b.jsonBody({ id: fromProviderState('${fulfilmentOrderId}', FO), status: 'cancelled' }))
      .executeTest(async (server) => {
        const outcome = await performOrderJob(syncJob(ORDER, 'wms', 'cancel', { createdRef: FO }), storedOrder(ORDER), clients(server.url), 'pact-wms', NOW_MS);
        expect(outcome).toEqual({ kind: 'ok', externalRef: FO });
      }));

  it('tracks the status of a fulfilment order', () =>
    pact
      .addInteraction()
      .given(WMS_STATES.fulfilmentOrderExists, stateParams({ fulfilmentOrder: fulfilmentOrder() }))
      .uponReceiving('a request for a fulfilment order')
      .withRequest('GET', fromProviderState('/system/wms/v1/fulfilment-orders/${fulfilmentOrderId}', `/system/wms/v1/fulfilment-orders/${FO}`), (b) => b.headers(auth))
      .willRespondWith(200, (b) => b.jsonBody({ id: fromProviderState('${fulfilmentOrderId}', FO), status: regex(/^(created|released|partially_shipped|shipped|cancelled)$/, 'created') }))
      .executeTest(async (server) => {
        expect(await readFulfilmentOrderStatus(clients(server.url), FO)).toEqual({});
      }));

  it('reads the shipments of a fulfilment order (none yet)', () =>
    pact
      .addInteraction()
      .given(WMS_STATES.fulfilmentOrderExists, stateParams({ fulfilmentOrder: fulfilmentOrder() }))
      .uponReceiving('a request for the shipments of a fulfilment order not shipped yet')
      .withRequest('GET', '/system/wms/v1/shipment-confirmations', (b) =>
        b.headers(auth).query({ fulfilmentOrderId: fromProviderState('${fulfilmentOrderId}', FO), limit: '100' }),
      )
      .willRespondWith(200, (b) => b.jsonBody({ items: [] }))
      .executeTest(async (server) => {
        expect(await readShipments(clients(server.url), FO)).toEqual([]);
      }));

  it('sends the receipt of a returned unit, under an Idempotency-Key per return and DC', () =>
    pact
      .addInteraction()
      .given(WMS_STATES.expectsReturn)
      .uponReceiving('a return receipt at DC1')
      .withRequest('POST', '/system/wms/v1/return-receipts', (b) =>
        b
          .headers({ ...auth, 'Idempotency-Key': fromProviderState('${returnId}:DC1:receipt', `${RETURN}:DC1:receipt`) })
          .jsonBody({
            returnId: fromProviderState('${returnId}', RETURN),
            locationId: 'DC1',
            lines: [{ returnLineId: '1', sku: 'SKU-0002', quantity: 1, condition: 'damaged' }],
            receivedAt: '2026-11-28T14:01:00Z',
          }),
      )
      .willRespondWith(201, (b) => b.jsonBody({ id: regex(/^RR-[0-9]{6,12}$/, 'RR-000031') }))
      .executeTest(async (server) => {
        expect(await performReturnJob(returnJob(RETURN, 'return_receipt'), storedReturn(RETURN, ORDER), clients(server.url), NOW_MS)).toEqual({ kind: 'ok', externalRef: 'RR-000031' });
      }));

  it('reads the inventory movements booked in WMS', () =>
    pact
      .addInteraction()
      .given(WMS_STATES.movementsBooked)
      .uponReceiving('a request for the newest inventory movements')
      .withRequest('GET', '/system/wms/v1/inventory-movements', (b) => b.headers(auth).query({ limit: '100' }))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          items: eachLike({
            id: regex(/^IM-[0-9]{6,12}$/, 'IM-000311'),
            type: regex(/^(receipt|transfer_in|transfer_out|cycle_count|adjustment|damage|qc_hold|qc_release)$/, 'cycle_count'),
            sku: regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/, 'SKU-0002'),
            locationId: regex(/^[A-Z0-9][A-Z0-9-]{0,31}$/, 'DC1'),
            quantity: integer(51),
            source: 'wms',
            sourceSequence: integer(88),
            occurredAt: timestamp('2026-11-21T06:30:00Z'),
          }),
        }),
      )
      .executeTest(async (server) => {
        const feed = systemFeeds(clients(server.url)).find((f) => f.name === 'wms.inventory-movements')!;
        const page = await feed.page(undefined, 'pact-wms');
        expect(page.docs[0]).toMatchObject({ no: 311, updates: [{ sku: 'SKU-0002', locationId: 'DC1', source: 'wms', sourceSequence: 88, reason: 'cycle_count', count: 51 }] });
      }));
});

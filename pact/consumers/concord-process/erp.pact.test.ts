import { MatchersV3 } from '@pact-foundation/pact';
import { createErpV1Client } from '../../../generated/clients/system/erp.v1';
import type { components } from '../../../generated/types/system/erp.v1';
import { systemFeeds } from '../../../process-apis/availability/ingest/feeds';
import type { SystemClients } from '../../../process-apis/orders/sync/downstream';
import { performJob as performOrderJob } from '../../../process-apis/orders/sync/downstream';
import { readItems, readLocations } from '../../../process-apis/reference-data/sync';
import { performJob as performReturnJob } from '../../../process-apis/returns/downstream';
import { authHeaders, authorization } from '../../support/bearer';
import { consumerPact, stateParams } from '../../support/consumer-pact';
import { PROCESS_CONSUMER } from '../../support/names';
import { PROBLEM_JSON, money, problem, timestamp } from '../../support/shapes';
import { ERP_STATES } from '../../support/system-states';
import { NOW_MS, returnJob, storedOrder, storedReturn, syncJob } from './fixtures';

const { boolean, eachLike, fromProviderState, integer, regex, string } = MatchersV3;

// Concord's process APIs as the consumer of erp.v1: the reference-data copy, the order sync worker, the returns
// worker and the inventory feed, each through its own code path and the generated client. Every request below is
// made by that code; the pact states what it sends and what it reads of the answer, including the failures the
// workers tell apart (503/429 retry after Retry-After; 409/422 park the job as a sync exception).
const { pact, checkAgainstRecord } = consumerPact(PROCESS_CONSUMER, 'erp');
afterAll(() => checkAgainstRecord());

type CreateSalesOrder = components['schemas']['CreateSalesOrderRequest'];
const ORDER = 'ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3';
const RETURN = 'ret_01JD3QB1M2N3P4Q5R6S7T8V9W0';
const SALES_ORDER = 'SO-000042';
const salesOrderId = (example = SALES_ORDER) => regex(/^SO-[0-9]{6,12}$/, example);
const retryAfter = (seconds: string) => ({ 'Retry-After': regex(/^[0-9]+$/, seconds) });

// The process APIs call the systems as Concord's service identity (platform/server/platform-services.ts).
const clients = (url: string) => ({ erp: createErpV1Client({ baseUrl: url, headers: authHeaders }) }) as SystemClients;

/** The sales order the order sync worker posts for `storedOrder(id)`. */
function salesOrderRequest(id: string, sku2 = 'SKU-0002'): CreateSalesOrder {
  return {
    externalRef: id,
    channel: 'marketplace',
    channelOrderId: 'MKT-100234',
    customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
    currency: 'EUR',
    shippingAddress: { name: 'Ada Lovelace', line1: '12 Market Street', city: 'Leeds', postalCode: 'LS1 6DT', country: 'GB' },
    lines: [
      { lineNo: 1, orderLineId: '1', sku: 'SKU-0001', quantity: 1, unitPrice: { currency: 'EUR', amount: 1699 }, tax: { currency: 'EUR', amount: 340 } },
      { lineNo: 2, orderLineId: '2', sku: sku2, quantity: 2, unitPrice: { currency: 'EUR', amount: 2399 }, tax: { currency: 'EUR', amount: 960 } },
    ],
    shipping: { currency: 'EUR', amount: 0 },
    tenders: [{ type: 'marketplace', amount: { currency: 'EUR', amount: 7797 }, reference: 'MKT-PAY-100234' }],
  };
}

/** The request body with its externalRef taken from the provider state (a reference the ERP has never seen). */
const withStateRef = (body: CreateSalesOrder) => ({ ...body, externalRef: fromProviderState('${externalRef}', body.externalRef) });

const postSalesOrder = (url: string, order = storedOrder(ORDER)) => performOrderJob(syncJob(order.order.id, 'erp', 'create'), order, clients(url), 'pact-erp', NOW_MS);

describe('concord-process → ERP', () => {
  it('copies the item master with net prices and tax rates', () =>
    pact
      .addInteraction()
      .uponReceiving('a request for the item master')
      .withRequest('GET', '/system/erp/v1/items', (b) => b.headers({ Authorization: authorization }).query({ limit: '100' }))
      .willRespondWith(200, (b) =>
        b.jsonBody({ items: eachLike({ sku: regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/, 'SKU-0001'), name: string('T-shirt S #1'), price: money(1699), taxRateBp: integer(2000), active: boolean(true) }) }),
      )
      .executeTest(async (server) => {
        const items = await readItems(clients(server.url).erp);
        expect(items[0]).toEqual({ sku: 'SKU-0001', name: 'T-shirt S #1', currency: 'EUR', price: 1699, taxRateBp: 2000, active: true });
      }));

  it('copies the location master', () =>
    pact
      .addInteraction()
      .uponReceiving('a request for the location master')
      .withRequest('GET', '/system/erp/v1/locations', (b) => b.headers({ Authorization: authorization }).query({ limit: '100' }))
      .willRespondWith(200, (b) =>
        b.jsonBody({ items: eachLike({ id: regex(/^[A-Z0-9][A-Z0-9-]{0,31}$/, 'DC1'), name: string('Leeds distribution centre'), type: regex(/^(network|region|dc|store|dark_store|3pl)$/, 'dc') }) }),
      )
      .executeTest(async (server) => {
        const locations = await readLocations(clients(server.url).erp);
        expect(locations[0]).toMatchObject({ id: 'DC1', type: 'dc' });
      }));

  it('posts the sales order of an accepted order', () =>
    pact
      .addInteraction()
      .given(ERP_STATES.knowsSkus)
      .uponReceiving('a sales order for a new order')
      .withRequest('POST', '/system/erp/v1/sales-orders', (b) => b.headers({ Authorization: authorization }).jsonBody(withStateRef(salesOrderRequest(ORDER))))
      .willRespondWith(201, (b) => b.jsonBody({ id: salesOrderId() }))
      .executeTest(async (server) => {
        expect(await postSalesOrder(server.url)).toEqual({ kind: 'ok', externalRef: SALES_ORDER });
      }));

  it('posts a sales order again after a lost answer: the one already there comes back, nothing is created', () =>
    pact
      .addInteraction()
      .given(ERP_STATES.salesOrderPosted, stateParams({ salesOrder: salesOrderRequest(ORDER) }))
      .uponReceiving('a sales order whose externalRef was posted before')
      .withRequest('POST', '/system/erp/v1/sales-orders', (b) => b.headers({ Authorization: authorization }).jsonBody(withStateRef(salesOrderRequest(ORDER))))
      .willRespondWith(200, (b) => b.jsonBody({ id: fromProviderState('${salesOrderId}', SALES_ORDER), externalRef: fromProviderState('${externalRef}', ORDER) }))
      .executeTest(async (server) => {
        expect(await postSalesOrder(server.url)).toEqual({ kind: 'ok', externalRef: SALES_ORDER });
      }));

  it('parks a sales order with a SKU ERP does not know (422): a person has to look', () => {
    const order = storedOrder('ord_01JD3Q8ZC4N6W7Y8V9T0UNKSKU');
    order.order.lines[1]!.sku = 'SKU-9999';
    return pact
      .addInteraction()
      .uponReceiving('a sales order with a SKU that is not in the item master')
      .withRequest('POST', '/system/erp/v1/sales-orders', (b) => b.headers({ Authorization: authorization }).jsonBody(salesOrderRequest(order.order.id, 'SKU-9999')))
      .willRespondWith(422, (b) => b.headers(PROBLEM_JSON).jsonBody(problem(422, 'unknown-sku', 'Unknown SKU')))
      .executeTest(async (server) => {
        expect(await postSalesOrder(server.url, order)).toEqual({ kind: 'permanent', error: 'HTTP 422: Unknown SKU' });
      });
  });

  it('retries a sales order after Retry-After while ERP is down (503)', () =>
    pact
      .addInteraction()
      .given(ERP_STATES.unavailable)
      .uponReceiving('a sales order while ERP is unavailable')
      .withRequest('POST', '/system/erp/v1/sales-orders', (b) => b.headers({ Authorization: authorization }).jsonBody(salesOrderRequest(ORDER)))
      .willRespondWith(503, (b) => b.headers({ ...PROBLEM_JSON, ...retryAfter('5') }).jsonBody(problem(503, 'system-unavailable', 'ERP is unavailable')))
      .executeTest(async (server) => {
        expect(await postSalesOrder(server.url)).toEqual({ kind: 'transient', error: 'HTTP 503: ERP is unavailable', throttled: false, retryAfterMs: 5000 });
      }));

  it('backs off for Retry-After while ERP is throttling (429)', () =>
    pact
      .addInteraction()
      .given(ERP_STATES.throttling, { retryAfterSeconds: 30 })
      .uponReceiving('a sales order while ERP is throttling')
      .withRequest('POST', '/system/erp/v1/sales-orders', (b) => b.headers({ Authorization: authorization }).jsonBody(salesOrderRequest(ORDER)))
      .willRespondWith(429, (b) => b.headers({ ...PROBLEM_JSON, ...retryAfter('30') }).jsonBody(problem(429, 'system-throttled', 'ERP is throttling requests')))
      .executeTest(async (server) => {
        expect(await postSalesOrder(server.url)).toEqual({ kind: 'transient', error: 'HTTP 429: ERP is throttling requests', throttled: true, retryAfterMs: 30_000 });
      }));

  it('cancels the sales order of a cancelled order', () =>
    pact
      .addInteraction()
      .given(ERP_STATES.salesOrderPosted, stateParams({ salesOrder: salesOrderRequest(ORDER) }))
      .uponReceiving('a cancellation of an open sales order')
      .withRequest('POST', fromProviderState('/system/erp/v1/sales-orders/${salesOrderId}/cancel', `/system/erp/v1/sales-orders/${SALES_ORDER}/cancel`), (b) =>
        b.headers({ Authorization: authorization }).jsonBody({ reason: 'order cancelled in Concord' }),
      )
      .willRespondWith(200, (b) => b.jsonBody({ id: fromProviderState('${salesOrderId}', SALES_ORDER), status: 'cancelled' }))
      .executeTest(async (server) => {
        const outcome = await performOrderJob(syncJob(ORDER, 'erp', 'cancel', { createdRef: SALES_ORDER }), storedOrder(ORDER), clients(server.url), 'pact-erp', NOW_MS);
        expect(outcome).toEqual({ kind: 'ok', externalRef: SALES_ORDER });
      }));

  it('posts the credit memo of an approved refund', () =>
    pact
      .addInteraction()
      .given(ERP_STATES.salesOrderPosted, stateParams({ salesOrder: salesOrderRequest(ORDER) }))
      .uponReceiving('a credit memo for the refund of one returned unit')
      .withRequest('POST', '/system/erp/v1/credit-memos', (b) =>
        b.headers({ Authorization: authorization }).jsonBody({
          externalRef: fromProviderState('${returnId}', RETURN),
          orderExternalRef: fromProviderState('${externalRef}', ORDER),
          reason: 'defective',
          amount: { currency: 'EUR', amount: 2879 },
          taxReversed: { currency: 'EUR', amount: 480 },
          lines: [{ salesOrderLineNo: 2, sku: 'SKU-0002', quantity: 1, amount: { currency: 'EUR', amount: 2399 }, tax: { currency: 'EUR', amount: 480 } }],
          allocations: [{ tenderType: 'marketplace', amount: { currency: 'EUR', amount: 2879 }, reference: 'MKT-PAY-100234' }],
        }),
      )
      .willRespondWith(201, (b) => b.jsonBody({ id: regex(/^CM-[0-9]{6,12}$/, 'CM-000017'), externalRef: fromProviderState('${returnId}', RETURN), postedAt: timestamp() }))
      .executeTest(async (server) => {
        expect(await performReturnJob(returnJob(RETURN, 'credit_memo'), storedReturn(RETURN, ORDER), clients(server.url), NOW_MS)).toEqual({ kind: 'ok', externalRef: 'CM-000017' });
      }));

  it('parks a credit memo ERP refuses as more than is left to credit (409)', () =>
    pact
      .addInteraction()
      .given(ERP_STATES.salesOrderPosted, stateParams({ salesOrder: salesOrderRequest(ORDER) }))
      .uponReceiving('a credit memo for more than the sales order has left to credit')
      .withRequest('POST', '/system/erp/v1/credit-memos', (b) =>
        b.headers({ Authorization: authorization }).jsonBody({
          externalRef: fromProviderState('${returnId}', RETURN),
          orderExternalRef: fromProviderState('${externalRef}', ORDER),
          reason: 'defective',
          amount: { currency: 'EUR', amount: 11999 },
          taxReversed: { currency: 'EUR', amount: 2000 },
          lines: [{ salesOrderLineNo: 2, sku: 'SKU-0002', quantity: 1, amount: { currency: 'EUR', amount: 9999 }, tax: { currency: 'EUR', amount: 2000 } }],
          allocations: [{ tenderType: 'marketplace', amount: { currency: 'EUR', amount: 11999 }, reference: 'MKT-PAY-100234' }],
        }),
      )
      .willRespondWith(409, (b) => b.headers(PROBLEM_JSON).jsonBody(problem(409, 'conflict', 'Conflict with the resource state')))
      .executeTest(async (server) => {
        const outcome = await performReturnJob(returnJob(RETURN, 'credit_memo'), storedReturn(RETURN, ORDER, 9999), clients(server.url), NOW_MS);
        expect(outcome).toEqual({ kind: 'permanent', error: 'HTTP 409: Conflict with the resource state' });
      }));

  it('reads the inventory adjustments booked in ERP', () =>
    pact
      .addInteraction()
      .given(ERP_STATES.adjustmentsBooked)
      .uponReceiving('a request for the newest inventory adjustments')
      .withRequest('GET', '/system/erp/v1/inventory-adjustments', (b) => b.headers({ Authorization: authorization }).query({ limit: '100' }))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          items: eachLike({
            id: regex(/^IA-[0-9]{6,12}$/, 'IA-000007'),
            sku: regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/, 'SKU-0001'),
            locationId: regex(/^[A-Z0-9][A-Z0-9-]{0,31}$/, 'DC1'),
            delta: integer(-2),
            reason: regex(/^(correction|damage|shrinkage|found|write_off|other)$/, 'damage'),
            source: 'erp',
            sourceSequence: integer(7),
            bookedAt: timestamp(),
          }),
        }),
      )
      .executeTest(async (server) => {
        const feed = systemFeeds(clients(server.url)).find((f) => f.name === 'erp.inventory-adjustments')!;
        const page = await feed.page(undefined, 'pact-erp');
        expect(page.docs[0]).toMatchObject({ no: 7, updates: [{ sku: 'SKU-0001', locationId: 'DC1', source: 'erp', sourceSequence: 7, delta: -2 }] });
      }));
});

import { randomUUID } from 'node:crypto';
import type { StateFuncWithSetup, StateHandlers } from '@pact-foundation/pact/src/dsl/verifier/proxy/types';
import { ERP_STATES, POS_STATES, WMS_STATES } from '../support/system-states';
import type { SystemProvider } from '../support/names';
import type { Json, ProviderConcord } from './concord';

type Params = Record<string, Json> | undefined;

const fresh = (prefix: 'ord' | 'ret') => `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 26)}`;

/**
 * The concord-process pacts' provider states on Concord's own sandbox systems, set up through the gateway as the
 * admin app (system and sandbox scopes), as a retailer's state-change hook sets them up on its adapter. Faults are
 * the sandbox's own fault injection, cleared again on teardown.
 */
export function systemStateHandlers(concord: ProviderConcord, system: SystemProvider): StateHandlers {
  const call = async (method: string, path: string, body?: unknown, expect = [200, 201]): Promise<Json> => {
    const res = await concord.call('admin', method, path, body);
    if (!expect.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const fault = (mode: Record<string, unknown>): StateFuncWithSetup => ({
    setup: async () => {
      await call('PUT', `/system/${system}/v1/sandbox/faults`, mode);
      return undefined;
    },
    teardown: async () => {
      await call('PUT', `/system/${system}/v1/sandbox/faults`, { mode: 'none' });
      return undefined;
    },
  });
  const setup = (fn: (params: Params) => Promise<Record<string, Json> | undefined>): StateFuncWithSetup => ({ setup: (p) => fn(p as Params) });

  /**
   * A WMS or POS document executes one fulfilment group, referenced `<orderId>:<group>` (the systems check that the
   * reference names the order): one state hands out a group never seen, the other creates the document for one.
   */
  const groupStates = (names: { fresh: string; exists: string }, group: string, path: string, param: string, idName: string): StateHandlers => ({
    [names.fresh]: setup(async () => {
      const orderId = fresh('ord');
      return { orderId, externalRef: `${orderId}:${group}` };
    }),
    [names.exists]: setup(async (params) => {
      const orderId = fresh('ord');
      const doc = await call('POST', path, { ...params?.[param], orderId, externalRef: `${orderId}:${group}` });
      return { [idName]: doc.id };
    }),
  });

  if (system === 'erp') {
    return {
      [ERP_STATES.knowsSkus]: setup(async () => ({ externalRef: fresh('ord') })),
      [ERP_STATES.salesOrderPosted]: setup(async (params) => {
        const so = await call('POST', '/system/erp/v1/sales-orders', { ...params?.salesOrder, externalRef: fresh('ord') });
        return { externalRef: so.externalRef, salesOrderId: so.id, returnId: fresh('ret') };
      }),
      [ERP_STATES.adjustmentsBooked]: setup(async () => {
        await call('POST', '/system/erp/v1/inventory-adjustments', { sku: 'SKU-0001', locationId: 'DC1', delta: -1, reason: 'damage', source: 'erp', sourceSequence: Date.now() });
        return undefined;
      }),
      [ERP_STATES.unavailable]: fault({ mode: 'down' }),
      [ERP_STATES.throttling]: {
        ...fault({ mode: 'throttle' }),
        setup: async (params) => {
          await call('PUT', '/system/erp/v1/sandbox/faults', { mode: 'throttle', retryAfterSeconds: Number((params as Params)?.retryAfterSeconds ?? 30) });
          return undefined;
        },
      },
    };
  }
  if (system === 'wms') {
    return {
      ...groupStates({ fresh: WMS_STATES.knowsDc1, exists: WMS_STATES.fulfilmentOrderExists }, 'g1', '/system/wms/v1/fulfilment-orders', 'fulfilmentOrder', 'fulfilmentOrderId'),
      [WMS_STATES.expectsReturn]: setup(async () => ({ returnId: fresh('ret') })),
      [WMS_STATES.movementsBooked]: setup(async () => {
        await call('POST', '/system/wms/v1/inventory-movements', { type: 'cycle_count', sku: 'SKU-0002', locationId: 'DC1', quantity: 51, source: 'wms', sourceSequence: Date.now(), occurredAt: new Date().toISOString() }, [200, 201, 202]);
        return undefined;
      }),
      [WMS_STATES.unavailable]: fault({ mode: 'down' }),
    };
  }
  return {
    ...groupStates({ fresh: POS_STATES.knowsS1, exists: POS_STATES.pickupExists }, 'g2', '/system/pos/v1/pickups', 'pickup', 'pickupId'),
    [POS_STATES.salesRecorded]: setup(async () => {
      const sale = { storeId: 'S1', receiptId: `S1-R-${Date.now()}`, currency: 'EUR', lines: [{ sku: 'SKU-0003', quantity: 1, unitPrice: { currency: 'EUR', amount: 3099 }, tax: { currency: 'EUR', amount: 620 } }] };
      await call('POST', '/system/pos/v1/store-sales', { ...sale, tenders: [{ type: 'cash', amount: { currency: 'EUR', amount: 3719 } }], sourceSequence: Date.now(), occurredAt: new Date().toISOString() }, [200, 201, 202]);
      return undefined;
    }),
    [POS_STATES.countsRecorded]: setup(async () => {
      await call('POST', '/system/pos/v1/stock-counts', { storeId: 'S3', counts: [{ sku: 'SKU-0002', counted: 9 }], sourceSequence: Date.now(), occurredAt: new Date().toISOString() }, [200, 201, 202]);
      return undefined;
    }),
    [POS_STATES.unavailable]: fault({ mode: 'down' }),
  };
}

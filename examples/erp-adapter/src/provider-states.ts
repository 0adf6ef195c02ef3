import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ERP_STATES } from '../../../pact/support/system-states';
import type { Erp } from '../mapping/types';
import type { ErpOperations } from './operations';
import type { Answer } from './operations';
import type { ExtraRoute } from './server';

/**
 * The provider-state hook `concord pact verify --provider erp --state-change-url …/_pact/provider-states` calls
 * before (action `setup`) and after (`teardown`) each interaction that names a state: Pact's standard
 * `{state, params, action}` body. Setup answers a JSON object of values the interaction injects (e.g. the id of a
 * sales order it created). Off unless ERP_ADAPTER_PROVIDER_STATES=on: it changes data and injects faults, which
 * has no place in production.
 */
export interface VendorHooks {
  setFaults(faults: Record<string, unknown>): Promise<void>;
}

interface StateChange {
  state?: unknown;
  params?: Record<string, unknown>;
  action?: unknown;
}

export function providerStateRoute(ops: ErpOperations, vendor: VendorHooks): ExtraRoute {
  const postSalesOrder = async (params: Record<string, unknown> | undefined, externalRef: string): Promise<Erp['SalesOrder']> => {
    const order = params?.salesOrder as Erp['CreateSalesOrderRequest'] | undefined;
    if (!order) throw new Error("the state needs the parameter 'salesOrder'");
    const answer = await ops.createSalesOrder({ ...order, externalRef });
    if (answer.status >= 300) throw new Error(`posting the sales order for the state failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body as Erp['SalesOrder'];
  };
  const fresh = (prefix: 'ord' | 'ret') => `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 26)}`;
  // The states concord-process's erp pact names (pact/support/system-states.ts says what each promises).
  const setups: Record<string, (params: Record<string, unknown> | undefined) => Promise<Record<string, unknown>>> = {
    // The stub's master data is Concord's demo catalogue and network: SKUs and postings are there already.
    [ERP_STATES.knowsSkus]: async () => ({ externalRef: fresh('ord') }),
    [ERP_STATES.adjustmentsBooked]: async () => ({}),
    [ERP_STATES.salesOrderPosted]: async (params) => {
      const so = await postSalesOrder(params, fresh('ord'));
      return { externalRef: so.externalRef, salesOrderId: so.id, returnId: fresh('ret') };
    },
    [ERP_STATES.unavailable]: async () => {
      await vendor.setFaults({ mode: 'down' });
      return {};
    },
    [ERP_STATES.throttling]: async (params) => {
      await vendor.setFaults({ mode: 'throttle', waitMs: Number(params?.retryAfterSeconds ?? 30) * 1000 });
      return {};
    },
  };

  return async (req: IncomingMessage, url: URL): Promise<Answer | undefined> => {
    if (url.pathname !== '/_pact/provider-states' || req.method !== 'POST') return undefined;
    let change: StateChange;
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      change = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as StateChange;
    } catch {
      return { status: 400, body: { error: 'the state change is not JSON' } };
    }
    const state = String(change.state ?? '');
    // Teardown undoes faults whatever the state; data a setup created stays (each interaction uses its own ids).
    if (change.action === 'teardown') {
      await vendor.setFaults({ mode: 'none' });
      return { status: 200, body: {} };
    }
    const setup = setups[state];
    if (!setup) return { status: 400, body: { error: `unknown provider state '${state}'` } };
    try {
      return { status: 200, body: await setup(change.params) };
    } catch (err) {
      return { status: 500, body: { error: (err as Error).message } };
    }
  };
}

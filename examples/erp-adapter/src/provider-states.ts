import type { IncomingMessage } from 'node:http';
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
  invoice(vbeln: number): Promise<void>;
}

interface StateChange {
  state?: unknown;
  params?: Record<string, unknown>;
  action?: unknown;
}

export function providerStateRoute(ops: ErpOperations, vendor: VendorHooks): ExtraRoute {
  const postSalesOrder = async (params: Record<string, unknown> | undefined): Promise<Erp['SalesOrder']> => {
    const order = params?.salesOrder as Erp['CreateSalesOrderRequest'] | undefined;
    if (!order) throw new Error("the state needs the parameter 'salesOrder'");
    const answer = await ops.createSalesOrder(order);
    if (answer.status >= 300) throw new Error(`posting the sales order for the state failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body as Erp['SalesOrder'];
  };
  const setups: Record<string, (params: Record<string, unknown> | undefined) => Promise<Record<string, unknown>>> = {
    // The stub's master data is Concord's demo catalogue and network: these hold without doing anything.
    'ERP knows the SKUs SKU-0001 and SKU-0002': async () => ({}),
    'ERP has booked inventory adjustments': async () => ({}),
    'a sales order was posted for the order': async (params) => ({ salesOrderId: (await postSalesOrder(params)).id }),
    'an invoiced sales order exists for the order': async (params) => {
      const so = await postSalesOrder(params);
      await vendor.invoice(Number(so.id.slice(3)));
      return { salesOrderId: so.id };
    },
    'ERP is unavailable': async () => {
      await vendor.setFaults({ mode: 'down' });
      return {};
    },
    'ERP is throttling': async (params) => {
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

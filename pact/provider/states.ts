import type { StateFunc, StateHandlers } from '@pact-foundation/pact/src/dsl/verifier/proxy/types';
import type { AppCredentials, Json, ProviderConcord } from './concord';
import { authorizedReturn, createOrder, shippedWebOrder, webOrder } from './orders';

/** What the states of one consumer's pact work with: Concord, the consumer's own app, and another partner's app. */
export interface StateContext {
  concord: ProviderConcord;
  app: AppCredentials;
  otherPartner(): Promise<AppCredentials>;
}

type Params = Record<string, Json>;
const param = (params: unknown, name: string): Json => {
  const value = (params as Params | undefined)?.[name];
  if (value === undefined) throw new Error(`provider state parameter '${name}' is missing`);
  return value;
};

/**
 * The provider states every pact may name, each seeding what its interactions need through the gateway as the
 * consumer's app (or another partner's, for isolation). States that create something return its ids, which the
 * pacts inject with `fromProviderState` (e.g. `/v2/orders/${orderId}`). A state no handler knows fails the
 * interaction, so a consumer cannot lean on data that happens to be there.
 */
export function stateHandlers(ctx: StateContext): StateHandlers {
  const { concord, app } = ctx;
  const handlers: Record<string, StateFunc> = {
    'the demo catalogue and stock are loaded': async () => undefined,

    'a web order exists': async (params) => {
      const order = await createOrder(concord, app, webOrder(param(params, 'sourceOrderId')));
      return { orderId: order.id, sourceOrderId: order.source.orderId };
    },

    'an order exists': async (params) => {
      const order = await createOrder(concord, app, param(params, 'order'));
      return { orderId: order.id };
    },

    'an order was accepted under an Idempotency-Key': async (params) => {
      const order = await createOrder(concord, app, param(params, 'order'), param(params, 'idempotencyKey'));
      return { orderId: order.id };
    },

    'an order of another partner exists': async () => {
      const order = await createOrder(concord, await ctx.otherPartner(), webOrder(`OTHER-${Date.now()}`));
      return { orderId: order.id };
    },

    'a shipped web order exists': async (params) => {
      const order = await shippedWebOrder(concord, app, param(params, 'sourceOrderId'), (params as Params | undefined)?.sku ?? 'SKU-0004');
      return { orderId: order.id, orderLineId: order.lines[0].lineId };
    },

    'an authorized return exists': async (params) => {
      const order = await shippedWebOrder(concord, app, param(params, 'sourceOrderId'));
      const ret = await authorizedReturn(concord, app, order);
      return { orderId: order.id, returnId: ret.id };
    },
  };
  return Object.fromEntries(Object.entries(handlers).map(([name, fn]) => [name, { setup: fn }]));
}

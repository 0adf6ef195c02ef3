/**
 * Scenario 6 (../shared/SCENARIOS.md), buy online, return in store, defective item, walked through a running
 * Concord with the generated clients, printing each call and the stock of the returned SKU at store S3 after each
 * step. ERP is down when the refund is first tried; the credit memo still reaches it exactly once.
 *
 *   npm start                          # in one terminal
 *   npm run example:boris              # in another (--url, --data-dir as for the CLI)
 *
 * The channel calls use the sandbox partner app; the store's POS, the DC's WMS and the ERP checks use the admin app
 * (system scopes); both come from `<data dir>/credentials.json`.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createAvailabilityV1Client } from '../generated/clients/process/availability.v1';
import { createOrdersV2Client } from '../generated/clients/process/orders.v2';
import { createReturnsV1Client } from '../generated/clients/process/returns.v1';
import { createErpV1Client } from '../generated/clients/system/erp.v1';
import { createPosV1Client } from '../generated/clients/system/pos.v1';
import { createWmsV1Client } from '../generated/clients/system/wms.v1';
import type { components } from '../generated/types/process/availability.v1';

type Position = Pick<components['schemas']['InventoryPosition'], 'onHand' | 'reserved' | 'damaged' | 'qualityControl' | 'atp'>;
interface AppCredentials {
  client_id: string;
  client_secret: string;
}

export interface Step {
  step: string;
  calls: string[];
  stock: Position;
}

export interface WalkthroughOptions {
  url: string;
  admin: AppCredentials;
  channel: AppCredentials;
  /** Printed as the walkthrough goes; silent when left out. */
  print?: (line: string) => void;
  /** How long to wait for the background workers at each step. */
  timeoutMs?: number;
}

const SKU = 'SKU-0004';
const OTHER_SKU = 'SKU-0012';
const STORE = 'S3';
const EUR = (amount: number) => ({ currency: 'EUR', amount });

async function tokenFor(url: string, c: AppCredentials): Promise<string> {
  const res = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret }),
  });
  if (!res.ok) throw new Error(`token for ${c.client_id}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

const THROTTLE_RETRIES = 5;
const POLL_MS = 1000;

/**
 * A fetch that adds the bearer token and, on writes, an Idempotency-Key, and records each call. A 429 is waited
 * out as its Retry-After says and sent again with the same key, as a well-behaved client does (the sandbox plan
 * is small).
 */
function authorized(token: string, calls: string[]): typeof fetch {
  return async (input, init) => {
    const original = new Request(input, init);
    const headers = new Headers(original.headers);
    headers.set('authorization', `Bearer ${token}`);
    if (original.method !== 'GET' && !headers.has('idempotency-key')) headers.set('idempotency-key', randomUUID());
    const req = new Request(original, { headers });
    const u = new URL(req.url);
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(req.clone());
      if (res.status !== 429 || attempt === THROTTLE_RETRIES) {
        calls.push(`${req.method} ${u.pathname}${u.search} -> ${res.status}`);
        return res;
      }
      await res.body?.cancel();
      await sleep(1000 * Math.max(1, Number(res.headers.get('retry-after')) || 1));
    }
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function must<T>(what: string, r: { data?: T; error?: unknown; response: Response }): T {
  if (r.data === undefined) throw new Error(`${what}: ${r.response.status} ${JSON.stringify(r.error)}`);
  return r.data;
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

const fmt = (p: Position) => `onHand ${p.onHand}, reserved ${p.reserved}, qualityControl ${p.qualityControl}, damaged ${p.damaged}, ATP ${p.atp}`;

export async function runBorisWalkthrough(opts: WalkthroughOptions): Promise<Step[]> {
  const { url } = opts;
  const print = opts.print ?? (() => {});
  const timeoutMs = opts.timeoutMs ?? 60_000;
  // Every call of a step, printed with the step and emptied after it.
  const calls: string[] = [];
  const viaChannel = authorized(await tokenFor(url, opts.channel), calls);
  const viaAdmin = authorized(await tokenFor(url, opts.admin), calls);
  const orders = createOrdersV2Client({ baseUrl: url, fetch: viaChannel });
  const returns = createReturnsV1Client({ baseUrl: url, fetch: viaChannel });
  const availability = createAvailabilityV1Client({ baseUrl: url, fetch: viaChannel });
  const wms = createWmsV1Client({ baseUrl: url, fetch: viaAdmin });
  const erp = createErpV1Client({ baseUrl: url, fetch: viaAdmin });
  const pos = createPosV1Client({ baseUrl: url, fetch: viaAdmin });

  const stockAtStore = async (): Promise<Position> => {
    const r = must('availability', await availability.GET('/v1/availability', { params: { query: { sku: SKU, locationId: STORE } } }));
    const p = r.items[0]?.positions[0];
    return p ? { onHand: p.onHand, reserved: p.reserved, damaged: p.damaged, qualityControl: p.qualityControl, atp: p.atp } : { onHand: 0, reserved: 0, damaged: 0, qualityControl: 0, atp: 0 };
  };
  const steps: Step[] = [];
  const record = async (step: string) => {
    const made = calls.splice(0);
    const stock = await stockAtStore();
    calls.splice(0);
    steps.push({ step, calls: made, stock });
    print(`\n## ${steps.length}. ${step}`);
    for (const c of made) print(`   ${c}`);
    print(`   stock of ${SKU} at ${STORE}: ${fmt(stock)}`);
  };

  await record('Before: nothing has happened yet');

  // 1. Bought online: two items, a promotion, paid by gift card and credit card, shipped from a DC.
  const items = await Promise.all([SKU, OTHER_SKU].map(async (sku) => must('item', await erp.GET('/system/erp/v1/items/{sku}', { params: { path: { sku } } }))));
  const lines = items.map((item) => {
    const net = item.price.amount;
    return { sku: item.sku, quantity: 1, unitPrice: EUR(net), tax: EUR(Math.floor((net * item.taxRateBp * 2 + 10_000) / 20_000)), fulfilment: { method: 'ship' as const } };
  });
  const discount = 500;
  const total = lines.reduce((s, l) => s + l.unitPrice.amount + l.tax.amount, 0) - discount;
  const order = must(
    'order',
    await orders.POST('/v2/orders', {
      params: { header: { 'Idempotency-Key': randomUUID() } },
      body: {
        source: { channel: 'web', orderId: `WEB-BORIS-${randomUUID().slice(0, 8)}` },
        currency: 'EUR',
        customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
        shippingAddress: { name: 'Ada Lovelace', line1: '12 Corporation Street', city: 'Birmingham', postalCode: 'B4 6QB', country: 'GB' },
        lines,
        promotions: [{ code: 'WINTER5', discount: EUR(discount) }],
        tenders: [
          { type: 'gift_card', amount: EUR(3000), reference: 'GC-4410-0921' },
          { type: 'credit_card', amount: EUR(total - 3000), reference: 'PSP-55102233' },
        ],
      },
    }),
  );
  await until('the order to reach ERP and WMS', timeoutMs, async () => {
    const o = must('order', await orders.GET('/v2/orders/{orderId}', { params: { path: { orderId: order.id } } }));
    return o.sync.erp.status === 'synced' && o.sync.wms.status === 'synced' ? o : undefined;
  });
  await record(`Order ${order.id} placed online (gift card + credit card, promotion ${discount}), synced to ERP and WMS`);

  // 2. The DC picks, packs and ships; Concord's tracker sees the shipment.
  for (const group of order.fulfilmentGroups) {
    const fo = must('fulfilment order', await wms.GET('/system/wms/v1/fulfilment-orders', { params: { query: { externalRef: `${order.id}:${group.id}` } } })).items[0]!;
    must('release', await wms.POST('/system/wms/v1/fulfilment-orders/{fulfilmentOrderId}/release', { params: { path: { fulfilmentOrderId: fo.id } } }));
    must(
      'shipment',
      await wms.POST('/system/wms/v1/shipment-confirmations', {
        body: {
          fulfilmentOrderId: fo.id,
          shipmentId: `SH-${randomUUID().slice(0, 8)}`,
          carrier: 'DPD',
          trackingNumber: `15501${Date.now()}`,
          lines: order.lines.filter((l) => group.lineIds.includes(l.lineId)).map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.quantity })),
        },
      }),
    );
  }
  await until('the order to be shipped', timeoutMs, async () => {
    const o = must('order', await orders.GET('/v2/orders/{orderId}', { params: { path: { orderId: order.id } } }));
    return o.status === 'shipped' ? o : undefined;
  });
  await record('The DC shipped both items; the order is shipped');

  // 3. At store S3 the POS starts the return; it forwards it to Concord's returns API, which validates it against
  //    the order (shipped, not returned already, window open) and answers with its return.
  const line = order.lines.find((l) => l.sku === SKU)!;
  const started = must(
    'in-store return',
    await pos.POST('/system/pos/v1/returns', {
      body: { storeId: STORE, orderId: order.id, lines: [{ orderLineId: line.lineId, sku: SKU, quantity: 1, reason: 'defective' }], customerEmail: 'ada@example.com', note: 'Zip broken on first use' },
    }),
  );
  const ret = must('return', await returns.GET('/v1/returns/{returnId}', { params: { path: { returnId: started.concordReturnId! } } }));
  await record(`The POS at ${STORE} started ${started.posReturnId}, forwarded to Concord as ${ret.id}: ${ret.status}, refund estimate ${ret.refund?.total.amount} (pending)`);

  // 4. The store receives the item: on hand, but held in quality control, so never promised.
  must(
    'receive',
    await returns.POST('/v1/returns/{returnId}/receive', {
      params: { path: { returnId: ret.id }, header: { 'Idempotency-Key': randomUUID() } },
      body: { locationId: STORE, lines: [{ lineId: ret.lines[0]!.lineId, quantity: 1 }] },
    }),
  );
  await record(`${STORE} received the item: on hand, held in quality control, ATP unchanged`);

  // 5. ERP goes down; inspection finds the item defective: quarantine, never sellable.
  must('ERP down', await erp.PUT('/system/erp/v1/sandbox/faults', { body: { mode: 'down', retryAfterSeconds: 1 } }));
  const inspected = must(
    'inspect',
    await returns.POST('/v1/returns/{returnId}/inspect', {
      params: { path: { returnId: ret.id }, header: { 'Idempotency-Key': randomUUID() } },
      body: { lines: [{ lineId: ret.lines[0]!.lineId, condition: 'defective' }] },
    }),
  );
  const waiting = await until('the disposition', timeoutMs, async () => {
    const r = must('return', await returns.GET('/v1/returns/{returnId}', { params: { path: { returnId: ret.id } } }));
    return r.status === 'dispositioned' ? r : undefined;
  });
  await record(
    `Inspected ${inspected.lines[0]!.condition} -> ${inspected.lines[0]!.disposition}; dispositioned to damaged stock. ERP is down: refund ${waiting.refund?.status}, ` +
      `${waiting.refund?.total.amount} to ${waiting.refund?.allocations.map((a) => `${a.tenderType} ${a.amount.amount}`).join(', ')}`,
  );

  // 6. ERP is back: the worker posts the credit memo, once.
  must('ERP up', await erp.PUT('/system/erp/v1/sandbox/faults', { body: { mode: 'none', retryAfterSeconds: 1 } }));
  const closed = await until('the refund to be posted', timeoutMs * 2, async () => {
    const r = must('return', await returns.GET('/v1/returns/{returnId}', { params: { path: { returnId: ret.id } } }));
    return r.status === 'closed' ? r : undefined;
  });
  const memos = must('credit memos', await erp.GET('/system/erp/v1/credit-memos', { params: { query: { externalRef: ret.id, limit: 100 } } })).items;
  const history = must('order', await orders.GET('/v2/orders/{orderId}', { params: { path: { orderId: order.id } } }));
  await record(
    `ERP is back: ${memos.length} credit memo (${closed.refund?.erpCreditMemoId}), return ${closed.status}; the order shows returns ` +
      `${JSON.stringify(history.returnIds)} and ${history.lines.find((l) => l.sku === SKU)!.returnedQuantity} unit returned`,
  );
  return steps;
}

async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  if (argv.includes('--help')) {
    console.log('Usage: npm run example:boris -- [--url http://127.0.0.1:8080] [--data-dir .concord]\nWalks scenario 6 through a running Concord and prints the stock at S3 after each step.');
    return;
  }
  const url = arg('--url') ?? `http://127.0.0.1:${process.env.PORT ?? '8080'}`;
  const dataDir = resolve(arg('--data-dir') ?? process.env.CONCORD_DATA_DIR ?? join(__dirname, '..', '.concord'));
  const creds = JSON.parse(await readFile(join(dataDir, 'credentials.json'), 'utf8')) as { admin: AppCredentials; sandbox: AppCredentials };
  console.log(`Scenario 6, buy online, return in store, defective item, against ${url}`);
  await runBorisWalkthrough({ url, admin: creds.admin, channel: creds.sandbox, print: (l) => console.log(l) });
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}

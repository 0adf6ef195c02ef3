import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../../platform/config';
import { createLogger } from '../../../platform/logger';
import type { RunningPlatform } from '../../../platform/server/start';
import { startPlatform } from '../../../platform/server/start';
import { createTempDatabase } from '../../../platform/testing/services';
import { REPO_ROOT, makeTempDir } from '../../../platform/testing/temp-dir';
import { demoPrice } from '../../../system-apis/demo-data';
import { dropNamespace, testNamespace } from '../../../platform/events/testing/nats';

/** Where a harness runs: the embedded default, or PostgreSQL with NATS JetStream. */
export type Backend = 'embedded' | 'postgres+nats';

/** A parsed response body; tests read it loosely and assert its shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bodies are asserted field by field
type Json = any;

export interface Harness {
  platform: RunningPlatform;
  /** Moves the clock of order intake and its worker forward (backoffs, Retry-After, breakers). */
  advance(ms: number): void;
  /** Calls the gateway with a fresh token of `who` (the bootstrap's sandbox partner app or the admin app). */
  call(who: 'sandbox' | 'admin' | { client_id: string; client_secret: string }, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; body: Json }>;
  /** Runs the order worker and fulfilment tracker until a pass does nothing more (bounded). */
  settle(maxPasses?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A running Concord for order intake tests: real HTTP through the gateway with real tokens, with the background
 * worker and relay off so each test drives them, and a movable clock. Sandbox rate limits are lifted so
 * concurrency tests measure stock, not the plan.
 */
export async function startHarness(backend: Backend): Promise<Harness> {
  const dir = await makeTempDir();
  const pg = backend === 'postgres+nats' ? await createTempDatabase() : undefined;
  const natsUrl = process.env.CONCORD_TEST_NATS_URL ?? '';
  const namespace = testNamespace();
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  const config = loadConfig(
    {
      PORT: '0',
      CONCORD_DATA_DIR: dir.path,
      CONCORD_PLANS: '{"sandbox":{"ratePerSecond":100000,"burst":100000},"internal":{"ratePerSecond":100000,"burst":100000}}',
      CONCORD_RESPONSE_VALIDATION: 'enforce',
      ...(pg ? { DATABASE_URL: pg.url, NATS_URL: natsUrl, CONCORD_NATS_NAMESPACE: namespace } : {}),
    },
    { root: REPO_ROOT },
  );
  const platform = await startPlatform(config, createLogger({ level: 'silent' }), undefined, { background: false, now });
  const creds = platform.bootstrap!;
  const tokens = new Map<string, string>();
  const token = async (c: { client_id: string; client_secret: string }) => {
    const cached = tokens.get(c.client_id);
    if (cached) return cached;
    const res = await fetch(`${platform.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret }),
    });
    if (res.status !== 200) throw new Error(`token for ${c.client_id}: ${res.status}`);
    const t = ((await res.json()) as { access_token: string }).access_token;
    tokens.set(c.client_id, t);
    return t;
  };
  return {
    platform,
    advance: (ms) => {
      offset += ms;
    },
    async call(who, method, path, body, headers = {}) {
      const c = who === 'sandbox' ? creds.sandbox : who === 'admin' ? creds.admin : who;
      const unsafe = method !== 'GET';
      const res = await fetch(`${platform.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await token(c)}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(unsafe && !('Idempotency-Key' in headers) ? { 'Idempotency-Key': randomUUID() } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
    },
    async settle(maxPasses = 50) {
      for (let i = 0; i < maxPasses; i++) {
        const r = await platform.services.orders!.runOnce();
        if (r.attempted === 0 && r.tracked === 0) return;
      }
    },
    async close() {
      await platform.close();
      await pg?.drop();
      if (pg) await dropNamespace(natsUrl, namespace);
      await dir.remove();
    },
  };
}

/** A valid v2 order for the demo data: SKU-0001 picked up at S1 and 2 × SKU-0002 shipped. */
export function marketplaceOrder(orderId: string, overrides: Record<string, unknown> = {}) {
  return {
    source: { channel: 'marketplace', orderId, marketplace: 'zalando-de' },
    currency: 'EUR',
    customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
    shippingAddress: { name: 'Ada Lovelace', line1: '12 Market Street', city: 'Leeds', postalCode: 'LS1 6DT', country: 'GB' },
    lines: [
      { sku: 'SKU-0001', quantity: 1, unitPrice: { currency: 'EUR', amount: 1699 }, tax: { currency: 'EUR', amount: 340 }, fulfilment: { method: 'store_pickup', locationId: 'S1' } },
      { sku: 'SKU-0002', quantity: 2, unitPrice: { currency: 'EUR', amount: 2399 }, tax: { currency: 'EUR', amount: 960 }, fulfilment: { method: 'ship' } },
    ],
    tenders: [{ type: 'marketplace', amount: { currency: 'EUR', amount: 7797 } }],
    ...overrides,
  };
}

/** A one-line shipped web order of `quantity` × `sku` at its demo price, 20 % tax. */
export function shipOrder(orderId: string, sku: string, quantity: number) {
  const price = demoPrice(Number(sku.slice(4)));
  const tax = Math.floor((price * quantity * 2000 + 5000) / 10000);
  return {
    source: { channel: 'web', orderId },
    currency: 'EUR',
    customer: { name: 'Grace Hopper', email: 'grace@example.com' },
    shippingAddress: { name: 'Grace Hopper', line1: '5 New Street', city: 'Birmingham', postalCode: 'B2 4QA', country: 'GB' },
    lines: [{ sku, quantity, unitPrice: { currency: 'EUR', amount: price }, tax: { currency: 'EUR', amount: tax }, fulfilment: { method: 'ship' } }],
    tenders: [{ type: 'credit_card', amount: { currency: 'EUR', amount: price * quantity + tax } }],
  };
}

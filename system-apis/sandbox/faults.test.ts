import type { ErpV1Handlers } from '../../generated/handlers/system/erp.v1';
import { routes } from '../../generated/routes';
import type { CallerContext } from '../../platform/http/handler-types';
import { describeOnBothDatabases } from '../../platform/testing/databases';
import type { SystemName } from '../common/deps';
import { SYSTEMS } from '../common/deps';
import { createSandboxSystems, createSystemServices } from '../services';
import type { SandboxOperation } from './fault-endpoints';
import type { FaultConfig } from './faults';
import type { SandboxFixture } from '../test-support';
import { CALLER, assertContractResponse, contractClient, expectStatus, newOrderId, openSandbox } from '../test-support';

type AnyHandler = (req: never, caller: CallerContext) => Promise<{ status: number; body?: unknown; headers?: Readonly<Record<string, string>> }>;

const SANDBOX_OPS = new Set(['getSandboxFaults', 'setSandboxFaults']);
const operationsOf = (system: SystemName) => routes.filter((r) => r.api === system && r.version === 1).map((r) => r.operationId);

const eur = (amount: number) => ({ currency: 'EUR', amount });
const salesOrder = (externalRef: string) => ({
  externalRef,
  channel: 'web' as const,
  currency: 'EUR',
  customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
  lines: [{ lineNo: 1, sku: 'SKU-0001', quantity: 1, unitPrice: eur(1699) }],
});

describeOnBothDatabases('sandbox faults', (open) => {
  let f: SandboxFixture;
  beforeAll(async () => {
    f = await openSandbox(open);
  });
  afterAll(async () => f?.close());
  afterEach(async () => {
    for (const system of SYSTEMS) await f.systems[system].faults.set({ mode: 'none', retryAfterSeconds: 1 });
    f.randoms.length = 0;
    f.sleeps.length = 0;
  });

  const handlersOf = (system: SystemName) => f.systems[system].handlers as unknown as Record<string, AnyHandler>;
  /** Calls an operation with an empty request: a faulted one answers before anything reads it. */
  const callRaw = async (system: SystemName, op: string) => {
    const handler = handlersOf(system)[op];
    if (!handler) throw new Error(`${system} has no ${op}`);
    const res = await handler({ params: {}, query: {}, headers: {}, body: {} } as never, CALLER);
    assertContractResponse(system, op, res);
    return res;
  };
  /** The two sandbox endpoints of a system; their shapes are the same in all three contracts. */
  const sandbox = (system: SystemName) => contractClient(system, f.systems[system].handlers as Pick<ErpV1Handlers, SandboxOperation>);
  const setFault = async (system: SystemName, body: FaultConfig) => expectStatus(await sandbox(system).call('setSandboxFaults', { body }), 200).body;
  const countSalesOrders = async () => Number((await f.db.query<{ n: string }>('SELECT count(*) AS n FROM erp.sales_orders')).rows[0]?.n);

  it('serves every operation of the three contracts; none is faulted by default', async () => {
    for (const system of SYSTEMS) {
      expect(Object.keys(handlersOf(system)).sort()).toEqual(operationsOf(system).sort());
      expect(expectStatus(await sandbox(system).call('getSandboxFaults'), 200).body).toEqual({ mode: 'none', retryAfterSeconds: 1 });
    }
  });

  it('down: every other operation of that system answers 503 system-unavailable and changes nothing; the others run', async () => {
    expect(await setFault('erp', { mode: 'down', retryAfterSeconds: 1 })).toEqual({ mode: 'down', retryAfterSeconds: 1 });
    const before = await countSalesOrders();
    for (const op of operationsOf('erp').filter((o) => !SANDBOX_OPS.has(o))) {
      const res = await callRaw('erp', op);
      expect([op, res.status, res.headers]).toEqual([op, 503, { 'Retry-After': '5' }]);
      expect(res.body).toMatchObject({ type: 'https://concord.dev/problems/system-unavailable', title: 'ERP is unavailable', correlationId: 'corr-test' });
    }
    const faulted = await f.erp.call('createSalesOrder', { body: salesOrder(newOrderId()) });
    expect(faulted.status).toBe(503);
    expect(await countSalesOrders()).toBe(before);

    // The sandbox endpoints stay reachable, and the other systems are not affected.
    expect(expectStatus(await f.erp.call('getSandboxFaults'), 200).body.mode).toBe('down');
    expectStatus(await f.wms.call('listFulfilmentOrders'), 200);
    expectStatus(await f.pos.call('listPickups'), 200);

    await setFault('erp', { mode: 'none', retryAfterSeconds: 1 });
    expectStatus(await f.erp.call('createSalesOrder', { body: salesOrder(newOrderId()) }), 201);
    expect(await countSalesOrders()).toBe(before + 1);
  });

  it('throttle: every other operation answers 429 system-throttled with Retry-After from retryAfterSeconds', async () => {
    expect(await setFault('wms', { mode: 'throttle', retryAfterSeconds: 30 })).toEqual({ mode: 'throttle', retryAfterSeconds: 30 });
    for (const op of operationsOf('wms').filter((o) => !SANDBOX_OPS.has(o))) {
      const res = await callRaw('wms', op);
      expect([op, res.status, res.headers]).toEqual([op, 429, { 'Retry-After': '30' }]);
      expect(res.body).toMatchObject({ type: 'https://concord.dev/problems/system-throttled', title: 'WMS is throttling requests', detail: 'Retry after 30 seconds.' });
    }
    expectStatus(await f.wms.call('setSandboxFaults', { body: { mode: 'none', retryAfterSeconds: 1 } }), 200);
  });

  it('slow: answers normally after delayMs, through the injected sleep; the sandbox endpoints are not delayed', async () => {
    await setFault('pos', { mode: 'slow', delayMs: 2500, retryAfterSeconds: 1 });
    expect(f.sleeps).toEqual([]);
    const sale = {
      storeId: 'S2',
      receiptId: 'S2-R-1',
      lines: [{ sku: 'SKU-0003', quantity: 1, unitPrice: eur(3099) }],
      tenders: [{ type: 'debit_card' as const, amount: eur(3719) }],
      sourceSequence: 1,
      occurredAt: '2026-11-21T12:00:00Z',
    };
    expectStatus(await f.pos.call('createStoreSale', { body: sale }), 201);
    expectStatus(await f.pos.call('listStoreSales'), 200);
    expect(f.sleeps).toEqual([2500, 2500]);
    expectStatus(await f.pos.call('getSandboxFaults'), 200);
    expect(f.sleeps).toEqual([2500, 2500]);
  });

  it('flaky: fails the share of requests whose random draw is below failureRate, and a failed one changes nothing', async () => {
    await setFault('erp', { mode: 'flaky', failureRate: 0.25, retryAfterSeconds: 1 });
    f.randoms.push(0.1, 0.3, 0.2499, 0.25);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await f.erp.call('listItems', { query: { limit: 1 } })).status);
    expect(statuses).toEqual([503, 200, 503, 200]);

    const before = await countSalesOrders();
    const externalRef = newOrderId();
    f.randoms.push(0.01);
    const failed = expectStatus(await f.erp.call('createSalesOrder', { body: salesOrder(externalRef) }), 503);
    expect(failed.headers).toEqual({ 'Retry-After': '1' });
    expect(failed.body.detail).toBe('The sandbox ERP failed this request (flaky fault, failure rate 0.25). Nothing was changed.');
    expect(await countSalesOrders()).toBe(before);
    f.randoms.push(0.99);
    expectStatus(await f.erp.call('createSalesOrder', { body: salesOrder(externalRef) }), 201);
  });

  it('durationSeconds: the fault shows its time left, and resets to none by itself', async () => {
    expect(await setFault('erp', { mode: 'down', durationSeconds: 600, retryAfterSeconds: 1 })).toEqual({ mode: 'down', retryAfterSeconds: 1, durationSeconds: 600 });
    f.clock.advance(100_500);
    expect(expectStatus(await f.erp.call('getSandboxFaults'), 200).body).toEqual({ mode: 'down', retryAfterSeconds: 1, durationSeconds: 500 });
    expect((await f.erp.call('listItems')).headers).toEqual({ 'Retry-After': '500' });
    f.clock.advance(499_500);
    expect(expectStatus(await f.erp.call('getSandboxFaults'), 200).body).toEqual({ mode: 'none', retryAfterSeconds: 1 });
    expectStatus(await f.erp.call('listItems'), 200);
  });

  it('keeps only the fields of the mode set, and survives a restart: a new instance over the database applies it', async () => {
    expect(await setFault('pos', { mode: 'throttle', retryAfterSeconds: 7, delayMs: 100, failureRate: 0.5, durationSeconds: 60 })).toEqual({
      mode: 'throttle',
      retryAfterSeconds: 7,
      durationSeconds: 60,
    });
    f.clock.advance(20_000);
    const restarted = createSandboxSystems({ db: f.db, now: f.clock.now, random: () => 0, sleep: async () => {} });
    const pos = contractClient('pos', restarted.pos.handlers);
    expect(expectStatus(await pos.call('getSandboxFaults'), 200).body).toEqual({ mode: 'throttle', retryAfterSeconds: 7, durationSeconds: 40 });
    expect(expectStatus(await pos.call('listPickups'), 429).headers).toEqual({ 'Retry-After': '7' });
    const erp = contractClient('erp', restarted.erp.handlers);
    expectStatus(await erp.call('listItems'), 200);
  });

  it('applies concurrent settings one at a time, so memory and the stored row end on the same fault', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => f.systems.wms.faults.set({ mode: 'slow', delayMs: 100 * (i + 1), retryAfterSeconds: 1 })));
    const restarted = createSandboxSystems({ db: f.db, now: f.clock.now });
    expect(await restarted.wms.faults.current()).toEqual(await f.systems.wms.faults.current());
    expect(await f.systems.wms.faults.current()).toEqual({ mode: 'slow', delayMs: 800, retryAfterSeconds: 1 });
  });
});

describeOnBothDatabases('system services', (open) => {
  it('with the sandbox off, serves only the fault endpoints, answering 404 sandbox-disabled', async () => {
    const { db, cleanup } = await open();
    try {
      const services = createSystemServices({ db, sandbox: false });
      for (const system of SYSTEMS) {
        const served = services[`${system}.v1`] ?? {};
        expect(Object.keys(served).sort()).toEqual(['getSandboxFaults', 'setSandboxFaults']);
        for (const op of ['getSandboxFaults', 'setSandboxFaults'] as const) {
          const res = await served[op]?.({ params: {}, query: {}, headers: {}, body: { mode: 'down' } }, CALLER);
          if (!res) throw new Error(`${op} not served`);
          assertContractResponse(system, op, res);
          expect(res).toEqual({
            status: 404,
            body: expect.objectContaining({ type: 'https://concord.dev/problems/sandbox-disabled', title: 'Sandbox disabled', correlationId: 'corr-test' }),
          });
        }
      }
    } finally {
      await db.close();
      await cleanup();
    }
  });

  it('with the sandbox on, serves every operation of erp.v1, wms.v1 and pos.v1', async () => {
    const { db, cleanup } = await open();
    try {
      const services = createSystemServices({ db, sandbox: true });
      expect(Object.keys(services).sort()).toEqual(['erp.v1', 'pos.v1', 'wms.v1']);
      for (const system of SYSTEMS) expect(Object.keys(services[`${system}.v1`] ?? {}).sort()).toEqual(operationsOf(system).sort());
    } finally {
      await db.close();
      await cleanup();
    }
  });
});

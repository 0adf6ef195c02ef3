import * as erpBody from '../generated/validators/system/erp.v1.body';
import * as erpParams from '../generated/validators/system/erp.v1.params';
import * as erpResponses from '../generated/validators/system/erp.v1.responses';
import * as posBody from '../generated/validators/system/pos.v1.body';
import * as posParams from '../generated/validators/system/pos.v1.params';
import * as posResponses from '../generated/validators/system/pos.v1.responses';
import * as wmsBody from '../generated/validators/system/wms.v1.body';
import * as wmsParams from '../generated/validators/system/wms.v1.params';
import * as wmsResponses from '../generated/validators/system/wms.v1.responses';
import type { Database } from '../platform/db/database';
import { migrate } from '../platform/db/migrate';
import type { CallerContext } from '../platform/http/handler-types';
import type { OpenTestDatabase } from '../platform/testing/databases';
import type { SystemName } from './common/deps';
import { systemMigrations } from './migrations';
import type { ForwardInStoreReturn } from './pos/return-forwarding';
import { seedSandbox } from './seed';
import type { SandboxSystems } from './services';
import { createSandboxSystems } from './services';

/** Test-only helpers for the system APIs' suites. */

type Validator = ((data: unknown) => boolean) & { errors?: unknown };
type Validators = Record<string, Validator | undefined>;

const VALIDATORS: Record<SystemName, { params: Validators; body: Validators; responses: Validators }> = {
  erp: { params: erpParams as unknown as Validators, body: erpBody as unknown as Validators, responses: erpResponses as unknown as Validators },
  wms: { params: wmsParams as unknown as Validators, body: wmsBody as unknown as Validators, responses: wmsResponses as unknown as Validators },
  pos: { params: posParams as unknown as Validators, body: posBody as unknown as Validators, responses: posResponses as unknown as Validators },
};

export const CALLER: CallerContext = { correlationId: 'corr-test', clientId: 'app_admin', scopes: ['system:read', 'system:write', 'sandbox:admin'] };

type AnyHandler = (req: never, caller: CallerContext) => Promise<{ status: number; body?: unknown; headers?: Readonly<Record<string, string>> }>;
type Request<H extends AnyHandler> = Partial<Parameters<H>[0]>;

export interface ContractClient<T> {
  /**
   * Calls an operation as the gateway would: the request validated and coerced against the contract first, the
   * response checked against it after. Either failing throws, so a test can never pass on an off-contract answer.
   */
  call<K extends keyof T & string>(op: K, req?: T[K] extends AnyHandler ? Request<T[K]> : never, caller?: CallerContext): Promise<T[K] extends AnyHandler ? Awaited<ReturnType<T[K]>> : never>;
}

/** Throws unless `res` is an answer the contract declares for `op`, in status and body. */
export function assertContractResponse(system: SystemName, op: string, res: { status: number; body?: unknown }): void {
  const check = VALIDATORS[system].responses[`${op}_response_${res.status}`];
  if (!check) throw new Error(`${system} ${op}: status ${res.status} is not declared: ${JSON.stringify(res.body)}`);
  if (!check(res.body)) throw new Error(`${system} ${op} ${res.status}: response breaks the contract: ${JSON.stringify(check.errors)}`);
}

export function contractClient<T extends { [K in keyof T]: AnyHandler }>(system: SystemName, handlers: T): ContractClient<T> {
  const v = VALIDATORS[system];
  return {
    async call(op, req = {} as never, caller = CALLER) {
      const r = req as { params?: object; query?: object; headers?: object; body?: unknown };
      const params = { path: { ...(r.params ?? {}) }, query: { ...(r.query ?? {}) }, headers: { ...(r.headers ?? {}) } };
      const checkParams = v.params[`${op}_params`];
      if (!checkParams?.(params)) throw new Error(`${system} ${op}: request parameters break the contract: ${JSON.stringify(checkParams?.errors)}`);
      const checkBody = v.body[`${op}_body`];
      if (checkBody && !checkBody(r.body)) throw new Error(`${system} ${op}: request body breaks the contract: ${JSON.stringify(checkBody.errors)}`);
      const handler = handlers[op] as AnyHandler;
      const res = await handler({ params: params.path, query: params.query, headers: params.headers, body: r.body } as never, caller);
      assertContractResponse(system, op, res);
      return res as never;
    },
  };
}

/** The response if it has this status, typed as such; otherwise a failure that shows what came back instead. */
export function expectStatus<R extends { status: number; body?: unknown }, S extends R['status']>(res: R, status: S): Extract<R, { status: S }> {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body, null, 2)}`);
  return res as Extract<R, { status: S }>;
}

/** A clock that moves only when told. */
export function manualClock(start = '2026-11-21T10:00:00.000Z'): { now: () => Date; advance(ms: number): void } {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms) => void (t += ms) };
}

export interface SandboxFixture {
  db: Database;
  systems: SandboxSystems;
  erp: ContractClient<SandboxSystems['erp']['handlers']>;
  wms: ContractClient<SandboxSystems['wms']['handlers']>;
  pos: ContractClient<SandboxSystems['pos']['handlers']>;
  clock: ReturnType<typeof manualClock>;
  /** Values `random` hands out, in order; 0.5 once they run out. */
  randoms: number[];
  /** Every delay the `slow` fault asked for; nothing actually waits. */
  sleeps: number[];
  close(): Promise<void>;
}

/** A migrated, seeded database with the three systems over it, a manual clock, scripted randomness and no real sleeping. */
export async function openSandbox(open: OpenTestDatabase, opts: { forwardInStoreReturn?: ForwardInStoreReturn } = {}): Promise<SandboxFixture> {
  const { db, cleanup } = await open();
  await migrate(db, systemMigrations);
  await seedSandbox(db);
  const clock = manualClock();
  const randoms: number[] = [];
  const sleeps: number[] = [];
  const systems = createSandboxSystems({
    db,
    now: clock.now,
    random: () => randoms.shift() ?? 0.5,
    sleep: async (ms) => void sleeps.push(ms),
    ...opts,
  });
  return {
    db,
    systems,
    erp: contractClient('erp', systems.erp.handlers),
    wms: contractClient('wms', systems.wms.handlers),
    pos: contractClient('pos', systems.pos.handlers),
    clock,
    randoms,
    sleeps,
    close: async () => {
      await db.close();
      await cleanup();
    },
  };
}

let counter = 0;
/** A Concord order id no other test uses. */
export const newOrderId = (): string => `ord_TEST${String(++counter).padStart(6, '0')}${Date.now().toString(36).toUpperCase()}`;

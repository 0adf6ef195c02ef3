import { setTimeout as delay } from 'node:timers/promises';
import type { ServiceHandler } from '../gateway/upstream/in-process';
import { serveHandlers } from '../gateway/upstream/in-process';
import type { ErpV1Handlers } from '../generated/handlers/system/erp.v1';
import type { PosV1Handlers } from '../generated/handlers/system/pos.v1';
import type { WmsV1Handlers } from '../generated/handlers/system/wms.v1';
import type { Database } from '../platform/db/database';
import type { CallerContext } from '../platform/http/handler-types';
import type { SystemDeps, SystemName } from './common/deps';
import { docNo } from './common/document-ids';
import { transitionOpen } from './erp/sales-order-store';
import { createErpOperations } from './erp/service';
import type { ForwardInStoreReturn } from './pos/return-forwarding';
import { returnsNotConnected } from './pos/return-forwarding';
import { createPosOperations } from './pos/service';
import { disabledFaultEndpoints, faultEndpoints } from './sandbox/fault-endpoints';
import { withFaults } from './sandbox/fault-wrapper';
import type { FaultClock, FaultController } from './sandbox/faults';
import { createFaultController } from './sandbox/faults';
import { createWmsOperations } from './wms/service';

export interface SystemServiceOptions {
  db: Database;
  /** CONCORD_SANDBOX: false serves no sandbox system (see system-apis/README.md). */
  sandbox: boolean;
  /** The clock of every stored timestamp and of fault expiry. */
  now?: () => Date;
  /** How the `slow` fault waits. */
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1): decides which requests the `flaky` fault fails. */
  random?: () => number;
  /** How the sandbox POS reaches Concord's returns process API; without it in-store returns are recorded `pending`. */
  forwardInStoreReturn?: ForwardInStoreReturn;
}

/** The three sandbox systems, typed, for tests and for whatever drives their background work. */
export interface SandboxSystems {
  erp: {
    handlers: ErpV1Handlers;
    faults: FaultController;
    /** ERP's own step, which no API triggers: `open` → `invoiced`. False when the sales order is not open. */
    invoice(salesOrderId: string): Promise<boolean>;
  };
  wms: { handlers: WmsV1Handlers; faults: FaultController };
  pos: {
    handlers: PosV1Handlers;
    faults: FaultController;
    /** Forwards the in-store returns recorded `pending` to Concord again. */
    retryPendingReturns(caller: CallerContext): Promise<{ forwarded: number; pending: number }>;
  };
}

/** The gateway's in-process services for the system contracts. */
export type SystemServices = Partial<Record<'erp.v1' | 'wms.v1' | 'pos.v1', Partial<Record<string, ServiceHandler>>>>;

/**
 * Builds the sandbox ERP, WMS and POS over their schemas (`systemMigrations` must be applied). Synchronous: each
 * system reads its stored fault on its first request. Every business operation goes through the system's fault;
 * the sandbox endpoints never do.
 */
export function createSandboxSystems(opts: Omit<SystemServiceOptions, 'sandbox'>): SandboxSystems {
  const now = opts.now ?? (() => new Date());
  const clock: FaultClock = { now, sleep: opts.sleep ?? ((ms) => delay(ms)), random: opts.random ?? Math.random };
  const deps: SystemDeps = { db: opts.db, now };
  const faults = {
    erp: createFaultController(opts.db, 'erp', clock),
    wms: createFaultController(opts.db, 'wms', clock),
    pos: createFaultController(opts.db, 'pos', clock),
  };
  const pos = createPosOperations({ ...deps, forward: opts.forwardInStoreReturn ?? returnsNotConnected });
  return {
    erp: {
      handlers: { ...withFaults(createErpOperations(deps), faults.erp), ...faultEndpoints(faults.erp) },
      faults: faults.erp,
      async invoice(salesOrderId) {
        const no = docNo('SO', salesOrderId);
        return no !== undefined && transitionOpen(opts.db, no, 'invoiced', now());
      },
    },
    wms: { handlers: { ...withFaults(createWmsOperations(deps), faults.wms), ...faultEndpoints(faults.wms) }, faults: faults.wms },
    pos: {
      handlers: { ...withFaults(pos.operations, faults.pos), ...faultEndpoints(faults.pos) },
      faults: faults.pos,
      retryPendingReturns: (caller) => pos.returns.retryPending(caller),
    },
  };
}

/**
 * The systems as the gateway serves them in process. A system left out of `sandboxed` is served by a real system
 * (a catalogue upstream, `systems:` in concord.yaml): only its fault endpoints stay here, answering 404
 * `sandbox-disabled`.
 */
export function serveSystems(systems: SandboxSystems, sandboxed: readonly SystemName[] = ['erp', 'wms', 'pos']): SystemServices {
  const disabled = serveHandlers(disabledFaultEndpoints());
  const serve = (name: SystemName) => (sandboxed.includes(name) ? serveHandlers(systems[name].handlers) : disabled);
  return { 'erp.v1': serve('erp'), 'wms.v1': serve('wms'), 'pos.v1': serve('pos') };
}

/**
 * The in-process services for `erp.v1`, `wms.v1` and `pos.v1`. With the sandbox off only the fault endpoints are
 * served, answering 404 `sandbox-disabled` as the contracts declare; every other system operation is left to a
 * real adapter, and the gateway answers 501 until one is plugged in.
 */
export function createSystemServices(opts: SystemServiceOptions): SystemServices {
  if (opts.sandbox) return serveSystems(createSandboxSystems(opts));
  const disabled = serveHandlers(disabledFaultEndpoints());
  return { 'erp.v1': disabled, 'wms.v1': disabled, 'pos.v1': disabled };
}

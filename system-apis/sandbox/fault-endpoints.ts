import type { ErpV1Handlers } from '../../generated/handlers/system/erp.v1';
import type { PosV1Handlers } from '../../generated/handlers/system/pos.v1';
import type { WmsV1Handlers } from '../../generated/handlers/system/wms.v1';
import { problem } from '../../platform/server/problem';
import type { FaultController } from './faults';

/** The two sandbox operations every system contract has, with the same shapes in all three. */
export type SandboxOperation = 'getSandboxFaults' | 'setSandboxFaults';
export type SandboxFaultHandlers = Pick<ErpV1Handlers, SandboxOperation> & Pick<WmsV1Handlers, SandboxOperation> & Pick<PosV1Handlers, SandboxOperation>;

/** GET and PUT `/system/<system>/v1/sandbox/faults` over a system's fault controller. */
export function faultEndpoints(faults: FaultController): SandboxFaultHandlers {
  return {
    getSandboxFaults: async () => ({ status: 200, body: await faults.current() }),
    setSandboxFaults: async (req) => ({ status: 200, body: await faults.set(req.body) }),
  };
}

/** With the sandbox off there are no faults to read or set: 404 `sandbox-disabled`, as the contracts declare. */
export function disabledFaultEndpoints(): SandboxFaultHandlers {
  const disabled = async (_req: unknown, caller: { correlationId: string }) => ({
    status: 404 as const,
    body: problem('sandbox-disabled', 404, 'Sandbox disabled', {
      detail: 'Fault injection is only available when CONCORD_SANDBOX is enabled.',
      correlationId: caller.correlationId,
    }),
  });
  return { getSandboxFaults: disabled, setSandboxFaults: disabled };
}

import type { Config } from '../config';

const SYSTEMS: Readonly<Record<string, string>> = { erp: 'ERP', wms: 'WMS', pos: 'POS' };

/** Why a system operation has no handler: with the sandbox off nothing else stands in for ERP, WMS or POS yet. */
export function sandboxOffReason(config: Pick<Config, 'sandbox'>, upstream: string, operationId: string): string | undefined {
  const system = SYSTEMS[upstream];
  if (config.sandbox || !system) return undefined;
  return `No ${system} is connected: the sandbox systems are off (CONCORD_SANDBOX=false) and no ${system} upstream is configured, so nothing serves ${operationId}. Unset CONCORD_SANDBOX to use the sandbox ${system}.`;
}

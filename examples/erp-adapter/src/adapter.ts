import type { Erp } from '../mapping/types';
import { createExactlyOnce } from './exactly-once';
import { openKeyStore } from './key-store';
import { erpOperations } from './operations';
import type { ErpOperations } from './operations';
import { providerStateRoute } from './provider-states';
import { startAdapterServer } from './server';
import type { AdapterServer } from './server';
import { createVendorClient } from './vendor-client';

export interface AdapterConfig {
  /** The vendor ERP's base URL. */
  vendorUrl: string;
  /** Where the posting records live (postings.json). */
  dataDir: string;
  port?: number;
  host?: string;
  /** How long one vendor call may take before its outcome counts as unknown. */
  vendorTimeoutMs?: number;
  /** Serve the provider-state hook (/_pact/provider-states) for `concord pact verify`. Never in production. */
  providerStates?: boolean;
  /** A deliberate mapping bug (`drop-field`), to see provider verification fail. */
  brokenMapping?: 'drop-field';
  log?: (entry: Record<string, unknown>) => void;
}

export interface RunningAdapter extends AdapterServer {
  operations: ErpOperations;
}

const DEFAULT_VENDOR_TIMEOUT_MS = 5_000;

/** Reads the adapter's settings from the environment (README, "Configuration"). */
export function configFromEnv(env: NodeJS.ProcessEnv): AdapterConfig {
  const brokenMapping = env.ERP_ADAPTER_BREAK;
  if (brokenMapping !== undefined && brokenMapping !== 'drop-field') throw new Error(`ERP_ADAPTER_BREAK must be 'drop-field', not '${brokenMapping}'`);
  const timeout = env.ERP_ADAPTER_VENDOR_TIMEOUT_MS ? Number(env.ERP_ADAPTER_VENDOR_TIMEOUT_MS) : DEFAULT_VENDOR_TIMEOUT_MS;
  if (!Number.isInteger(timeout) || timeout < 1) throw new Error('ERP_ADAPTER_VENDOR_TIMEOUT_MS must be a positive integer');
  return {
    vendorUrl: env.ERP_ADAPTER_VENDOR_URL ?? 'http://127.0.0.1:7101',
    dataDir: env.ERP_ADAPTER_DATA_DIR ?? '.erp-adapter',
    port: Number(env.ERP_ADAPTER_PORT ?? 7102),
    host: env.ERP_ADAPTER_HOST ?? '127.0.0.1',
    vendorTimeoutMs: timeout,
    providerStates: env.ERP_ADAPTER_PROVIDER_STATES === 'on',
    ...(brokenMapping ? { brokenMapping } : {}),
  };
}

export async function startErpAdapter(config: AdapterConfig): Promise<RunningAdapter> {
  const timeoutMs = config.vendorTimeoutMs ?? DEFAULT_VENDOR_TIMEOUT_MS;
  const vendor = createVendorClient(config.vendorUrl, timeoutMs);
  const store = await openKeyStore(config.dataDir);
  // A create the vendor did not confirm may still be booked after our timeout fired; twice the timeout is how long
  // the adapter waits for it to show up before it posts again.
  const settleMs = 2 * timeoutMs;
  const once = createExactlyOnce(store, { settleMs });
  const operations = erpOperations({ vendor, once, retryAfterSeconds: Math.ceil(settleMs / 1000), ...(config.brokenMapping ? { brokenMapping: config.brokenMapping } : {}) });
  const stubHook = async (path: string, body: unknown) => {
    const res = await fetch(`${config.vendorUrl}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`vendor stub hook ${path}: ${res.status}`);
  };
  const server = await startAdapterServer(operations, {
    ...(config.port !== undefined ? { port: config.port } : {}),
    ...(config.host ? { host: config.host } : {}),
    ...(config.log ? { log: config.log } : {}),
    ...(config.providerStates
      ? { extra: providerStateRoute(operations, { setFaults: (f) => stubHook('/_stub/faults', f) }) }
      : {}),
  });
  return { ...server, operations };
}

export type { Erp };

/**
 * The example ERP adapter: erp.v1 on top of the Ledgerline vendor ERP stub.
 *   npm run example:erp-adapter          # starts the vendor stub and the adapter (README.md)
 * ERP_ADAPTER_VENDOR_URL set: only the adapter starts, in front of that vendor.
 */
import { configFromEnv, startErpAdapter } from './src/adapter';
import { parseFaults } from './vendor-stub/faults';
import { startVendorStub } from './vendor-stub/server';

async function main(): Promise<void> {
  const stub = process.env.ERP_ADAPTER_VENDOR_URL
    ? undefined
    : await startVendorStub({ port: Number(process.env.VENDOR_PORT ?? 7101), ...(process.env.VENDOR_FAULT ? { faults: parseFaults(process.env.VENDOR_FAULT) } : {}) });
  const config = { ...configFromEnv(process.env), ...(stub ? { vendorUrl: stub.url } : {}) };
  const adapter = await startErpAdapter({ ...config, log: (entry) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`) });
  if (stub) process.stderr.write(`Ledgerline ERP stub on ${stub.url}\n`);
  process.stderr.write(`erp.v1 adapter on ${adapter.url} (vendor ${config.vendorUrl}, data ${config.dataDir}${config.providerStates ? ', provider-state hook on' : ''}${config.brokenMapping ? `, BROKEN: ${config.brokenMapping}` : ''})\n`);
  const stop = () => void Promise.all([adapter.close(), stub?.close()]).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: Error) => {
  process.stderr.write(`erp adapter: ${err.message}\n`);
  process.exit(1);
});

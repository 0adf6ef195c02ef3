/**
 * Runs the vendor ERP stub on its own: `tsx examples/erp-adapter/vendor-stub/main.ts`.
 * VENDOR_PORT (default 7101); VENDOR_FAULT, e.g. `down` or `lose-response:1`, starts with a fault active.
 */
import { parseFaults } from './faults';
import { startVendorStub } from './server';

async function main(): Promise<void> {
  const stub = await startVendorStub({
    port: Number(process.env.VENDOR_PORT ?? 7101),
    ...(process.env.VENDOR_FAULT ? { faults: parseFaults(process.env.VENDOR_FAULT) } : {}),
  });
  process.stderr.write(`Ledgerline ERP stub listening on ${stub.url}\n`);
  const stop = () => void stub.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: Error) => {
  process.stderr.write(`vendor stub: ${err.message}\n`);
  process.exit(1);
});

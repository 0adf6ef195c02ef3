import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startErpAdapter } from './src/adapter';
import type { AdapterConfig, RunningAdapter } from './src/adapter';
import { startVendorStub } from './vendor-stub/server';
import type { VendorStub } from './vendor-stub/server';

export interface ExampleErp {
  /** The adapter's base URL: what a catalogue upstream for `systems.erp` points at. */
  url: string;
  adapter: RunningAdapter;
  /** The vendor behind it: fault injection and document counts (`salesDocsFor`) for assertions. */
  stub: VendorStub;
  close(): Promise<void>;
}

/**
 * The vendor stub and the adapter in front of it on ephemeral ports with a temp data dir, for tests: an end-to-end
 * test points Concord's ERP at `url` and counts the vendor's documents with `stub.salesDocsFor(orderId)`.
 */
export async function startExampleErp(config: Partial<Omit<AdapterConfig, 'vendorUrl'>> = {}): Promise<ExampleErp> {
  const stub = await startVendorStub();
  const dataDir = config.dataDir ?? (await mkdtemp(join(tmpdir(), 'erp-adapter-')));
  try {
    const adapter = await startErpAdapter({ port: 0, ...config, dataDir, vendorUrl: stub.url });
    return {
      url: adapter.url,
      adapter,
      stub,
      async close() {
        await adapter.close();
        await stub.close();
        if (!config.dataDir) await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stub.close();
    throw err;
  }
}

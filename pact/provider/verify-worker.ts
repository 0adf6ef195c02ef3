import type { SystemProvider } from '../support/names';
import { verifyPacts } from './verify';
import type { PactVerification } from './verify';
import { verifySystemPacts } from './verify-system';
import type { SystemVerification } from './verify-system';

/**
 * `concord pact verify` runs the verification in this child process because the Pact verifier (native code) prints
 * its report straight to the process's stdout, which would break `--json`. The parent owns the output: it gets
 * progress and the results over IPC, and the child's stdout only with --verbose.
 */

export type WorkerMessage = { progress: string } | { results: PactVerification[] } | { systemResults: SystemVerification[] } | { error: string };

export interface WorkerRequest {
  root: string;
  files: string[];
  /** Verify the concord-process pact of this system instead of the channel pacts. */
  system?: { provider: SystemProvider; providerUrl?: string; stateChangeUrl?: string };
}

const send = (message: WorkerMessage) => new Promise<void>((resolve) => process.send!(message, () => resolve()));

async function run(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '{}') as WorkerRequest;
  try {
    const progress = (msg: string) => void send({ progress: msg });
    if (request.system) {
      const { provider, providerUrl, stateChangeUrl } = request.system;
      const systemResults = await verifySystemPacts({ root: request.root, files: request.files, provider, progress, ...(providerUrl ? { providerUrl } : {}), ...(stateChangeUrl ? { stateChangeUrl } : {}) });
      await send({ systemResults });
    } else {
      await send({ results: await verifyPacts({ root: request.root, files: request.files, progress }) });
    }
  } catch (err) {
    await send({ error: err instanceof Error ? err.message : String(err) });
  }
}

if (require.main === module && process.send) {
  run().finally(() => process.disconnect());
}

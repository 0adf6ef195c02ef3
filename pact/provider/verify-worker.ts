import { verifyPacts } from './verify';
import type { PactVerification } from './verify';

/**
 * `concord pact verify` runs the verification in this child process because the Pact verifier (native code) prints
 * its report straight to the process's stdout, which would break `--json`. The parent owns the output: it gets
 * progress and the results over IPC, and the child's stdout only with --verbose.
 */

export type WorkerMessage = { progress: string } | { results: PactVerification[] } | { error: string };

export interface WorkerRequest {
  root: string;
  files: string[];
}

const send = (message: WorkerMessage) => new Promise<void>((resolve) => process.send!(message, () => resolve()));

async function run(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '{}') as WorkerRequest;
  try {
    const results = await verifyPacts({ root: request.root, files: request.files, progress: (msg) => void send({ progress: msg }) });
    await send({ results });
  } catch (err) {
    await send({ error: err instanceof Error ? err.message : String(err) });
  }
}

if (require.main === module && process.send) {
  run().finally(() => process.disconnect());
}

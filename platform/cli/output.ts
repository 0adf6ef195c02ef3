import { ContractLoadError } from '../../codegen/contracts/types';

/** How a command talks to the person or program running it. */
export interface Output {
  json: boolean;
  /** Human-readable progress on stderr; silent with --json so stdout stays parseable. */
  progress(msg: string): void;
  /** The command's result: `data` as JSON with --json, else the human text. */
  result(data: unknown, human: string): void;
}

export function createOutput(json: boolean, stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Output {
  return {
    json,
    progress: (msg) => {
      if (!json) stderr.write(`  ${msg}\n`);
    },
    result: (data, human) => {
      stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${human}\n`);
    },
  };
}

/** An error as the CLI reports it: problems listed with file and pointer, never a stack trace. */
export function reportError(err: unknown, json: boolean, stderr: NodeJS.WritableStream = process.stderr): void {
  if (err instanceof ContractLoadError) {
    stderr.write(
      json
        ? `${JSON.stringify({ error: 'contract-invalid', problems: err.problems }, null, 2)}\n`
        : `error: ${err.message}\n`,
    );
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  stderr.write(json ? `${JSON.stringify({ error: 'failed', message })}\n` : `error: ${message}\n`);
}

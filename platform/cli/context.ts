import type { Output } from './output';

/** What commands get from the CLI shell instead of reaching for process globals. */
export interface CommandContext {
  root: string;
  env: NodeJS.ProcessEnv;
  output(json: boolean): Output;
  setExitCode(code: number): void;
  /** Resolves on SIGINT or SIGTERM. */
  waitForShutdown(): Promise<void>;
}

import type { Output } from './output';

/** What commands get from the CLI shell instead of reaching for process globals. */
export interface CommandContext {
  root: string;
  env: NodeJS.ProcessEnv;
  output(json: boolean): Output;
  setExitCode(code: number): void;
  /** Aborted on SIGINT or SIGTERM; listened to from the moment the CLI starts, start-up included. */
  shutdown: AbortSignal;
}

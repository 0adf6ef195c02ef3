import { Command, CommanderError } from 'commander';
import { registerApps } from './commands/apps';
import { registerConfig } from './commands/config';
import { registerPartners } from './commands/partners';
import { registerContracts } from './commands/contracts';
import { registerEvents } from './commands/events';
import { registerGenerate } from './commands/generate';
import { registerOps } from './commands/ops';
import { registerPact } from './commands/pact';
import { registerPlans } from './commands/plans';
import { registerSandbox } from './commands/sandbox';
import { registerStart } from './commands/start';
import { PACKAGE_ROOT } from '../package-root';
import type { CommandContext } from './context';
import { createOutput, reportError } from './output';

/** Every command: adding one means writing its file and adding it here. */
const COMMANDS = [registerStart, registerGenerate, registerApps, registerPartners, registerPlans, registerEvents, registerOps, registerSandbox, registerPact, registerContracts, registerConfig];

export async function main(argv: readonly string[]): Promise<void> {
  const json = argv.includes('--json');
  const ctx: CommandContext = {
    root: PACKAGE_ROOT,
    env: process.env,
    output: (j) => createOutput(j),
    setExitCode: (code) => {
      process.exitCode = code;
    },
    shutdown: shutdownSignal(),
  };
  const program = new Command('concord')
    .description('Concord: contract-first API gateway and governance for omnichannel retail')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of COMMANDS) register(program, ctx);
  try {
    await program.parseAsync(argv as string[]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0 through here; usage errors were already printed by commander.
      process.exitCode = err.exitCode;
      return;
    }
    reportError(err, json);
    // Errors may say how bad they are: governance commands exit 2 for bad input, 1 for findings.
    const code = (err as { exitCode?: unknown }).exitCode;
    process.exitCode = typeof code === 'number' ? code : 1;
  }
}

/** One AbortSignal for SIGINT and SIGTERM. Once a handler is installed Node no longer exits on the signal by itself. */
function shutdownSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return controller.signal;
}

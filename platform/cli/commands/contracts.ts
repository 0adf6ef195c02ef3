import type { Command } from 'commander';
import type { CommandContext } from '../context';
import { registerContractsDiff } from './contracts-diff';
import { registerContractsLint } from './contracts-lint';
import { registerContractsReview } from './contracts-review';

/** `concord contracts …`: governance of the contracts themselves. */
export function registerContracts(program: Command, ctx: CommandContext): void {
  const contracts = program.command('contracts').description('Governance: lint contracts, diff them for breaking changes, review a pull request');
  registerContractsLint(contracts, ctx);
  registerContractsDiff(contracts, ctx);
  registerContractsReview(contracts, ctx);
}

import { relative, sep } from 'node:path';
import type { ContractSet } from '../../codegen/contracts';
import { loadContracts } from '../../codegen/contracts';
import type { CheckContext } from './context';
import { createCheckContext } from './context';
import { checkHttpInteraction } from './http-check';
import { checkMessageInteraction } from './message-check';
import type { PactInteraction, PactModel } from './pact-file';
import { readPactFile } from './pact-file';
import type { ConsumerImpact, ImpactReport, InteractionImpact } from './types';

function checkInteraction(ix: PactInteraction, ctx: CheckContext): InteractionImpact {
  switch (ix.kind) {
    case 'http':
      return checkHttpInteraction(ix, ctx);
    case 'message':
      return checkMessageInteraction(ix, ctx);
    default:
      return {
        description: ix.description,
        kind: 'message',
        problems: [{ message: `'${ix.type}' interactions cannot be checked offline; verify this pact against a running provider` }],
      };
  }
}

/** Checks parsed pacts against a loaded contract set. Every schema is compiled once for the whole run. */
export function checkPacts(set: ContractSet, pacts: readonly PactModel[]): ImpactReport {
  const ctx = createCheckContext(set);
  const consumers: ConsumerImpact[] = pacts.map((pact) => ({
    consumer: pact.consumer,
    provider: pact.provider,
    pactFile: pact.name,
    interactions: pact.interactions.map((ix) => checkInteraction(ix, ctx)),
  }));
  const all = consumers.flatMap((c) => c.interactions);
  return { consumers, broken: all.filter((i) => i.problems.length > 0).length, checked: all.length };
}

const repoRelative = (root: string, abs: string): string => relative(root, abs).split(sep).join('/');

/**
 * Consumer impact, offline: checks every interaction of every pact against the contracts under
 * `<contractsRoot>/contracts` (e.g. a git ref's tree in a temp dir). A contract set that does not load throws its
 * ContractLoadError; a pact file that is not JSON, not a pact, or too large throws a PactFileError naming it.
 */
export async function checkConsumerImpact(opts: { contractsRoot: string; pactFiles: string[]; root?: string }): Promise<ImpactReport> {
  const root = opts.root ?? process.cwd();
  // The pact files first: a bad one fails in milliseconds, before the contracts are parsed.
  const pacts = await Promise.all(opts.pactFiles.map((f) => readPactFile(f, repoRelative(root, f))));
  // Structure is lint's job (the review lints the same files); the model and its $refs are all this needs.
  return checkPacts(await loadContracts(opts.contractsRoot, { validate: false }), pacts);
}

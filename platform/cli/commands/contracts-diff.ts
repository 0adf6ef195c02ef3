import { resolve } from 'node:path';
import type { Command } from 'commander';
import type * as DiffEngine from '../../../governance/diff';
import type { DiffChange } from '../../../governance/diff';
import type * as DiffRender from '../../../governance/diff/render';
import type * as Revisions from '../../../governance/model/revisions';
import type { CommandContext } from '../context';
import { CliFailure } from '../admin-client';
import { governanceOptions, maxFileBytes, parseGovernanceOptions, severityOf } from './contracts-options';
import type { GovernanceOptions } from './contracts-options';

interface DiffOptions extends GovernanceOptions {
  base?: string;
  head?: string;
  json?: boolean;
  root?: string;
}

export function registerContractsDiff(contracts: Command, ctx: CommandContext): void {
  governanceOptions(
    contracts
      .command('diff')
      .description('Compare contracts and report what changed, direction-aware: what breaks clients is an error')
      .argument('[base-file]', 'the contract as it was')
      .argument('[revision-file]', 'the contract as revised')
      .option('--base <git-ref>', 'compare every contract changed since this commit')
      .option('--head <git-ref>', 'with --base: compare up to this commit (default: the working tree)')
      .option('--root <dir>', 'the git checkout holding contracts/ (default: this Concord checkout)')
      .option('--json', 'print { changes: [...] } as JSON'),
  )
    .addHelpText(
      'after',
      `
Examples:
  concord contracts diff contracts/openapi/process/orders.v1.yaml contracts/openapi/process/orders.v2.yaml
  concord contracts diff --base HEAD                 # your edits against the last commit
  concord contracts diff --base origin/main
  concord contracts diff --base v1.4.0 --head HEAD --json

Relative $refs resolve from each file's own folder: compare copies kept beside the originals, not in /tmp.

Exit status: 0 without errors, 1 with errors (a breaking change inside one major version, or a deprecation
policy violation), 2 for bad input. Rule ids are listed in governance/README.md.`,
    )
    .action(async (baseFile: string | undefined, revisionFile: string | undefined, opts: DiffOptions) => {
      // Loaded on use: the diff engine and its parsers are heavy, and `--help` and other commands need none of it.
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { diffFiles, diffTrees, policyOf } = require('../../../governance/diff') as typeof DiffEngine;
      const { countLevels, renderDiffText, sortChanges } = require('../../../governance/diff/render') as typeof DiffRender;
      const { openRevisions } = require('../../../governance/model/revisions') as typeof Revisions;
      /* eslint-enable @typescript-eslint/no-require-imports */
      const out = ctx.output(!!opts.json);
      const root = opts.base ? resolve(opts.root ?? ctx.root) : process.cwd();
      const severity = await severityOf(opts, root);
      const policy = { ...policyOf(parseGovernanceOptions(opts)), ...(severity ? { severity } : {}) };
      const maxBytes = maxFileBytes(opts);
      let changes: DiffChange[];
      if (opts.base) {
        if (baseFile || revisionFile) throw new CliFailure('give either two files or --base, not both');
        const revisions = await openRevisions(resolve(opts.root ?? ctx.root), opts.base, opts.head);
        try {
          out.progress(`comparing contracts: ${revisions.base.label} → ${revisions.head.label}`);
          changes = (await diffTrees(revisions.base.root, revisions.head.root, policy, { base: new Map(), head: new Map() }, maxBytes)).changes;
        } finally {
          await revisions.dispose();
        }
      } else {
        if (!baseFile || !revisionFile) throw new CliFailure('give two files (BASE_FILE REVISION_FILE) or --base <git-ref>; see --help');
        if (opts.head) throw new CliFailure('--head needs --base');
        changes = (await diffFiles(resolve(baseFile), resolve(revisionFile), { ...policy, root: process.cwd(), maxBytes })).changes;
      }
      const sorted = sortChanges(changes);
      out.result({ changes: sorted, summary: countLevels(sorted) }, renderDiffText(sorted));
      if (countLevels(sorted).errors > 0) ctx.setExitCode(1);
    });
}

import { readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type * as DiffEngine from '../../../governance/diff';
import type * as Impact from '../../../governance/impact';
import type * as Revisions from '../../../governance/model/revisions';
import type * as BuildReview from '../../../governance/review/build-review';
import type { ReviewReport } from '../../../governance/review/build-review';
import { renderReviewJson } from '../../../governance/review/format/json';
import { renderReviewMarkdown } from '../../../governance/review/format/markdown';
import { renderReviewSarif } from '../../../governance/review/format/sarif';
import { CliFailure } from '../admin-client';
import type { CommandContext } from '../context';
import { governanceOptions, maxFileBytes, parseGovernanceOptions, severityOf } from './contracts-options';
import type { GovernanceOptions } from './contracts-options';

const FORMATS = ['markdown', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

interface ReviewOptions extends GovernanceOptions {
  base?: string;
  head?: string;
  format?: string;
  output?: string;
  sarif?: string;
  pacts: string;
  json?: boolean;
  root?: string;
}

export function renderReview(report: ReviewReport, format: Format, version: string): string {
  if (format === 'json') return renderReviewJson(report);
  if (format === 'sarif') return renderReviewSarif(report, version);
  return renderReviewMarkdown(report);
}

export function registerContractsReview(contracts: Command, ctx: CommandContext): void {
  governanceOptions(
    contracts
      .command('review')
      .description('One report for a pull request: breaking changes, lint findings on what changed, consumers affected, changelog')
      .requiredOption('--base <git-ref>', 'the commit the pull request starts from, e.g. origin/main')
      .option('--head <git-ref>', 'the commit to review (default: the working tree)')
      .option('--format <format>', `report format: ${FORMATS.join(', ')}`, 'markdown')
      .option('--output <file>', 'write the report here instead of stdout')
      .option('--sarif <file>', 'also write the SARIF report to this file (for code scanning)')
      .option('--pacts <dir>', 'the consumer pacts to check', 'pact/pacts')
      .option('--root <dir>', 'the git checkout holding contracts/ (default: this Concord checkout)')
      .option('--json', 'same as --format json'),
  )
    .addHelpText(
      'after',
      `
Examples:
  concord contracts review --base origin/main
  concord contracts review --base origin/main --output review.md --sarif review.sarif
  concord contracts review --base v1.4.0 --head HEAD --format json

Exit status: 1 when the change fails review (a breaking change inside one major version, a deprecation-policy
or lint error on changed parts, or a consumer pact it breaks), 2 for bad input, else 0.
.github/workflows/contracts.yml runs this on every pull request.`,
    )
    .action(async (opts: ReviewOptions) => {
      const format = (opts.json ? 'json' : (opts.format ?? 'markdown')) as Format;
      if (!FORMATS.includes(format)) throw new CliFailure(`--format must be one of ${FORMATS.join(', ')}, not '${format}'`);
      const out = ctx.output(format === 'json' && !opts.output);
      // Loaded on use: the diff engine, Spectral and the pact reader are heavy; `--help` needs none of them.
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { policyOf } = require('../../../governance/diff') as typeof DiffEngine;
      const { listPactFiles } = require('../../../governance/impact') as typeof Impact;
      const { openRevisions } = require('../../../governance/model/revisions') as typeof Revisions;
      const { buildReview } = require('../../../governance/review/build-review') as typeof BuildReview;
      /* eslint-enable @typescript-eslint/no-require-imports */
      const root = resolve(opts.root ?? ctx.root);
      const severity = await severityOf(opts, root);
      const policy = { ...policyOf(parseGovernanceOptions(opts)), ...(severity ? { severity } : {}) };
      const pactDir = isAbsolute(opts.pacts) ? opts.pacts : join(root, opts.pacts);
      const revisions = await openRevisions(root, opts.base as string, opts.head);
      let report: ReviewReport;
      try {
        out.progress(`reviewing ${revisions.base.label} → ${revisions.head.label}`);
        report = await buildReview({
          base: revisions.base,
          head: revisions.head,
          pactFiles: await listPactFiles(pactDir),
          root,
          policy,
          progress: out.progress,
          maxBytes: maxFileBytes(opts),
        });
      } finally {
        await revisions.dispose();
      }
      const version = await packageVersion(ctx.root);
      const text = renderReview(report, format, version);
      if (opts.sarif) await writeFile(resolve(opts.sarif), renderReviewSarif(report, version));
      if (opts.output) {
        await writeFile(resolve(opts.output), text);
        out.progress(`wrote ${opts.output}`);
      } else {
        ctx.output(false).result(undefined, text.trimEnd());
      }
      out.progress(`${report.verdict === 'fail' ? '✖ fails' : '✔ passes'} review in ${report.timings.ms} ms`);
      if (report.verdict === 'fail') ctx.setExitCode(1);
    });
}

async function packageVersion(root: string): Promise<string> {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

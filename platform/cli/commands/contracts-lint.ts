import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CommanderError, Option } from 'commander';
import { DEFAULT_FORMAT, FORMATTERS, FORMAT_NAMES } from '../../../governance/lint/format';
import type { FormatName } from '../../../governance/lint/format';
import { summaryLine } from '../../../governance/lint/format/summary';
import type * as Lint from '../../../governance/lint/lint';
import type * as RuleCatalogue from '../../../governance/lint/rule-catalogue';
import type { CommandContext } from '../context';
import { DEFAULT_MAX_FILE_MB } from '../../../governance/model/document-set';
import { maxFileBytes } from './contracts-options';

const FAIL_ON = ['error', 'warning'] as const;

interface LintOptions {
  maxFileSize?: string;
  format: FormatName;
  output?: string;
  failOn: (typeof FAIL_ON)[number];
  json?: boolean;
  root?: string;
  profile: 'concord' | 'import';
}

/** Bad usage exits 2, findings 1: CI tells a broken invocation from a failed check (main.ts reads `exitCode`). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 2;
}

async function packageVersion(root: string): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** `concord contracts lint [files…]`, added to the `contracts` group that contracts.ts creates. */
export function registerContractsLint(contracts: Command, ctx: CommandContext): void {
  const lint = contracts
    .command('lint')
    .description("Lint contracts with Spectral's recommended OpenAPI/AsyncAPI rulesets and Concord's rules")
    .argument('[files...]', 'contract files to lint (default: every contract under contracts/)')
    .addOption(new Option('--format <format>', 'report format').choices(FORMAT_NAMES).default(DEFAULT_FORMAT))
    .option('--output <file>', 'write the report to this file instead of stdout')
    .addOption(new Option('--fail-on <level>', 'exit 1 on findings of this level or worse').choices(FAIL_ON).default('error'))
    .option('--json', 'same as --format json')
    .addOption(
      new Option('--profile <profile>', "house rules: concord (errors refuse) or import (third-party contracts: errors reported as warnings)")
        .choices(['concord', 'import'])
        .default('concord'),
    )
    .option('--max-file-size <MB>', 'largest contract file read, in MB', String(DEFAULT_MAX_FILE_MB))
    .addOption(new Option('--root <dir>').hideHelp())
    .addHelpText(
      'after',
      `
Examples:
  concord contracts lint
  concord contracts lint contracts/openapi/process/orders.v2.yaml
  concord contracts lint --format sarif --output lint.sarif
  concord contracts lint --format github-actions --fail-on warning
  concord contracts lint --json
  concord contracts lint --profile import ../retail-contracts/vendor/*.yaml

A finding inside a $ref'd file is reported in that file. Concord's rule ids (concord-*) and what they check are
listed in governance/lint/README.md.

Exit status: 0 when clean, 1 with errors (or warnings, with --fail-on warning), 2 for bad usage or input
(an unknown format, a missing file, a file that is not YAML or JSON or is over --max-file-size).`,
    )
    // Commander's own usage errors (an unknown --format, an unknown option) exit 1; make them 2 like ours.
    .exitOverride((err) => {
      throw err.exitCode === 1 ? new CommanderError(2, err.code, err.message) : err;
    });

  lint.action(async (files: string[], opts: LintOptions) => {
    if (opts.json && lint.getOptionValueSource('format') === 'cli' && opts.format !== 'json') {
      throw new UsageError(`--json means --format json; it cannot be combined with --format ${opts.format}`);
    }
    const format: FormatName = opts.json ? 'json' : opts.format;
    // Loaded on use: Spectral and its rulesets are heavy, and `--help` and other commands need none of it.
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { lintContracts, summarize } = require('../../../governance/lint/lint') as typeof Lint;
    const { describeRule } = require('../../../governance/lint/rule-catalogue') as typeof RuleCatalogue;
    /* eslint-enable @typescript-eslint/no-require-imports */
    const out = ctx.output(format === 'json' && !opts.output);
    const root = resolve(opts.root ?? ctx.root);
    const started = Date.now();
    out.progress(files.length === 0 ? 'linting every contract under contracts/' : `linting ${files.length} file${files.length === 1 ? '' : 's'}`);
    const findings = await lintContracts(
      files.map((f) => resolve(f)),
      { root, profile: opts.profile, maxBytes: maxFileBytes(opts) },
    );
    const report = FORMATTERS[format](findings, { version: await packageVersion(root), describeRule });
    const summary = summarize(findings);
    if (opts.output) {
      const target = resolve(opts.output);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, report);
      out.progress(`wrote the ${format} report to ${opts.output}`);
    } else if (report !== '') {
      ctx.output(false).result(undefined, report.trimEnd());
    }
    // stylish and markdown end with the summary themselves; don't say it twice on the terminal.
    const summarized = !opts.output && (format === 'stylish' || format === 'markdown');
    out.progress(`${summarized ? 'linted' : summaryLine(summary)} in ${Date.now() - started} ms`);
    if (summary.errors > 0 || (opts.failOn === 'warning' && summary.warnings > 0)) ctx.setExitCode(1);
  });
}

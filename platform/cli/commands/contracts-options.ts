import type { Command } from 'commander';
import { CliFailure } from '../admin-client';
import { resolve } from 'node:path';
import { DEFAULT_MIN_SUNSET_DAYS } from '../../../governance/diff/deprecation';
import { SEVERITY_FILES, loadSeverityConfig } from '../../../governance/diff/severity';
import type { SeverityConfig } from '../../../governance/diff/severity';
import { DEFAULT_MAX_FILE_MB } from '../../../governance/model/document-set';

export interface GovernanceOptions {
  today?: string;
  minSunsetDays?: string;
  severityFile?: string;
  maxFileSize?: string;
}

/** The deprecation-policy options `diff` and `review` share. */
export function governanceOptions(command: Command): Command {
  return command
    .option('--min-sunset-days <days>', 'least notice an x-sunset date must give', String(DEFAULT_MIN_SUNSET_DAYS))
    .option('--today <YYYY-MM-DD>', 'judge sunsets as of this day (default: today, UTC)')
    .option('--severity-file <file>', `rule levels for this repository (default: ${SEVERITY_FILES.join(' or ')} at the root, if present)`)
    .option('--max-file-size <MB>', 'largest contract file read, in MB', String(DEFAULT_MAX_FILE_MB));
}

/** The severity file a diff or review applies: --severity-file, else the repository's own, else none. */
export async function severityOf(opts: GovernanceOptions, root: string): Promise<SeverityConfig | undefined> {
  return loadSeverityConfig(root, opts.severityFile === undefined ? undefined : resolve(opts.severityFile));
}

/** --max-file-size in bytes. */
export function maxFileBytes(opts: GovernanceOptions): number {
  const mb = Number(opts.maxFileSize ?? DEFAULT_MAX_FILE_MB);
  if (!Number.isFinite(mb) || mb <= 0 || mb > 512) throw new CliFailure(`--max-file-size must be a number of MB from 0 to 512, not '${opts.maxFileSize}'`);
  return Math.round(mb * 1024 * 1024);
}

export function parseGovernanceOptions(opts: GovernanceOptions): { today?: string; minSunsetDays: number } {
  const days = Number(opts.minSunsetDays ?? DEFAULT_MIN_SUNSET_DAYS);
  if (!Number.isInteger(days) || days < 0 || days > 3650) throw new CliFailure(`--min-sunset-days must be a whole number from 0 to 3650, not '${opts.minSunsetDays}'`);
  if (opts.today !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(opts.today) || Number.isNaN(Date.parse(`${opts.today}T00:00:00Z`)))) {
    throw new CliFailure(`--today must be a date like 2026-12-04, not '${opts.today}'`);
  }
  return { ...(opts.today ? { today: opts.today } : {}), minSunsetDays: days };
}

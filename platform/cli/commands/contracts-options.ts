import type { Command } from 'commander';
import { CliFailure } from '../admin-client';
import { DEFAULT_MIN_SUNSET_DAYS } from '../../../governance/diff/deprecation';

export interface GovernanceOptions {
  today?: string;
  minSunsetDays?: string;
}

/** The deprecation-policy options `diff` and `review` share. */
export function governanceOptions(command: Command): Command {
  return command
    .option('--min-sunset-days <days>', 'least notice an x-sunset date must give', String(DEFAULT_MIN_SUNSET_DAYS))
    .option('--today <YYYY-MM-DD>', 'judge sunsets as of this day (default: today, UTC)');
}

export function parseGovernanceOptions(opts: GovernanceOptions): { today?: string; minSunsetDays: number } {
  const days = Number(opts.minSunsetDays ?? DEFAULT_MIN_SUNSET_DAYS);
  if (!Number.isInteger(days) || days < 0 || days > 3650) throw new CliFailure(`--min-sunset-days must be a whole number from 0 to 3650, not '${opts.minSunsetDays}'`);
  if (opts.today !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(opts.today) || Number.isNaN(Date.parse(`${opts.today}T00:00:00Z`)))) {
    throw new CliFailure(`--today must be a date like 2026-12-04, not '${opts.today}'`);
  }
  return { ...(opts.today ? { today: opts.today } : {}), minSunsetDays: days };
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DiffOptions } from './diff-files';
import { diffFiles } from './diff-files';

/** One spec pair of the oasdiff corpus and the verdict oasdiff's own test expects. */
export interface AgreementCase {
  name: string;
  test: string;
  base: string;
  revision: string;
  breaking: boolean;
  oasdiffIds: string[];
  /** oasdiff's deprecation policy in the test (stable days); its default is 0. */
  minSunsetDays?: number;
  /** The oasdiff test ran one request (or response) check: only Concord's findings on that side count. */
  scope?: 'request' | 'response';
  /** Set when Concord disagrees on purpose; the reason is listed in governance/README.md. */
  deliberate?: string;
}

export interface AgreementOutcome {
  case: AgreementCase;
  concordBreaking: boolean;
  ids: string[];
  error?: string;
}

export interface AgreementReport {
  total: number;
  agreed: number;
  /** oasdiff says breaking, Concord does not. */
  missed: AgreementOutcome[];
  /** Concord says breaking (fails the check), oasdiff does not. */
  overReported: AgreementOutcome[];
  crashed: AgreementOutcome[];
}

/**
 * The corpus: `manifest.json` as built from oasdiff's tests, with `review.json` applied on top: verdicts corrected
 * by reading a test the builder misread, and the deliberate differences with their reasons.
 */
export function loadCorpus(dir: string): AgreementCase[] {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { cases: AgreementCase[] };
  const review = JSON.parse(readFileSync(join(dir, 'review.json'), 'utf8')) as { verdicts: Record<string, boolean>; deliberate: Record<string, string> };
  return manifest.cases.map((c) => ({
    ...c,
    ...(c.name in review.verdicts ? { breaking: review.verdicts[c.name] as boolean } : {}),
    ...(review.deliberate[c.name] ? { deliberate: review.deliberate[c.name] } : {}),
  }));
}

/**
 * Runs the diff on every pair and compares verdicts. Concord's verdict is the check's: a pair "breaks" when the
 * diff reports any error, which is what fails a pull request (deprecation-policy errors included, as oasdiff
 * reports a missing sunset as ERR too).
 */
export async function runAgreement(dir: string, cases: AgreementCase[], opts: DiffOptions): Promise<AgreementReport> {
  const report: AgreementReport = { total: cases.length, agreed: 0, missed: [], overReported: [], crashed: [] };
  for (const c of cases) {
    let outcome: AgreementOutcome;
    try {
      const { changes } = await diffFiles(join(dir, c.base), join(dir, c.revision), { minSunsetDays: c.minSunsetDays ?? 0, ...opts, root: dir });
      const errors = changes.filter((x) => x.level === 'error' && x.id !== 'breaking-change-needs-new-major' && (!c.scope || !x.id.startsWith(c.scope === 'request' ? 'response-' : 'request-')));
      outcome = { case: c, concordBreaking: errors.length > 0, ids: changes.map((x) => `${x.id}:${x.level}`) };
    } catch (e) {
      outcome = { case: c, concordBreaking: false, ids: [], error: (e as Error).message };
      report.crashed.push(outcome);
    }
    if (outcome.concordBreaking === c.breaking) report.agreed++;
    else if (c.breaking) report.missed.push(outcome);
    else report.overReported.push(outcome);
  }
  return report;
}

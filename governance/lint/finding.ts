import type { FindingLocation, Level } from '../types';

/** Where a lint finding is; lint also knows the column, which editors and SARIF use. */
export interface LintLocation extends FindingLocation {
  /** 1-based column in `file`, when known. */
  column?: number;
}

export interface LintFinding {
  /** `concord-…` for Concord's rules, else the Spectral rule (`oas3-schema`, `asyncapi-…`, or `parser` for a syntax error). */
  ruleId: string;
  level: Level;
  message: string;
  source: 'concord' | 'spectral';
  location: LintLocation;
}

export interface LintSummary {
  errors: number;
  warnings: number;
  infos: number;
}

export function summarize(findings: readonly LintFinding[]): LintSummary {
  const summary: LintSummary = { errors: 0, warnings: 0, infos: 0 };
  for (const f of findings) {
    if (f.level === 'error') summary.errors++;
    else if (f.level === 'warning') summary.warnings++;
    else summary.infos++;
  }
  return summary;
}

import type { LintFinding } from '../finding';
import type { RuleInfo } from '../rule-catalogue';

export interface FormatContext {
  /** Concord's version, for reports that name their tool (SARIF). */
  version: string;
  describeRule(id: string): RuleInfo;
}

/** Renders findings as one report; the text is written as is to stdout or --output. */
export type Formatter = (findings: readonly LintFinding[], context: FormatContext) => string;

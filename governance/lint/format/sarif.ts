import { buildSarif } from '../../report/sarif';
import type { Formatter } from './types';

/** SARIF 2.1.0 for GitHub code scanning; the rules listed are the ones that found something. */
export const sarif: Formatter = (findings, context) => {
  const ids = [...new Set(findings.map((f) => f.ruleId))].sort();
  const rules = ids.map((id) => {
    const info = context.describeRule(id);
    return { id, shortDescription: info.description, ...(info.helpUri ? { helpUri: info.helpUri } : {}) };
  });
  const results = findings.map((f) => ({
    ruleId: f.ruleId,
    level: f.level,
    message: f.message,
    file: f.location.file,
    ...(f.location.line !== undefined ? { line: f.location.line } : {}),
    ...(f.location.column !== undefined ? { column: f.location.column } : {}),
  }));
  return `${JSON.stringify(buildSarif({ toolName: 'concord contracts lint', version: context.version, rules, results }), null, 2)}\n`;
};

import { RULES } from '../../diff/rules';
import type { SarifResultInput, SarifRule } from '../../report/sarif';
import { buildSarif } from '../../report/sarif';
import type { ReviewReport } from '../build-review';

const IMPACT_RULE = 'consumer-interaction-broken';

/** Code scanning annotations: breaking changes and warnings from the diff, touched lint findings, broken pacts. */
export function renderReviewSarif(report: ReviewReport, version: string): string {
  const results: SarifResultInput[] = [];
  for (const c of report.changes) {
    if (c.level === 'info') continue;
    results.push({ ruleId: c.id, level: c.level, message: c.message, file: c.location.file, ...(c.location.line ? { line: c.location.line } : {}) });
  }
  for (const f of report.lint) {
    results.push({ ruleId: f.ruleId, level: f.level, message: f.message, file: f.location.file, ...(f.location.line ? { line: f.location.line } : {}) });
  }
  for (const i of report.consumers) {
    for (const p of i.problems) {
      results.push({
        ruleId: IMPACT_RULE,
        level: 'error',
        message: `${i.consumer} (${i.pactFile}), "${i.description}": ${p.field && !p.message.includes(p.field) ? `${p.field}: ` : ''}${p.message}`,
        file: p.location?.file ?? i.pactFile,
        ...(p.location?.line ? { line: p.location.line } : {}),
      });
    }
  }
  const ids = [...new Set(results.map((r) => r.ruleId))].sort();
  const rules: SarifRule[] = ids.map((id) => ({
    id,
    shortDescription: id === IMPACT_RULE ? 'A consumer pact interaction no longer fits the revised contract.' : (RULES.get(id)?.description ?? lintDescription(report, id)),
  }));
  return `${JSON.stringify(buildSarif({ toolName: 'concord-contracts-review', version, rules, results }), null, 2)}\n`;
}

function lintDescription(report: ReviewReport, id: string): string {
  return report.lint.find((f) => f.ruleId === id)?.message ?? id;
}

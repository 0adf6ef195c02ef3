import type { DiffChange } from '../../diff';
import { describeCounts, plural } from '../../diff/render';
import type { ReviewReport } from '../build-review';

/** Table cells hold one line; a pipe would end the cell. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const where = (l: { file: string; line?: number }) => code(`${l.file}${l.line ? `:${l.line}` : ''}`);

/** What a change says once its operation is named in its own column. */
function detail(c: DiffChange): string {
  const op = c.location.operation;
  const text = op && c.message.startsWith(`${op}: `) ? c.message.slice(op.length + 2) : c.message;
  // A level the repository chose is named as such, so a reader knows it is not the default.
  return c.levelFrom ? `${text} (level ${c.level} set by ${c.levelFrom})` : text;
}

/** One shared schema change reaches every operation using it; one row lists them all. */
function grouped(changes: readonly DiffChange[]): Array<{ change: DiffChange; operations: string[] }> {
  const rows = new Map<string, { change: DiffChange; operations: string[] }>();
  for (const c of changes) {
    const key = `${c.id}|${c.location.file}|${c.location.line ?? ''}|${detail(c)}`;
    const row = rows.get(key) ?? { change: c, operations: [] };
    if (c.location.operation && !row.operations.includes(c.location.operation)) row.operations.push(c.location.operation);
    rows.set(key, row);
  }
  return [...rows.values()];
}

/** The levels the repository's severity file set, so a reader knows which verdicts are the team's own choice. */
function configuredLevels(changes: readonly DiffChange[]): string | undefined {
  const byFile = new Map<string, Map<string, string>>();
  for (const c of changes) if (c.levelFrom) (byFile.get(c.levelFrom) ?? byFile.set(c.levelFrom, new Map()).get(c.levelFrom))?.set(c.id, c.level);
  if (byFile.size === 0) return undefined;
  return [...byFile]
    .map(([file, levels]) => `Rule levels set by ${code(file)}: ${[...levels].map(([id, level]) => `${code(id)} → ${level}`).join(', ')}.`)
    .join(' ');
}

function changeTable(changes: readonly DiffChange[]): string[] {
  const lines = ['| Rule | Change | Operations | Location |', '|---|---|---|---|'];
  for (const { change, operations } of grouped(changes)) {
    lines.push(`| ${code(change.id)} | ${cell(detail(change))} | ${cell(operations.join('<br>')) || '—'} | ${where(change.location)} |`);
  }
  return lines;
}

/** The pull-request comment: verdict first, then what to fix, then the changelog to paste into release notes. */
export function renderReviewMarkdown(report: ReviewReport): string {
  const t = report.summary.totals;
  const breaking = report.breaking.length;
  const lintErrors = report.lint.filter((f) => f.level === 'error').length;
  const out: string[] = ['## Concord contract review', '', `${code(report.base)} → ${code(report.head)}`, ''];
  out.push(
    report.verdict === 'fail'
      ? `**✖ This change fails review:** ${plural(breaking, 'breaking change')}, ${plural(lintErrors, 'lint error')} on changed lines, ${plural(t.consumers, 'consumer')} affected (${plural(t.interactions, 'interaction')}).`
      : `**✔ This change passes review:** no breaking changes, ${describeCounts(t)}.`,
    '',
  );

  // Breaking changes apart from the other errors (the new-major proposal, deprecation policy): one "Errors" column
  // read "2" beside "1 breaking change" in the verdict above.
  out.push('### Summary', '', '| Contract | Breaking changes | Other errors | Warnings | Info | Lint findings | Consumers affected |', '|---|---|---|---|---|---|---|');
  for (const c of report.summary.contracts) {
    const breakingHere = report.breaking.filter((b) => b.contract === c.contract).length;
    out.push(`| ${code(c.contract)} | ${breakingHere} | ${c.errors - breakingHere} | ${c.warnings} | ${c.infos} | ${c.lint} | ${c.consumers.join(', ') || '—'} |`);
  }
  if (report.summary.contracts.length === 0) out.push('| no contract changed | 0 | 0 | 0 | 0 | 0 | — |');
  out.push('');
  const configured = configuredLevels(report.changes);
  if (configured) out.push(configured, '');

  if (report.proposals.length > 0) {
    out.push('### What to do instead', '');
    for (const p of report.proposals) out.push(`- ${p.message}`);
    out.push('');
  }
  if (breaking > 0) out.push('### Breaking changes', '', ...changeTable(report.breaking), '');
  const policy = report.changes.filter((c) => c.level === 'error' && !report.breaking.includes(c) && c.id !== 'breaking-change-needs-new-major');
  if (policy.length > 0) out.push('### Deprecation policy', '', ...changeTable(policy), '');

  if (report.consumers.length > 0) {
    out.push('### Consumers affected', '', '| Consumer | Interaction | Operation | Why it breaks |', '|---|---|---|---|');
    for (const i of report.consumers) {
      const why = i.problems.map((p) => (p.field && !p.message.includes(p.field) ? `${code(p.field)}: ${p.message}` : p.message)).join('<br>');
      out.push(`| **${cell(i.consumer)}** (${code(i.pactFile)}) | ${cell(i.description)} | ${cell(i.operation ?? i.request ?? '—')} | ${cell(why)} |`);
    }
    out.push('');
  }

  if (report.lint.length > 0) {
    out.push('### Lint findings on changed parts', '', '| Level | Rule | Location | Message |', '|---|---|---|---|');
    for (const f of report.lint) out.push(`| ${f.level} | ${code(f.ruleId)} | ${where(f.location)} | ${cell(f.message)} |`);
    out.push('');
  }

  const warnings = report.changes.filter((c) => c.level === 'warning');
  if (warnings.length > 0) out.push('### Warnings', '', ...changeTable(warnings), '');

  out.push('### Changelog', '');
  if (report.changelog.length === 0) {
    out.push(report.summary.contracts.length === 0 ? 'No contract changed.' : 'Nothing a consumer would notice: only descriptions, examples or other annotations changed.', '');
  }
  for (const entry of report.changelog) {
    out.push(`#### ${entry.api} (${code(entry.contract)})`, '');
    const sections: Array<[string, string[]]> = [
      ['Breaking', entry.breaking],
      ['Deprecated', entry.deprecated],
      ['Added', entry.added],
      ['Removed', entry.removed],
      ['Changed', entry.changed],
    ];
    for (const [title, items] of sections) {
      if (items.length === 0) continue;
      out.push(`**${title}**`, '', ...items.map((m) => `- ${m}`), '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

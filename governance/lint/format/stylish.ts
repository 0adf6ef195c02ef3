import { summarize } from '../finding';
import type { LintFinding } from '../finding';
import type { Formatter } from './types';
import { oneLine, summaryLine } from './summary';

const pad = (s: string, width: number) => s + ' '.repeat(Math.max(0, width - s.length));

/** ESLint's default look: findings grouped by file, `line:col  level  message  ruleId` in aligned columns, a summary. */
export const stylish: Formatter = (findings) => {
  const byFile = new Map<string, LintFinding[]>();
  for (const f of findings) byFile.set(f.location.file, [...(byFile.get(f.location.file) ?? []), f]);
  const blocks: string[] = [];
  for (const [file, list] of byFile) {
    const rows = list.map((f) => [`${f.location.line ?? 1}:${f.location.column ?? 1}`, f.level, oneLine(f.message), f.ruleId]);
    const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
    const lines = rows.map((r) => `  ${pad(r[0] ?? '', widths[0] ?? 0)}  ${pad(r[1] ?? '', widths[1] ?? 0)}  ${pad(r[2] ?? '', widths[2] ?? 0)}  ${r[3]}`);
    blocks.push(`${file}\n${lines.join('\n')}\n`);
  }
  const summary = summaryLine(summarize(findings));
  return blocks.length === 0 ? `${summary}\n` : `${blocks.join('\n')}\n${summary}\n`;
};

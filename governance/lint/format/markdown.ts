import { summarize } from '../finding';
import type { Formatter } from './types';
import { oneLine, summaryLine } from './summary';

/** Table cells hold one line; a `|` would end the cell. */
const cell = (s: string) => oneLine(s).replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

/** A table for a pull-request comment or a job summary. */
export const markdown: Formatter = (findings) => {
  const lines = ['## Contract lint', ''];
  if (findings.length > 0) {
    lines.push('| level | rule | file:line | message |', '|---|---|---|---|');
    for (const f of findings) {
      const where = `${f.location.file}${f.location.line !== undefined ? `:${f.location.line}` : ''}`;
      lines.push(`| ${f.level} | ${code(f.ruleId)} | ${code(where)} | ${cell(f.message)} |`);
    }
    lines.push('');
  }
  lines.push(`**${summaryLine(summarize(findings))}**`);
  return `${lines.join('\n')}\n`;
};

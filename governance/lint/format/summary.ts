import type { LintSummary } from '../finding';

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `✖ 3 problems (2 errors, 1 warning)`, as ESLint says it, or `no problems`. Infos are counted only when there are some. */
export function summaryLine(s: LintSummary): string {
  const total = s.errors + s.warnings + s.infos;
  if (total === 0) return 'no problems';
  const parts = [count(s.errors, 'error'), count(s.warnings, 'warning'), ...(s.infos > 0 ? [count(s.infos, 'info')] : [])];
  return `✖ ${count(total, 'problem')} (${parts.join(', ')})`;
}

/** One line per message in line-oriented reports. */
export const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

import type { Level } from '../types';
import type { DiffChange } from './changes';

export interface LevelCounts {
  errors: number;
  warnings: number;
  infos: number;
}

export function countLevels(items: ReadonlyArray<{ level: Level }>): LevelCounts {
  return {
    errors: items.filter((c) => c.level === 'error').length,
    warnings: items.filter((c) => c.level === 'warning').length,
    infos: items.filter((c) => c.level === 'info').length,
  };
}

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function describeCounts(c: LevelCounts): string {
  return `${plural(c.errors, 'error')}, ${plural(c.warnings, 'warning')}, ${c.infos} info`;
}

const ORDER: Record<Level, number> = { error: 0, warning: 1, info: 2 };

const isVerdict = (c: DiffChange) => (c.id === 'breaking-change-needs-new-major' ? 1 : 0);

/** Stable order for every report: by contract, then level, then where, then id; a contract's verdict last. */
export function sortChanges(changes: readonly DiffChange[]): DiffChange[] {
  return [...changes].sort(
    (a, b) =>
      a.contract.localeCompare(b.contract) ||
      isVerdict(a) - isVerdict(b) ||
      ORDER[a.level] - ORDER[b.level] ||
      (a.location.operation ?? '').localeCompare(b.location.operation ?? '') ||
      a.location.file.localeCompare(b.location.file) ||
      (a.location.line ?? 0) - (b.location.line ?? 0) ||
      a.id.localeCompare(b.id) ||
      a.message.localeCompare(b.message),
  );
}

/** The terminal form of `concord contracts diff`: grouped by contract, one line per change. */
export function renderDiffText(changes: readonly DiffChange[]): string {
  if (changes.length === 0) return 'no changes';
  const lines: string[] = [];
  let contract: string | undefined;
  for (const c of sortChanges(changes)) {
    if (c.contract !== contract) {
      if (contract !== undefined) lines.push('');
      contract = c.contract;
      lines.push(contract);
    }
    const where = `${c.location.file}${c.location.line ? `:${c.location.line}` : ''}`;
    lines.push(`  ${c.level.padEnd(7)} ${c.id}`);
    lines.push(`          ${c.message}`);
    lines.push(`          at ${where}`);
  }
  const counts = countLevels(changes);
  lines.push('', `${counts.errors > 0 ? '✖' : '✔'} ${describeCounts(counts)}`);
  return lines.join('\n');
}

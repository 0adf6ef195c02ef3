import { basename } from 'node:path';
import type { DiffChange } from '../diff';
import { isBreaking } from '../diff';

export interface ChangelogEntry {
  contract: string;
  /** `orders v2`, or the file name for the event catalogue. */
  api: string;
  breaking: string[];
  deprecated: string[];
  added: string[];
  removed: string[];
  changed: string[];
}

const ADDED = /-added(-optional|-required)?$/;
const REMOVED = /(^|-)removed(-after-sunset)?$/;

/** One entry per contract, in the words of the changes themselves: what a consumer reads in the release notes. */
export function buildChangelog(changes: readonly DiffChange[]): ChangelogEntry[] {
  const byContract = new Map<string, ChangelogEntry>();
  for (const c of changes) {
    if (c.id === 'breaking-change-needs-new-major') continue;
    let entry = byContract.get(c.contract);
    if (!entry) {
      entry = { contract: c.contract, api: apiName(c.contract), breaking: [], deprecated: [], added: [], removed: [], changed: [] };
      byContract.set(c.contract, entry);
    }
    const list = isBreaking(c)
      ? entry.breaking
      : c.id === 'operation-deprecated'
        ? entry.deprecated
        : ADDED.test(c.id) && c.level === 'info'
          ? entry.added
          : REMOVED.test(c.id)
            ? entry.removed
            : entry.changed;
    if (!list.includes(c.message)) list.push(c.message);
  }
  return [...byContract.values()].sort((a, b) => a.contract.localeCompare(b.contract));
}

function apiName(contract: string): string {
  const m = /^(.*)\.v(\d+)\.ya?ml$/.exec(basename(contract));
  return m ? `${m[1]} v${m[2]}` : basename(contract);
}

import type { Snapshot } from './git';
import { snapshotContracts, verifyRef } from './git';

export interface Revision {
  /** A directory holding that revision's `contracts/`. */
  root: string;
  /** `main (3cd5f3d)` or `working tree`. */
  label: string;
}

export interface RevisionPair {
  base: Revision;
  head: Revision;
  dispose(): Promise<void>;
}

/** The two sides of a review: `base` always a commit, `head` a commit or (by default) the working tree. */
export async function openRevisions(root: string, baseRef: string, headRef?: string): Promise<RevisionPair> {
  const baseCommit = await verifyRef(root, baseRef);
  const headCommit = headRef ? await verifyRef(root, headRef) : undefined;
  const snapshots: Snapshot[] = [];
  try {
    const base = await snapshotContracts(root, baseCommit);
    snapshots.push(base);
    const head = headCommit ? await snapshotContracts(root, headCommit) : undefined;
    if (head) snapshots.push(head);
    return {
      base: { root: base.root, label: `${baseRef} (${baseCommit.slice(0, 7)})` },
      head: head && headRef && headCommit ? { root: head.root, label: `${headRef} (${headCommit.slice(0, 7)})` } : { root, label: 'working tree' },
      dispose: async () => {
        await Promise.all(snapshots.map((s) => s.remove()));
      },
    };
  } catch (err) {
    await Promise.all(snapshots.map((s) => s.remove()));
    throw err;
  }
}

import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GovernanceInputError } from './document-set';

const run = promisify(execFile);

async function git(root: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    throw new GovernanceInputError(`git ${args.join(' ')}: ${stderr.split('\n')[0] || (err as Error).message}`);
  }
}

/** Refuses anything git would read as an option, so a ref can never smuggle in a flag. */
export async function verifyRef(root: string, ref: string): Promise<string> {
  if (ref.startsWith('-') || ref.length > 256) throw new GovernanceInputError(`'${ref}' is not a git revision`);
  try {
    return (await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
  } catch {
    throw new GovernanceInputError(`'${ref}' is not a commit in this repository (for a pull request, fetch the base branch first)`);
  }
}

/** A git revision's `contracts/` tree, written to a temp dir that `remove()` deletes. */
export interface Snapshot {
  root: string;
  remove(): Promise<void>;
}

export async function snapshotContracts(root: string, commit: string): Promise<Snapshot> {
  const dir = await mkdtemp(join(tmpdir(), 'concord-contracts-at-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const listed = await git(root, ['ls-tree', '-r', '--name-only', commit, '--', 'contracts']);
    if (listed.trim() !== '') {
      await run('sh', ['-c', `git archive --format=tar "$1" contracts | tar -x -C "$2"`, 'sh', commit, dir], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    }
    return { root: dir, remove };
  } catch (err) {
    await remove();
    throw err;
  }
}

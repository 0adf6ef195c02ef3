import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');

export async function makeTempDir(prefix = 'concord-test-'): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A scratch project root holding a copy of the repo's contracts, for tests that break them. */
export async function copyContracts(): Promise<{ root: string; remove(): Promise<void> }> {
  const dir = await makeTempDir('concord-contracts-');
  await cp(join(REPO_ROOT, 'contracts'), join(dir.path, 'contracts'), { recursive: true });
  return { root: dir.path, remove: dir.remove };
}

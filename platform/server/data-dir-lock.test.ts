import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '../testing/temp-dir';
import { lockDataDir } from './data-dir-lock';

describe('the data-dir lock', () => {
  let dir: { path: string; remove(): Promise<void> };
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => dir.remove());
  const lockFile = () => join(dir.path, 'concord.lock');

  it('refuses a second lock in the same process and frees the dir on release', async () => {
    const lock = await lockDataDir(dir.path);
    await expect(lockDataDir(dir.path)).rejects.toThrow(/in use by this process/);
    await lock.release();
    await expect(readFile(lockFile())).rejects.toThrow(/ENOENT/);
    await (await lockDataDir(dir.path)).release();
  });

  it('takes over a lock left by a crashed process that had our pid (a restarted container)', async () => {
    await writeFile(lockFile(), JSON.stringify({ pid: process.pid, started: '1', token: 'left-by-a-crash' }));
    const lock = await lockDataDir(dir.path);
    expect(JSON.parse(await readFile(lockFile(), 'utf8')).token).not.toBe('left-by-a-crash');
    await lock.release();
  });

  it('takes over a lock whose pid now belongs to a different, later process', async () => {
    // pid 1 is alive, but it started at a different time than the one recorded.
    await writeFile(lockFile(), JSON.stringify({ pid: 1, started: '-1', token: 'reused-pid' }));
    const lock = await lockDataDir(dir.path);
    await lock.release();
  });

  it('refuses while the recorded owner is alive and unchanged', async () => {
    await writeFile(lockFile(), JSON.stringify({ pid: 1, token: 'live-owner' })); // no start time recorded: trusted
    await expect(lockDataDir(dir.path)).rejects.toThrow(/in use by Concord process 1/);
  });

  it('of several contenders for a stale lock, exactly one wins', async () => {
    await writeFile(lockFile(), JSON.stringify({ pid: 999_999_999, token: 'dead' }));
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => lockDataDir(dir.path)));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    await (won[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
  });

  it('release never removes a lock that is no longer ours', async () => {
    const lock = await lockDataDir(dir.path);
    await writeFile(lockFile(), JSON.stringify({ pid: 1, token: 'someone-else' }));
    await lock.release();
    expect(JSON.parse(await readFile(lockFile(), 'utf8')).token).toBe('someone-else');
  });
});

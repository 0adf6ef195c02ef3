import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * PGlite's files must only ever be opened by one process. The lock file names the owner; a lock left by a
 * process that no longer exists is taken over.
 */
export async function lockDataDir(dir: string): Promise<{ release(): Promise<void> }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'concord.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, String(process.pid), { flag: 'wx', mode: 0o600 });
      return { release: () => rm(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(await readFile(path, 'utf8').catch(() => ''));
      // The owner may be this very process (a second start in the same process): that is refused too.
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        const owner = pid === process.pid ? 'this process' : `Concord process ${pid}`;
        throw new Error(`the data dir ${dir} is in use by ${owner}; stop it or set CONCORD_DATA_DIR`, { cause: err });
      }
      await rm(path, { force: true });
    }
  }
  throw new Error(`could not lock the data dir ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Data dirs locked by this process, and the tokens of those locks: a lock with our pid is ours only if its token is. */
const heldHere = new Set<string>();
const ourTokens = new Set<string>();

interface LockRecord {
  pid: number;
  /** When that pid's process started (Linux), so a lock left by a crash is not mistaken for a live owner that merely reuses the pid, as a restarted container does. */
  started?: string;
  token: string;
}

/** The process's start time in clock ticks since boot, from /proc (Linux); undefined elsewhere. */
async function processStart(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Field 22, counted after the parenthesised command name, which may itself contain spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

async function isHeld(record: LockRecord): Promise<boolean> {
  try {
    process.kill(record.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // Our pid but not our token: left by an earlier process that had our pid (a restarted container).
  if (record.pid === process.pid) return ourTokens.has(record.token);
  if (record.started === undefined) return true;
  const started = await processStart(record.pid);
  return started === undefined || started === record.started;
}

/**
 * PGlite's files may only ever be opened by one process. `<dir>/concord.lock` names the owner (pid, its start
 * time, a random token) and is created atomically with link(). A stale lock is removed only by the holder of a
 * takeover lock, created the same way, so of several contenders exactly one wins. release() removes the lock
 * only while it is still ours.
 */
export async function lockDataDir(dir: string): Promise<{ release(): Promise<void> }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'concord.lock');
  if (heldHere.has(path)) throw new Error(`the data dir ${dir} is in use by this process`);
  const mine: LockRecord = { pid: process.pid, token: randomUUID() };
  const started = await processStart(process.pid);
  if (started !== undefined) mine.started = started;
  const tmp = `${path}.${mine.token}`;
  await writeFile(tmp, JSON.stringify(mine), { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        await link(tmp, path);
        ourTokens.add(mine.token);
        heldHere.add(path);
        return {
          release: async () => {
            heldHere.delete(path);
            ourTokens.delete(mine.token);
            const current = await readRecord(path);
            if (current?.token === mine.token) await rm(path, { force: true });
          },
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const current = await readRecord(path);
      if (current && (await isHeld(current))) {
        const owner = current.pid === process.pid ? 'this process' : `Concord process ${current.pid}`;
        throw new Error(`the data dir ${dir} is in use by ${owner}; stop it or set CONCORD_DATA_DIR`);
      }
      // Stale (or unreadable). Only the holder of `<lock>.takeover` (itself created atomically) may remove it, and
      // only while it is still the stale record read above; everyone else waits and tries link() again.
      const takeover = `${path}.takeover`;
      const gotTakeover = await link(tmp, takeover).then(() => true, (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
        return false;
      });
      if (gotTakeover) {
        try {
          const still = await readRecord(path);
          if (still?.token === current?.token) await rm(path, { force: true });
        } finally {
          await rm(takeover, { force: true });
        }
      } else {
        const holder = await readRecord(takeover);
        // A takeover abandoned by a crash would block everyone: clear it once its owner is gone.
        if (!holder || !(await isHeld(holder))) await rm(takeover, { force: true });
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    throw new Error(`could not lock the data dir ${dir}`);
  } finally {
    await rm(tmp, { force: true });
  }
}

async function readRecord(path: string): Promise<LockRecord | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<LockRecord>;
    return typeof parsed.pid === 'number' && typeof parsed.token === 'string' ? (parsed as LockRecord) : undefined;
  } catch {
    return undefined;
  }
}

import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const MASTER_KEY_BYTES = 32;
export const MASTER_KEY_FILE = 'master.key';

/**
 * The key that seals signing keys at rest. `envValue` (the caller passes `CONCORD_MASTER_KEY`, base64 of 32
 * bytes) wins, so production can keep the key out of the data dir; otherwise `<dataDir>/master.key` is read,
 * or created on first start. The file holds base64 text so it can be copied into the variable as is.
 */
export async function loadOrCreateMasterKey(dataDir: string, envValue?: string): Promise<Buffer> {
  if (envValue !== undefined && envValue.trim() !== '') return parseMasterKey(envValue, 'CONCORD_MASTER_KEY');
  const file = join(dataDir, MASTER_KEY_FILE);
  const existing = await readMasterKeyFile(file);
  if (existing) return existing;

  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(MASTER_KEY_BYTES);
  // Written aside and hard-linked into place: link() fails if the file exists, so two processes starting at
  // once agree on one key, and nobody ever reads a half-written file.
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(tmp, file);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const winner = await readMasterKeyFile(file);
    if (!winner) throw err;
    return winner;
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

async function readMasterKeyFile(file: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return parseMasterKey(text, file);
}

function parseMasterKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  // Buffer.from(…, 'base64') silently skips bad characters, so check the alphabet first.
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : Buffer.alloc(0);
  if (key.length !== MASTER_KEY_BYTES) {
    throw new Error(`${source}: the master key must be ${MASTER_KEY_BYTES} bytes, base64-encoded`);
  }
  return key;
}

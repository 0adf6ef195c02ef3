import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The adapter's own memory of what it posted: Concord's reference → the vendor document number, or a "pending"
 * mark written before a create is sent. One small JSON file in the data dir, rewritten whole through a temp file and
 * a rename, so a crash leaves the old or the new version, never half of one. Writes are chained, so they land in
 * call order. Enough for one adapter process; several replicas would need a shared store (see the README).
 */
export interface PostingRecord {
  /** The vendor's document number, once known. */
  doc?: number;
  /** When a create was sent whose outcome is not known yet (ISO timestamp). */
  pendingSince?: string;
}

export interface KeyStore {
  get(key: string): PostingRecord | undefined;
  set(key: string, record: PostingRecord): Promise<void>;
  delete(key: string): Promise<void>;
}

export async function openKeyStore(dataDir: string): Promise<KeyStore> {
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, 'postings.json');
  const records = new Map<string, PostingRecord>();
  try {
    for (const [k, v] of Object.entries(JSON.parse(await readFile(file, 'utf8')) as Record<string, PostingRecord>)) records.set(k, v);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${file} is not readable: ${(err as Error).message}`, { cause: err });
  }
  let writing: Promise<void> = Promise.resolve();
  const persist = () => {
    const snapshot = JSON.stringify(Object.fromEntries(records));
    writing = writing.then(async () => {
      await writeFile(`${file}.tmp`, snapshot);
      await rename(`${file}.tmp`, file);
    });
    return writing;
  };
  return {
    get: (key) => records.get(key),
    set(key, record) {
      records.set(key, record);
      return persist();
    },
    delete(key) {
      records.delete(key);
      return persist();
    },
  };
}

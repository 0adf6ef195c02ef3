import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '../../platform/testing/temp-dir';
import { loadOrCreateMasterKey } from './master-key';

describe('loadOrCreateMasterKey', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => dir.remove());

  it('creates master.key with mode 0600 in a 0700 directory, and reuses it on the next call', async () => {
    const dataDir = join(dir.path, 'data');
    const key = await loadOrCreateMasterKey(dataDir);
    expect(key).toHaveLength(32);
    if (process.platform !== 'win32') {
      expect((await stat(join(dataDir, 'master.key'))).mode & 0o777).toBe(0o600);
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    }
    expect((await loadOrCreateMasterKey(dataDir)).equals(key)).toBe(true);
    expect(Buffer.from((await readFile(join(dataDir, 'master.key'), 'utf8')).trim(), 'base64').equals(key)).toBe(true);
  });

  it('gives every concurrent caller the same key', async () => {
    const keys = await Promise.all(Array.from({ length: 5 }, () => loadOrCreateMasterKey(dir.path)));
    for (const k of keys) expect(k.equals(keys[0] as Buffer)).toBe(true);
  });

  it('prefers the CONCORD_MASTER_KEY value the caller passes, and leaves the data dir alone', async () => {
    const value = Buffer.alloc(32, 7).toString('base64');
    expect((await loadOrCreateMasterKey(dir.path, value)).equals(Buffer.alloc(32, 7))).toBe(true);
    await expect(stat(join(dir.path, 'master.key'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses a key that is not 32 base64 bytes', async () => {
    await expect(loadOrCreateMasterKey(dir.path, Buffer.alloc(16).toString('base64'))).rejects.toThrow(/CONCORD_MASTER_KEY: the master key must be 32 bytes/);
    await expect(loadOrCreateMasterKey(dir.path, 'not base64!')).rejects.toThrow(/must be 32 bytes/);
    await writeFile(join(dir.path, 'master.key'), 'garbage\n');
    await expect(loadOrCreateMasterKey(dir.path)).rejects.toThrow(/master\.key: the master key must be 32 bytes/);
  });
});

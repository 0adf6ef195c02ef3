import { execFileSync } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { makeTempDir } from '../../../platform/testing/temp-dir';
import { NPM_PACK_MTIME, tar, tgz } from './tarball';

// GNU tar (or bsdtar) reads the archives: an implementation we did not write.
describe('tgz', () => {
  let tmp: { path: string; remove(): Promise<void> };
  beforeEach(async () => {
    tmp = await makeTempDir('concord-tar-');
  });
  afterEach(() => tmp.remove());

  const longName = `package/${'deeply/nested/'.repeat(6)}${'a-rather-long-file-name-'.repeat(3)}.d.ts`;
  const entries = [
    { path: 'package/' },
    { path: 'package/package.json', data: '{"name":"x","version":"1.0.0"}\n' },
    { path: 'package/README.md', data: '# héllo wörld ✓\n' },
    { path: 'package/empty.txt', data: '' },
    { path: 'package/block.bin', data: Buffer.alloc(512, 7) },
    { path: 'package/bin.js', data: '#!/usr/bin/env node\n', mode: 0o755 },
    { path: longName, data: 'export {};\n' },
  ];

  it('is read by tar: names (long ones through the ustar prefix), contents, modes and the npm pack date', async () => {
    const file = join(tmp.path, 'p.tgz');
    await writeFile(file, tgz(entries));
    const listing = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).trim().split('\n');
    expect(listing).toEqual(entries.map((e) => e.path));
    expect(longName.length).toBeGreaterThan(100);

    execFileSync('tar', ['-xzf', file, '-C', tmp.path]);
    for (const e of entries.filter((x) => x.data !== undefined)) {
      expect(await readFile(join(tmp.path, e.path))).toEqual(Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data as string));
    }
    expect((await stat(join(tmp.path, 'package/bin.js'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(tmp.path, 'package/README.md'))).mode & 0o777).toBe(0o644);
    expect((await stat(join(tmp.path, 'package/README.md'))).mtime.getTime()).toBe(NPM_PACK_MTIME.getTime());
  });

  it('is a valid ustar stream: 512-byte blocks ending in two empty ones, and the same bytes for the same files', () => {
    const raw = gunzipSync(tgz(entries));
    expect(raw).toEqual(tar(entries));
    expect(raw.length % 512).toBe(0);
    expect(raw.subarray(raw.length - 1024).every((b) => b === 0)).toBe(true);
    expect(raw.subarray(257, 263).toString('latin1')).toBe('ustar\u0000');
    expect(tgz(entries)).toEqual(tgz(entries));
  });

  it('refuses paths that would escape the extraction directory, or that do not fit', () => {
    expect(() => tar([{ path: '/etc/passwd', data: 'x' }])).toThrow(/unsafe/);
    expect(() => tar([{ path: 'package/../../x', data: 'x' }])).toThrow(/unsafe/);
    expect(() => tar([{ path: 'package/dir', data: undefined }])).toThrow(/directories/);
    expect(() => tar([{ path: `package/${'x'.repeat(120)}`, data: 'x' }])).toThrow(/too long/);
  });
});

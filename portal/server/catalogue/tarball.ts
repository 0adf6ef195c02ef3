import { gzipSync } from 'node:zlib';

export interface TarEntry {
  /** POSIX path inside the archive, e.g. `package/index.js`. Directories end with `/`. */
  path: string;
  /** File contents; omit for a directory. */
  data?: Buffer | string;
  /** Defaults to 0o644 for files and 0o755 for directories. */
  mode?: number;
}

/** `npm pack` stamps every entry with this date so that the same files give the same bytes. */
export const NPM_PACK_MTIME = new Date('1985-10-26T08:15:00.000Z');

const BLOCK = 512;

function writeString(header: Buffer, value: string, offset: number, length: number): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new Error(`tar: '${value}' does not fit in ${length} bytes`);
  bytes.copy(header, offset);
}

/** A NUL-terminated octal number filling `length` bytes. */
function writeOctal(header: Buffer, value: number, offset: number, length: number): void {
  const digits = value.toString(8);
  if (digits.length > length - 1) throw new Error(`tar: ${value} does not fit in ${length - 1} octal digits`);
  writeString(header, digits.padStart(length - 1, '0'), offset, length - 1);
}

/** Splits a path into ustar's `prefix` (≤ 155 bytes) and `name` (≤ 100 bytes) at a `/`. */
function splitPath(path: string): { name: string; prefix: string } {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' };
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name !== '') return { name, prefix };
  }
  throw new Error(`tar: path too long for ustar: ${path}`);
}

function header(entry: TarEntry, size: number, mtime: Date): Buffer {
  const isDir = entry.data === undefined;
  if (entry.path === '' || entry.path.startsWith('/') || entry.path.split('/').includes('..')) throw new Error(`tar: unsafe path '${entry.path}'`);
  if (isDir !== entry.path.endsWith('/')) throw new Error(`tar: '${entry.path}': directories (and only they) end with '/'`);
  const h = Buffer.alloc(BLOCK);
  const { name, prefix } = splitPath(entry.path);
  writeString(h, name, 0, 100);
  writeOctal(h, entry.mode ?? (isDir ? 0o755 : 0o644), 100, 8);
  writeOctal(h, 0, 108, 8); // uid
  writeOctal(h, 0, 116, 8); // gid
  writeOctal(h, size, 124, 12);
  writeOctal(h, Math.floor(mtime.getTime() / 1000), 136, 12);
  h.fill(' ', 148, 156); // checksum field counts as spaces while summing
  h.write(isDir ? '5' : '0', 156, 'latin1');
  writeString(h, 'ustar\u0000', 257, 6);
  writeString(h, '00', 263, 2);
  writeString(h, prefix, 345, 155);
  let sum = 0;
  for (const byte of h) sum += byte;
  writeString(h, `${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8);
  return h;
}

/** The uncompressed ustar archive of `entries`, in order. */
export function tar(entries: readonly TarEntry[], mtime: Date = NPM_PACK_MTIME): Buffer {
  const chunks: Buffer[] = [];
  for (const entry of entries) {
    const data = entry.data === undefined ? Buffer.alloc(0) : Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data, 'utf8');
    chunks.push(header(entry, data.length, mtime), data);
    const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
    if (pad) chunks.push(Buffer.alloc(pad));
  }
  chunks.push(Buffer.alloc(2 * BLOCK)); // end of archive
  return Buffer.concat(chunks);
}

/** A gzipped ustar archive (`.tgz`), as `npm pack` writes. */
export function tgz(entries: readonly TarEntry[], mtime: Date = NPM_PACK_MTIME): Buffer {
  return gzipSync(tar(entries, mtime), { level: 9 });
}

/**
 * The bench's tools: wrk and nginx are Debian packages, installed with apt-get when missing and the bench runs
 * as root; otherwise it says what to install. Every external command runs asynchronously, with a timeout.
 */
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { constants } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs a command; resolves with stdout and stderr whatever the exit code (some tools print versions and exit 1). */
export async function capture(command: string, args: string[], timeoutMs = 30_000, cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, ...(cwd ? { cwd } : {}) });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? e.message };
  }
}

/** The absolute path of `name` on PATH (plus /usr/sbin, where Debian puts nginx), or undefined. */
export async function which(name: string): Promise<string | undefined> {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/sbin'].filter(Boolean);
  for (const dir of dirs) {
    const path = `${dir}/${name}`;
    if (await access(path, constants.X_OK).then(() => true, () => false)) return path;
  }
  return undefined;
}

/**
 * The binary `bin` of Debian package `pkg`: found on PATH, or installed with `apt-get install -y` when running as
 * root. Throws with what to do otherwise.
 */
export async function ensureDebianPackage(bin: string, pkg: string, log: (msg: string) => void): Promise<string> {
  const found = await which(bin);
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new Error(`${bin} is not installed and the bench is not running as root: install it with \`sudo apt-get install -y ${pkg}\``);
  }
  log(`installing ${pkg} (apt-get install -y ${pkg})`);
  let res = await capture('apt-get', ['install', '-y', '--no-install-recommends', pkg], 300_000);
  if (res.code !== 0 && /Unable to locate package|has no installation candidate/.test(res.stderr)) {
    await capture('apt-get', ['update'], 300_000);
    res = await capture('apt-get', ['install', '-y', '--no-install-recommends', pkg], 300_000);
  }
  const installed = await which(bin);
  if (!installed) throw new Error(`could not install ${pkg} with apt-get (exit ${res.code}):\n${res.stderr.slice(-2000)}`);
  return installed;
}

/** `wrk -v` prints its version and exits 1. */
export async function wrkVersion(wrk: string): Promise<string> {
  const { stdout, stderr } = await capture(wrk, ['-v']);
  return /wrk\s+(\S+)/.exec(stdout + stderr)?.[1] ?? 'unknown';
}

/** `nginx -v` prints `nginx version: nginx/1.22.1` on stderr. */
export async function nginxVersion(nginx: string): Promise<string> {
  const { stdout, stderr } = await capture(nginx, ['-v']);
  return /nginx\/(\S+)/.exec(stdout + stderr)?.[1] ?? 'unknown';
}

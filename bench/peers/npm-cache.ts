/**
 * npm packages the bench needs but the project does not depend on (a peer gateway, large API descriptions),
 * installed once into a cache dir outside the repo: `$CONCORD_BENCH_CACHE`, default ~/.cache/concord-bench.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { capture } from './tools';

export function cacheDir(): string {
  return process.env.CONCORD_BENCH_CACHE ?? join(homedir(), '.cache', 'concord-bench');
}

/**
 * `npm install name@version …` into `<cache>/<slot>` unless already there; returns each package's dir.
 * In the cache dir (cwd), never in the repo: npm installs into the project it runs in.
 */
export async function ensureCachedPackages(slot: string, packages: Record<string, string>, log: (msg: string) => void): Promise<Record<string, string>> {
  const dir = join(cacheDir(), slot);
  const dirs = Object.fromEntries(Object.keys(packages).map((name) => [name, join(dir, 'node_modules', name)]));
  const versionOf = (name: string) =>
    readFile(join(dirs[name] as string, 'package.json'), 'utf8').then((s) => (JSON.parse(s) as { version: string }).version, () => undefined);
  const missing: string[] = [];
  for (const [name, version] of Object.entries(packages)) if ((await versionOf(name)) !== version) missing.push(`${name}@${version}`);
  if (missing.length === 0) return dirs;
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: `concord-bench-${slot}`, private: true }));
  log(`installing ${missing.join(', ')} into ${dir}`);
  const res = await capture('npm', ['install', '--no-audit', '--no-fund', ...missing], 900_000, dir);
  if (res.code !== 0) throw new Error(`npm install ${missing.join(' ')} failed (exit ${res.code}):\n${res.stderr.slice(-2000)}`);
  return dirs;
}

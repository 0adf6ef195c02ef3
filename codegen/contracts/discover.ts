import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { compareOrdinal } from './order';

const CONTRACT_FILE = /\.ya?ml$/;

async function walk(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const nested = await Promise.all(
    entries.map(async (e) => {
      const p = join(dir, e.name);
      if (e.isDirectory()) return walk(p);
      return CONTRACT_FILE.test(e.name) ? [p] : [];
    }),
  );
  return nested.flat();
}

/** Every contract file under `<root>/contracts`, sorted so that everything downstream is deterministic. */
export async function discoverContractFiles(root: string): Promise<string[]> {
  return discoverFilesUnder(join(root, 'contracts'), root);
}

/** Every YAML file under `dir`, sorted by its path relative to `base`. */
export async function discoverFilesUnder(dir: string, base = dir): Promise<string[]> {
  const files = await walk(dir);
  return files.sort((a, b) => compareOrdinal(toPosix(relative(base, a)), toPosix(relative(base, b))));
}

export const toPosix = (p: string): string => p.split(sep).join('/');

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The nearest folder at or above `from` holding a package.json. The same code runs from the sources (ts-jest,
 * tsx) and compiled under dist/, which has no package.json, so both find the package's own root.
 */
export function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json at or above ${from}`);
  }
}

/** Concord's package root: contracts/, generated/, portal/web and package.json live here. */
export const PACKAGE_ROOT = findPackageRoot(__dirname);

import { mkdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '../platform/testing/temp-dir';

interface BuildScript {
  staleness(root: string): string | undefined;
  compile(root: string): { files: number; ms: number };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { compile, staleness } = require('./build.js') as BuildScript;

/** A tiny package laid out like Concord: two sources, one importing the other without an extension. */
async function project(): Promise<{ root: string; remove(): Promise<void> }> {
  const dir = await makeTempDir('concord-build-');
  await mkdir(join(dir.path, 'platform', 'db'), { recursive: true });
  await writeFile(join(dir.path, 'platform', 'db', 'answer.ts'), 'export const answer: number = 42;\n');
  await writeFile(join(dir.path, 'platform', 'main.ts'), "import { answer } from './db/answer';\nexport const main = (): string => `answer ${answer}`;\n");
  await writeFile(join(dir.path, 'platform', 'main.test.ts'), 'it("is not compiled", () => {});\n');
  return { root: dir.path, remove: dir.remove };
}

/** Moves a file's modification time relative to the build stamp's, instead of waiting for the clock. */
async function touch(path: string, secondsAfterStamp: number, root: string): Promise<void> {
  const stamp = (await stat(join(root, 'dist', '.build-stamp'))).mtimeMs;
  const at = new Date(stamp + secondsAfterStamp * 1000);
  await utimes(path, at, at);
}

describe('the build (scripts/build.js)', () => {
  let p: { root: string; remove(): Promise<void> };
  beforeEach(async () => {
    p = await project();
  });
  afterEach(() => p.remove());

  it('compiles each source to CommonJS under dist/, tests excluded, and the output runs', async () => {
    expect(staleness(p.root)).toBe('dist/ is not built yet');
    expect(compile(p.root).files).toBe(2);
    await expect(stat(join(p.root, 'dist', 'platform', 'main.test.js'))).rejects.toThrow(/ENOENT/);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const compiled = require(join(p.root, 'dist', 'platform', 'main.js')) as { main(): string };
    expect(compiled.main()).toBe('answer 42');
  });

  it('is up to date after a build, and stale once a source is edited', async () => {
    compile(p.root);
    expect(staleness(p.root)).toBeUndefined();
    // An edit after the build: the source is newer than the stamp.
    const stamp = join(p.root, 'dist', '.build-stamp');
    const before = new Date((await stat(join(p.root, 'platform', 'db', 'answer.ts'))).mtimeMs - 60_000);
    await utimes(stamp, before, before);
    expect(staleness(p.root)).toBe('sources changed since the last build');
    compile(p.root);
    expect(staleness(p.root)).toBeUndefined();
  });

  it('is stale once a source is added or removed (the folder changes), not when a file older than the build is seen', async () => {
    compile(p.root);
    const added = join(p.root, 'platform', 'db', 'more.ts');
    await writeFile(added, 'export const more = 1;\n');
    await touch(added, -60, p.root);
    await touch(join(p.root, 'platform', 'db'), 5, p.root);
    expect(staleness(p.root)).toBe('sources changed since the last build');
    compile(p.root);
    expect(await readFile(join(p.root, 'dist', 'platform', 'db', 'more.js'), 'utf8')).toContain('more');
  });

  it('removes the output of a source that is gone', async () => {
    compile(p.root);
    await rm(join(p.root, 'platform', 'db', 'answer.ts'));
    await writeFile(join(p.root, 'platform', 'main.ts'), 'export const main = (): string => "alone";\n');
    compile(p.root);
    await expect(stat(join(p.root, 'dist', 'platform', 'db', 'answer.js'))).rejects.toThrow(/ENOENT/);
  });
});

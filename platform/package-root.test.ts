import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PACKAGE_ROOT, findPackageRoot } from './package-root';
import { REPO_ROOT, makeTempDir } from './testing/temp-dir';

describe('findPackageRoot', () => {
  it('finds the package from its sources and from its compiled copy under dist/ alike', async () => {
    const dir = await makeTempDir();
    try {
      await writeFile(join(dir.path, 'package.json'), '{}');
      await mkdir(join(dir.path, 'dist', 'platform', 'cli'), { recursive: true });
      expect(findPackageRoot(join(dir.path, 'platform', 'cli'))).toBe(dir.path);
      expect(findPackageRoot(join(dir.path, 'dist', 'platform', 'cli'))).toBe(dir.path);
    } finally {
      await dir.remove();
    }
  });

  it("is Concord's own root here", () => {
    expect(PACKAGE_ROOT).toBe(REPO_ROOT.replace(/\/$/, ''));
  });
});

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { discoverContractFiles, toPosix } from './discover';
import { contractsDigest } from './load';

/**
 * The digest `loadContracts` computes, from the files' bytes alone: no YAML is parsed, so it costs a read and a hash
 * per file. Equal to generated/'s digest, it proves the contracts are the ones generated/ was made from.
 */
export async function contractsFingerprint(root: string): Promise<string> {
  const paths = await discoverContractFiles(root);
  const files = await Promise.all(
    paths.map(async (abs) => ({ rel: toPosix(relative(root, abs)), sha256: createHash('sha256').update(await readFile(abs, 'utf8')).digest('hex') })),
  );
  return contractsDigest(files);
}

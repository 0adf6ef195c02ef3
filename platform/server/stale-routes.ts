import { resolve } from 'node:path';

/**
 * Why `start` refuses contracts its routes were not generated from. The routes served are always this package's
 * own `generated/`: for the package's contracts the fix is to regenerate; for contracts elsewhere (`--root DIR`)
 * regenerating there changes nothing `start` loads, so say so instead of giving that advice.
 */
export function staleRoutesMessage(contractsRoot: string, packageRoot: string): string {
  if (resolve(contractsRoot) === resolve(packageRoot)) {
    return 'generated/ does not match contracts/: run `npm run generate` (the gateway would serve stale routes)';
  }
  return (
    `the contracts in ${contractsRoot} are not the ones this Concord's routes were generated from: \`concord start\` serves ` +
    `the routes generated in its own package (${packageRoot}/generated), and \`generate --root\` does not change them. ` +
    'Start without --root to serve the package’s contracts.'
  );
}

import type * as CatalogueModule from './index';
import type { CatalogueService, CatalogueServiceOptions } from './index';

/**
 * The catalogue service, loaded on its first use. Its modules bring the TypeScript compiler (client packages), the
 * governance diff and the contract loaders: tens of megabytes of heap that a gateway serving API traffic would
 * otherwise carry, and that the garbage collector then walks on every major collection of the hot path.
 */
export function createLazyCatalogueService(opts: CatalogueServiceOptions): CatalogueService {
  let service: CatalogueService | undefined;
  const get = (): CatalogueService => {
    // require, not import(): Jest runs this code as CommonJS, where a dynamic import needs a VM flag.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    service ??= (require('./index') as typeof CatalogueModule).createCatalogueService(opts);
    return service;
  };
  return {
    catalogue: (role) => get().catalogue(role),
    document: (id, role) => get().document(id, role),
    changelog: (id, role) => get().changelog(id, role),
    clientTarball: (id, role) => get().clientTarball(id, role),
  };
}

import type { ApiCatalogue, Catalogue, PortalRole } from './catalogue';
import { buildCatalogue, findVersion, visibleTo } from './catalogue';
import type { Changelog, ChangelogOptions } from './changelog';
import { changelogFor } from './changelog';
import type { ClientTarball } from './client-package';
import { buildClientTarball } from './client-package';
import { bundleDocument } from './document';
import type { ContractFile } from '../../../codegen/contracts/types';

export type { ApiCatalogue, Catalogue, CatalogueApi, CatalogueEntry, CatalogueVersion, PortalRole } from './catalogue';
export { CATALOGUE_ENTRIES, buildCatalogue, findVersion, isVisible, visibleTo } from './catalogue';
export type { Changelog, ChangelogEntry, ChangelogOptions } from './changelog';
export { changelogFor, toChangelogEntry } from './changelog';
export type { ClientPackageOptions, ClientTarball } from './client-package';
export { buildClientTarball } from './client-package';
export { bundleDocument, bundleDocumentSet } from './document';
export type { UsageExample } from './usage-example';
export { usageExample } from './usage-example';

import { partnerView } from './partner-view';

export interface CatalogueServiceOptions {
  /** The directory holding `contracts/` (the repo root). */
  contractsRoot: string;
  /** The directory holding `generated/` (the repo root). */
  generatedRoot: string;
  /** Concord's package.json by default: where the client packages' dependency ranges come from. */
  packageJson?: string;
  /** API documents served from the catalogue's contract directories (outside `contracts/`), listed too. */
  external?: readonly ContractFile[];
  /** The deprecation policy's day for changelogs (YYYY-MM-DD); defaults to today. */
  today?: ChangelogOptions['today'];
}

/** What the portal's catalogue endpoints serve. Every method answers undefined for an id `role` may not see (404). */
export interface CatalogueService {
  /** `GET /portal/v1/apis` */
  catalogue(role: PortalRole): Promise<ApiCatalogue>;
  /** `GET /portal/v1/apis/{apiId}/document` */
  document(id: string, role: PortalRole): Promise<Record<string, unknown> | undefined>;
  /** `GET /portal/v1/apis/{apiId}/changelog` */
  changelog(id: string, role: PortalRole): Promise<Changelog | undefined>;
  /** `GET /portal/v1/apis/{apiId}/client`; also undefined for the event catalogue, which has no client. */
  clientTarball(id: string, role: PortalRole): Promise<ClientTarball | undefined>;
}

/** Memoizes a promise-returning function by key, forgetting failures so that the next call tries again. */
function memo<T>(): (key: string, make: () => Promise<T>) => Promise<T> {
  const results = new Map<string, Promise<T>>();
  return (key, make) => {
    let result = results.get(key);
    if (!result) {
      const made = make();
      results.set(key, (result = made));
      made.catch(() => {
        if (results.get(key) === made) results.delete(key);
      });
    }
    return result;
  };
}

/**
 * The portal's catalogue, reference documents, changelogs and client downloads, built from the contracts on
 * first use and cached from then on (documents until their files change on disk). Visibility: see `isVisible`.
 */
export function createCatalogueService(opts: CatalogueServiceOptions): CatalogueService {
  const once = memo<Catalogue>();
  const load = (): Promise<Catalogue> => once('', () => buildCatalogue(opts.contractsRoot, opts.external));
  const tarballs = memo<ClientTarball | undefined>();

  return {
    async catalogue(role) {
      return visibleTo(await load(), role);
    },
    async document(id, role) {
      const entry = findVersion(await load(), id, role);
      if (!entry) return undefined;
      const doc = await bundleDocument(entry.file);
      return role === 'admin' || entry.api.kind !== 'openapi' ? doc : partnerView(doc);
    },
    async changelog(id, role) {
      const catalogue = await load();
      if (!findVersion(catalogue, id, role)) return undefined;
      return changelogFor(catalogue, id, opts.contractsRoot, opts.today === undefined ? {} : { today: opts.today });
    },
    async clientTarball(id, role) {
      const catalogue = await load();
      if (!findVersion(catalogue, id, role)) return undefined;
      return tarballs(id, () =>
        buildClientTarball(id, { catalogue, generatedRoot: opts.generatedRoot, ...(opts.packageJson ? { packageJson: opts.packageJson } : {}) }),
      );
    },
  };
}

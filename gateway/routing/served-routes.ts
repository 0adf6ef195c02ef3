import type { ContractSet } from '../../codegen/contracts';
import { loadContractDir, loadContracts } from '../../codegen/contracts';
import { ContractLoadError } from '../../codegen/contracts/types';
import type { RouteManifestEntry } from '../../codegen/manifest-types';
import { contractsFingerprint } from '../../codegen/contracts/fingerprint';
import { buildRuntimeManifest } from '../../codegen/runtime-manifest';
import type { Catalogue, ContractSource } from '../../platform/catalogue/types';
import { BUILT_IN_SERVICES } from '../../platform/catalogue/types';
import type { Logger } from '../../platform/logger';

/** How one source of contracts fared at start-up; `/readyz` lists these under `contracts`. */
export interface ContractSourceStatus {
  /** `contracts/` for the package's own, else the directory the catalogue names. */
  source: string;
  profile: 'concord' | 'import';
  state: 'up' | 'down';
  /** Why a directory is down: the first problems of its contracts. */
  reason?: string;
  operations: number;
  /** House-rule findings the import profile reported instead of refusing. */
  warnings: number;
}

export interface ServedRoutes {
  /** Every route to register: the package's, then each healthy catalogue directory's. */
  routes: RouteManifestEntry[];
  /** Scopes the catalogue directories declare or use: added to the known scopes, so apps can be granted them. */
  externalScopes: ReadonlySet<string>;
  /** The catalogue directories that loaded, for the portal's catalogue. */
  externalSets: ContractSet[];
  /** The package's contracts when they differ from generated/ and were loaded here. */
  packageSet?: ContractSet;
  contracts: ContractSourceStatus[];
}

export const isBuiltInService = (name: string): boolean => (BUILT_IN_SERVICES as readonly string[]).includes(name);

const clashKey = (r: Pick<RouteManifestEntry, 'method' | 'path'>): string => `${r.method} ${r.path.replace(/\{[^}/]+\}/g, '{}')}`;

function reasonOf(err: unknown): string {
  if (err instanceof ContractLoadError) {
    const shown = err.problems.slice(0, 3).map((p) => `${p.file}#${p.pointer}: ${p.message}`);
    return shown.join('; ') + (err.problems.length > 3 ? `; and ${err.problems.length - 3} more` : '');
  }
  return (err as Error).message;
}

/**
 * Which routes this instance serves. The package's own contracts use generated/ when it matches them (the fast
 * path: validators compiled at generate time) and a manifest built here when they changed since. Each contract
 * directory of the catalogue is loaded, checked and compiled here; one that is broken is reported `down` and left
 * out, so it never takes the other APIs with it. Naming an upstream the catalogue lacks is a configuration error
 * and stops start-up, wherever the contract is.
 */
export async function resolveServedRoutes(opts: {
  root: string;
  catalogue: Catalogue;
  generated: { routes: readonly RouteManifestEntry[]; contractsDigest: string };
  logger: Logger;
}): Promise<ServedRoutes> {
  const { catalogue, logger } = opts;
  let packageSet: ContractSet | undefined;
  let own: readonly RouteManifestEntry[] = opts.generated.routes;
  if ((await contractsFingerprint(opts.root)) !== opts.generated.contractsDigest) {
    packageSet = await loadContracts(opts.root);
    own = buildRuntimeManifest(packageSet);
    logger.warn(
      { root: opts.root, operations: own.length },
      'contracts/ differs from generated/: serving it from a manifest built at start-up (run `npm run generate` for the generated fast path)',
    );
  }
  checkUpstreams(own, catalogue);

  const routes = [...own];
  const served = new Map(routes.map((r) => [clashKey(r), r.contract]));
  const knownScopes = new Set(routes.flatMap((r) => r.scopes));
  const externalScopes = new Set<string>();
  const externalSets: ContractSet[] = [];
  const contracts: ContractSourceStatus[] = [{ source: 'contracts/', profile: 'concord', state: 'up', operations: own.length, warnings: 0 }];

  for (const source of catalogue.contracts) {
    const status: ContractSourceStatus = { source: source.dir, profile: source.profile, state: 'down', operations: 0, warnings: 0 };
    contracts.push(status);
    let set: ContractSet;
    let dirRoutes: RouteManifestEntry[];
    try {
      set = await loadContractDir({ dir: source.dir, profile: profileOf(source) }, { knownScopes });
      dirRoutes = buildRuntimeManifest(set);
    } catch (err) {
      status.reason = reasonOf(err);
      logger.error({ dir: source.dir, reason: status.reason }, 'a catalogue contract directory is broken: its routes are not served');
      continue;
    }
    checkUpstreams(dirRoutes, catalogue);
    const clash = dirRoutes.find((r) => served.has(clashKey(r)));
    if (clash) {
      status.reason = `${clash.contract}: ${clash.method} ${clash.path} is already served by ${served.get(clashKey(clash))}`;
      logger.error({ dir: source.dir, reason: status.reason }, 'a catalogue contract directory clashes with routes already served: its routes are not served');
      continue;
    }
    for (const w of set.warnings) logger.warn({ file: w.file, pointer: w.pointer }, `import profile: ${w.message}`);
    for (const r of dirRoutes) served.set(clashKey(r), r.contract);
    for (const s of set.scopes) externalScopes.add(s);
    routes.push(...dirRoutes);
    externalSets.push(set);
    Object.assign(status, { state: 'up', operations: dirRoutes.length, warnings: set.warnings.length });
    logger.info({ dir: source.dir, profile: source.profile, operations: dirRoutes.length, warnings: set.warnings.length }, 'catalogue contracts loaded');
  }
  return { routes, externalScopes, externalSets, ...(packageSet ? { packageSet } : {}), contracts };
}

const profileOf = (source: ContractSource): { name: 'concord' | 'import'; upstream?: string } => ({
  name: source.profile,
  ...(source.upstream ? { upstream: source.upstream } : {}),
});

/** Every route's upstream is a built-in service or a catalogue upstream; anything else is a start error naming them. */
export function checkUpstreams(routes: readonly RouteManifestEntry[], catalogue: Catalogue): void {
  const missing = routes.filter((r) => !isBuiltInService(r.upstream) && !catalogue.upstreams[r.upstream]);
  if (missing.length === 0) return;
  const where = catalogue.file ?? 'the catalogue (no concord.yaml found)';
  throw new Error(
    `x-concord-upstream names an upstream ${where} does not declare:\n` +
      missing.map((r) => `  ${r.contract}: ${r.operationId} (${r.method} ${r.path}) -> '${r.upstream}'`).join('\n'),
  );
}

import { join } from 'node:path';
import type { ContractSet } from '../../codegen/contracts';
import { SCOPE_CATALOGUE } from '../../codegen/contracts/extensions';
import { getAtPointer } from '../../codegen/contracts/json-pointer';
import { readContract } from '../../codegen/contracts/read';
import { isObject } from '../../codegen/contracts/types';
import type { EventCatalogueEntry, RouteManifestEntry } from '../../codegen/manifest-types';
import { eventCatalogue } from '../../generated/events';
import { contractsDigest, routes } from '../../generated/routes';

/** What `concord start` needs of contracts/: the operations and events it serves, and the scope catalogue. */
export interface ServedContracts {
  /** The digest of the contracts served: generated/'s, or that of the changed ones loaded at start-up. */
  digest: string;
  operations: readonly RouteManifestEntry[];
  events: readonly EventCatalogueEntry[];
  scopes: ReadonlySet<string>;
}

/** The package's contracts as loaded and checked at start-up because they differ from generated/. */
export function servedFromContractSet(set: ContractSet, operations: readonly RouteManifestEntry[]): ServedContracts {
  return { digest: set.digest, operations, events: Object.values(eventCatalogue), scopes: set.scopes };
}

/**
 * What start serves of contracts/ when they are generated/'s byte for byte (`resolveServedRoutes` has checked the
 * digest): generated/'s operations and events, and the scope catalogue, the one file read here. Changed contracts
 * never come here: they are loaded and checked in full, then served through `servedFromContractSet`.
 */
export async function loadServedContracts(root: string): Promise<ServedContracts> {
  const { file, problems } = await readContract(root, join(root, SCOPE_CATALOGUE.file));
  const catalogue = file ? getAtPointer(file.doc, SCOPE_CATALOGUE.pointer) : undefined;
  if (!isObject(catalogue)) throw new Error(`${SCOPE_CATALOGUE.file}: the scope catalogue is missing${problems[0] ? ` (${problems[0].message})` : ''}`);
  return { digest: contractsDigest, operations: routes, events: Object.values(eventCatalogue), scopes: new Set(Object.keys(catalogue)) };
}

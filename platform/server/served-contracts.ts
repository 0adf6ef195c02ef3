import { join } from 'node:path';
import type { ContractSet } from '../../codegen/contracts';
import { loadContracts } from '../../codegen/contracts';
import { SCOPE_CATALOGUE } from '../../codegen/contracts/extensions';
import { contractsFingerprint } from '../../codegen/contracts/fingerprint';
import { getAtPointer } from '../../codegen/contracts/json-pointer';
import { readContract } from '../../codegen/contracts/read';
import { isObject } from '../../codegen/contracts/types';
import type { EventCatalogueEntry, RouteManifestEntry } from '../../codegen/manifest-types';
import { eventCatalogue } from '../../generated/events';
import { contractsDigest, routes } from '../../generated/routes';

/** What `concord start` needs of contracts/: the operations and events it serves, and the scope catalogue. */
export interface ServedContracts {
  /** The digest of contracts/ as found; start refuses to serve when it is not generated/'s. */
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
 * The contracts under `root`, checked against generated/ without parsing them all: when the files' digest is
 * generated/'s, they are byte for byte what `concord generate` validated and compiled, so the operations and events
 * are generated/'s and only the scope catalogue is read. Otherwise they are loaded as `generate` would (without the
 * OpenAPI/AsyncAPI parsers), so a broken contract is reported with its file and pointer before the digest mismatch.
 */
export async function loadServedContracts(root: string): Promise<ServedContracts> {
  if ((await contractsFingerprint(root)) !== contractsDigest) {
    const set = await loadContracts(root, { validate: false });
    return { digest: set.digest, operations: routes, events: Object.values(eventCatalogue), scopes: set.scopes };
  }
  const { file, problems } = await readContract(root, join(root, SCOPE_CATALOGUE.file));
  const catalogue = file ? getAtPointer(file.doc, SCOPE_CATALOGUE.pointer) : undefined;
  if (!isObject(catalogue)) throw new Error(`${SCOPE_CATALOGUE.file}: the scope catalogue is missing${problems[0] ? ` (${problems[0].message})` : ''}`);
  return { digest: contractsDigest, operations: routes, events: Object.values(eventCatalogue), scopes: new Set(Object.keys(catalogue)) };
}

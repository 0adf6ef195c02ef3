import type { DiffChange } from '../../../governance/diff';
import { diffFiles } from '../../../governance/diff';
import type { components } from '../../../generated/types/platform/portal.v1';
import type { Catalogue, CatalogueEntry } from './catalogue';
import { CATALOGUE_ENTRIES } from './catalogue';

export type Changelog = components['schemas']['Changelog'];
export type ChangelogEntry = components['schemas']['ChangelogEntry'];

export interface ChangelogOptions {
  /** YYYY-MM-DD for the deprecation policy (a removal before or after its sunset); defaults to today (UTC). */
  today?: string;
}

/** Results per catalogue entry (a catalogue and its `visibleTo` views share them), then per day and root. */
const cache = new WeakMap<CatalogueEntry, Map<string, Promise<Changelog>>>();

/** `GET /v2/orders (createOrder)` → `GET /v2/orders`; AsyncAPI operations (`send orders.created`) stay. */
const operationLabel = (operation: string): string => operation.replace(/ \([^()]*\)$/, '');

export function toChangelogEntry(change: DiffChange): ChangelogEntry {
  const operation = change.location.operation;
  return { id: change.id, level: change.level, message: change.message, ...(operation ? { operation: operationLabel(operation) } : {}) };
}

/** The version of the same API with the highest major below this one's. */
function previousOf(catalogue: Catalogue, entry: CatalogueEntry): CatalogueEntry | undefined {
  const older = entry.api.versions.filter((v) => v.major < entry.version.major).sort((a, b) => b.major - a.major)[0];
  return older ? catalogue[CATALOGUE_ENTRIES].get(older.id) : undefined;
}

/**
 * What changed from the previous major version of an API to `id`: the governance diff
 * (`concord contracts diff PREVIOUS THIS`) of the two contract files and everything they reference. Across
 * majors the breaking changes are the migration list, reported as `info` and marked `(v<major> migration)`.
 * The first version of an API has `previous: null` and no changes. Undefined for an id the catalogue does
 * not have (visibility is the caller's: see `findVersion`). Cached: contracts do not change while Concord runs.
 */
export async function changelogFor(
  catalogue: Catalogue,
  id: string,
  contractsRoot: string,
  opts: ChangelogOptions = {},
): Promise<Changelog | undefined> {
  const entry = catalogue[CATALOGUE_ENTRIES].get(id);
  if (!entry) return undefined;
  const today = opts.today ?? new Date().toISOString().slice(0, 10);
  let byKey = cache.get(entry);
  if (!byKey) cache.set(entry, (byKey = new Map()));
  const key = `${today}\0${contractsRoot}`;
  let result = byKey.get(key);
  if (!result) {
    result = compute(catalogue, entry, contractsRoot, today);
    byKey.set(key, result);
    const cached = result;
    result.catch(() => {
      if (byKey.get(key) === cached) byKey.delete(key);
    });
  }
  return result;
}

async function compute(catalogue: Catalogue, entry: CatalogueEntry, contractsRoot: string, today: string): Promise<Changelog> {
  const previous = previousOf(catalogue, entry);
  if (!previous) return { api: entry.version.id, previous: null, changes: [] };
  const { changes } = await diffFiles(previous.file, entry.file, { root: contractsRoot, today });
  return {
    api: entry.version.id,
    previous: previous.version.id,
    changes: changes.filter((c) => c.id !== 'breaking-change-needs-new-major').map(toChangelogEntry),
  };
}

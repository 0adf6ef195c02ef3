import { basename, relative } from 'node:path';
import { discoverContractFiles, toPosix } from '../../../codegen/contracts/discover';
import { compareOrdinal } from '../../../codegen/contracts/order';
import { readContract } from '../../../codegen/contracts/read';
import type { ContractFile, ContractProblem } from '../../../codegen/contracts/types';
import { ContractLoadError, isObject } from '../../../codegen/contracts/types';
import type { components } from '../../../generated/types/platform/portal.v1';

export type ApiCatalogue = components['schemas']['ApiCatalogue'];
export type CatalogueApi = components['schemas']['CatalogueApi'];
export type CatalogueVersion = components['schemas']['CatalogueVersion'];
export type PortalRole = components['schemas']['User']['role'];

/** What the catalogue knows about one API version beyond what it serves: where its contract is. */
export interface CatalogueEntry {
  api: CatalogueApi;
  version: CatalogueVersion;
  /** Absolute path of the contract file. */
  file: string;
}

/**
 * The entries of a catalogue by version id. A symbol key, so `JSON.stringify` (and so every HTTP response)
 * leaves it out: the served catalogue is exactly `ApiCatalogue`.
 */
export const CATALOGUE_ENTRIES: unique symbol = Symbol('concord.catalogue.entries');

export interface Catalogue extends ApiCatalogue {
  readonly [CATALOGUE_ENTRIES]: ReadonlyMap<string, CatalogueEntry>;
}

const API_GROUPS = ['process', 'system', 'platform'] as const;
const GROUP_ORDER: ReadonlyArray<CatalogueApi['group']> = ['process', 'system', 'platform', 'events'];
const CONTRACT_PATH = /^contracts\/(openapi\/(process|system|platform)|asyncapi)\/[^/]+\.ya?ml$/;
/** The portal's own API: served to the portal, never listed in it. */
const isPortalApi = (api: Pick<CatalogueApi, 'group' | 'name'>): boolean => api.group === 'platform' && api.name === 'portal';

const string = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const info = (doc: Record<string, unknown>): Record<string, unknown> => (isObject(doc.info) ? doc.info : {});

/** `x-sunset` as `YYYY-MM-DD` (the contracts write RFC 3339 dates or date-times). */
function sunsetOf(doc: Record<string, unknown>): string | undefined {
  const v = doc['x-sunset'];
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return string(v)?.slice(0, 10);
}

function audienceOf(file: ContractFile): CatalogueApi['audience'] {
  if (file.group === 'system') return 'internal';
  return file.doc['x-concord-audience'] === 'internal' ? 'internal' : 'partner';
}

interface Found {
  file: ContractFile;
  name: string;
  major: number;
}

function identify(file: ContractFile): Found | undefined {
  if (file.kind === 'asyncapi') {
    const m = /^v?(\d+)/.exec(string(info(file.doc).version) ?? '');
    const major = m ? Number(m[1]) : NaN;
    if (!(major >= 1)) throw new ContractLoadError([{ file: file.rel, pointer: '/info/version', message: 'info.version must start with a major version ≥ 1' }]);
    return { file, name: basename(file.abs).replace(/\.ya?ml$/, ''), major };
  }
  if (!(API_GROUPS as readonly string[]).includes(file.group) || !file.api || !file.version) return undefined;
  return { file, name: file.api, major: file.version };
}

/**
 * The API catalogue of the contracts under `<contractsRoot>/contracts`: every API of `openapi/{process,system,
 * platform}/*.v<major>.yaml` and every AsyncAPI catalogue under `asyncapi/` (`events.v<major of info.version>`),
 * each with its major versions, oldest first. Throws a ContractLoadError when a contract does not parse.
 * `external`: the API documents of the catalogue's contract directories that start-up served, listed with the
 * process APIs.
 */
export async function buildCatalogue(contractsRoot: string, external: readonly ContractFile[] = []): Promise<Catalogue> {
  const paths = (await discoverContractFiles(contractsRoot)).filter((p) => CONTRACT_PATH.test(toPosix(relative(contractsRoot, p))));
  const read: Array<{ file?: ContractFile; problems: ContractProblem[] }> = await Promise.all(paths.map((p) => readContract(contractsRoot, p)));
  const problems = read.flatMap((r) => r.problems);
  if (problems.length > 0) throw new ContractLoadError(problems);
  read.push(...external.filter((f) => f.group !== 'common').map((file) => ({ file, problems: [] })));

  const byName = new Map<string, Found[]>();
  for (const r of read) {
    const found = r.file && identify(r.file);
    if (!found) continue;
    const key = `${found.file.group}/${found.name}`;
    byName.set(key, [...(byName.get(key) ?? []), found]);
  }

  const names = new Map<string, string>();
  const entries = new Map<string, CatalogueEntry>();
  const items: CatalogueApi[] = [];
  for (const [key, found] of byName) {
    found.sort((a, b) => a.major - b.major);
    const latest = found[found.length - 1] as Found;
    const duplicate = found.find((f, i) => i > 0 && f.major === found[i - 1]?.major);
    if (duplicate) throw new ContractLoadError([{ file: duplicate.file.rel, pointer: '', message: `a second contract for ${latest.name} v${duplicate.major}` }]);
    const other = names.get(latest.name);
    if (other) throw new ContractLoadError([{ file: latest.file.rel, pointer: '', message: `API name ${latest.name} is also used by ${other}` }]);
    names.set(latest.name, key);

    const api: CatalogueApi = {
      name: latest.name,
      title: string(info(latest.file.doc).title) ?? latest.name,
      group: latest.file.group as CatalogueApi['group'],
      kind: latest.file.kind,
      audience: audienceOf(latest.file),
      versions: [],
    };
    found.forEach((f, i) => {
      const next = found[i + 1];
      const sunset = sunsetOf(f.file.doc);
      const version: CatalogueVersion = {
        id: `${f.name}.v${f.major}`,
        major: f.major,
        version: string(info(f.file.doc).version) ?? `${f.major}.0.0`,
        status: f.file.doc['x-concord-deprecated'] === true ? 'deprecated' : 'current',
        ...(sunset ? { sunset } : {}),
        ...(next ? { successor: `${next.name}.v${next.major}` } : {}),
      };
      api.versions.push(version);
      entries.set(version.id, { api, version, file: f.file.abs });
    });
    items.push(api);
  }
  items.sort((a, b) => GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group) || compareOrdinal(a.name, b.name));
  // Shared by every request (and every view): read-only from here on.
  for (const api of items) {
    api.versions.forEach((v) => Object.freeze(v));
    Object.freeze(api.versions);
    Object.freeze(api);
  }
  for (const entry of entries.values()) Object.freeze(entry);
  return Object.freeze({ items: Object.freeze(items) as CatalogueApi[], [CATALOGUE_ENTRIES]: entries });
}

/**
 * Whether `role` may see an API. Partners see partner-audience APIs (the process APIs, auth, the event
 * catalogue), never a system API or the admin API; admins see everything. Nobody sees the portal API itself.
 */
export function isVisible(api: Pick<CatalogueApi, 'group' | 'name' | 'audience'>, role: PortalRole): boolean {
  if (isPortalApi(api)) return false;
  if (role === 'admin') return true;
  return api.audience === 'partner' && api.group !== 'system' && !(api.group === 'platform' && api.name === 'admin');
}

const views = new WeakMap<Catalogue, Partial<Record<PortalRole, Catalogue>>>();

/** The part of the catalogue `role` may see. The same catalogue and role give the same (shared, read-only) object. */
export function visibleTo(catalogue: Catalogue, role: PortalRole): Catalogue {
  let byRole = views.get(catalogue);
  if (!byRole) views.set(catalogue, (byRole = {}));
  let view = byRole[role];
  if (!view) {
    const items = catalogue.items.filter((api) => isVisible(api, role));
    const entries = new Map([...catalogue[CATALOGUE_ENTRIES]].filter(([, e]) => isVisible(e.api, role)));
    view = Object.freeze({ items: Object.freeze(items) as CatalogueApi[], [CATALOGUE_ENTRIES]: entries });
    byRole[role] = view;
  }
  return view;
}

/** One API version `role` may see, with its contract file; undefined (a 404) for an unknown or hidden id. */
export function findVersion(catalogue: Catalogue, id: string, role: PortalRole): CatalogueEntry | undefined {
  const entry = catalogue[CATALOGUE_ENTRIES].get(id);
  return entry && isVisible(entry.api, role) ? entry : undefined;
}

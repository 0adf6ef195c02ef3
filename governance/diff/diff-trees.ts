import { join, relative } from 'node:path';
import { discoverContractFiles, toPosix } from '../../codegen/contracts/discover';
import type { DocumentSet } from '../model/document-set';
import { loadDocumentSet } from '../model/document-set';
import type { FileCache } from '../model/document-set';
import type { DiffChange } from './changes';
import type { DeprecationPolicy } from './deprecation';
import { deprecationOf } from './deprecation';
import { diffDocuments, kindOf } from './diff-documents';
import { RULES } from './rules';

/** Component libraries are compared through the contracts that reference them, never on their own. */
const isEntry = (rel: string) => !rel.startsWith('contracts/openapi/common/');

export interface TreeDiff {
  /** Every contract file compared, changed or not, repo-relative. */
  contracts: string[];
  changes: DiffChange[];
}

/**
 * Compares two checkouts' `contracts/` trees. Each API contract is compared with the files it references,
 * so a change to a shared schema shows up in every API that uses it.
 */
export async function diffTrees(
  baseRoot: string,
  headRoot: string,
  policy: DeprecationPolicy,
  caches: { base: FileCache; head: FileCache } = { base: new Map(), head: new Map() },
  maxBytes?: number,
): Promise<TreeDiff> {
  const rels = async (root: string) => (await discoverContractFiles(root)).map((abs) => toPosix(relative(root, abs))).filter(isEntry);
  const [baseRels, headRels] = await Promise.all([rels(baseRoot), rels(headRoot)]);
  const all = [...new Set([...baseRels, ...headRels])].sort();
  const load = (root: string, rel: string) => loadDocumentSet(join(root, rel), (abs) => toPosix(relative(root, abs)), root === baseRoot ? caches.base : caches.head, maxBytes);
  const changes: DiffChange[] = [];
  const compared: string[] = [];
  for (const rel of all) {
    const [base, head] = await Promise.all([
      baseRels.includes(rel) ? load(baseRoot, rel) : undefined,
      headRels.includes(rel) ? load(headRoot, rel) : undefined,
    ]);
    if (base && head) {
      if (sameTexts(base, head)) continue;
      compared.push(rel);
      changes.push(...diffDocuments(base, head, policy, rel));
    } else if (head) {
      compared.push(rel);
      changes.push(...added(head, await Promise.all(headRels.filter((r) => previousMajorOf(rel) === r).map((r) => load(headRoot, r)))));
    } else if (base) {
      compared.push(rel);
      changes.push(...removed(base, policy));
    }
  }
  return { contracts: compared, changes };
}

function sameTexts(a: DocumentSet, b: DocumentSet): boolean {
  const texts = (s: DocumentSet) => [...s.files.values()].map((f) => `${f.name}\n${f.text}`).sort().join('\0');
  return texts(a) === texts(b);
}

const previousMajorOf = (rel: string): string | undefined => {
  const m = /^(.*)\.v(\d+)\.(ya?ml)$/.exec(rel);
  return m && Number(m[2]) > 1 ? `${m[1]}.v${Number(m[2]) - 1}.${m[3]}` : undefined;
};

function change(id: string, message: string, file: string, contract: string): DiffChange {
  return { id, level: RULES.get(id)?.level ?? 'info', message, location: { file, pointer: '', line: 1 }, contract };
}

function added(head: DocumentSet, previous: DocumentSet[]): DiffChange[] {
  const rel = head.entry.name;
  const out = [change('api-version-added', `${rel} added`, rel, rel)];
  for (const prev of previous) {
    const doc = prev.entry.doc;
    const paths = (doc.paths ?? {}) as Record<string, Record<string, unknown>>;
    const allDeprecated = Object.values(paths).every((item) =>
      Object.values(item).every((op) => typeof op !== 'object' || op === null || Array.isArray(op) || deprecationOf(op as Record<string, unknown>, doc).deprecated),
    );
    if (!allDeprecated) {
      out.push(change('previous-major-not-deprecated', `${rel} was added but ${prev.entry.name} is not deprecated: mark it deprecated with an x-sunset date`, prev.entry.name, rel));
    }
  }
  return out;
}

/** A removed file is an empty revision: every operation is judged as removed, with its sunset. */
function removed(base: DocumentSet, policy: DeprecationPolicy): DiffChange[] {
  const rel = base.entry.name;
  const doc = kindOf(base) === 'openapi' ? { openapi: base.entry.doc.openapi, info: base.entry.doc.info, paths: {} } : { asyncapi: base.entry.doc.asyncapi, info: base.entry.doc.info, channels: {}, operations: {} };
  const empty: DocumentSet = { entry: { abs: base.entry.abs, name: rel, doc, text: '' }, files: new Map([[base.entry.abs, { abs: base.entry.abs, name: rel, doc, text: '' }]]) };
  return [
    change('api-version-removed', `${rel} removed`, rel, rel),
    ...diffDocuments(base, empty, policy, rel).filter((c) => c.id !== 'breaking-change-needs-new-major'),
  ];
}

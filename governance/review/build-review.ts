import { join, relative } from 'node:path';
import { discoverContractFiles, toPosix } from '../../codegen/contracts/discover';
import type { DiffChange } from '../diff';
import { diffTrees, isBreaking } from '../diff';
import type { DeprecationPolicy } from '../diff/deprecation';
import { countLevels, sortChanges } from '../diff/render';
import type { LevelCounts } from '../diff/render';
import { checkConsumerImpact } from '../impact';
import type { InteractionImpact } from '../impact';
import { lintContracts } from '../lint/lint';
import type { LintFinding } from '../lint/lint';
import { loadCached } from '../model/document-set';
import type { FileCache } from '../model/document-set';
import type { Revision } from '../model/revisions';
import type { ChangelogEntry } from './changelog';
import { buildChangelog } from './changelog';
import { changedPointers, isTouched } from './touched';

export interface AffectedInteraction extends InteractionImpact {
  consumer: string;
  pactFile: string;
}

export interface ContractSummary extends LevelCounts {
  contract: string;
  lint: number;
  consumers: string[];
}

export interface ReviewReport {
  base: string;
  head: string;
  verdict: 'pass' | 'fail';
  summary: { contracts: ContractSummary[]; totals: LevelCounts & { lint: number; consumers: number; interactions: number } };
  /** Every change, errors first; `breaking` is the subset that breaks clients. */
  changes: DiffChange[];
  breaking: DiffChange[];
  proposals: DiffChange[];
  /** Lint findings on the parts of the contracts this change touched. */
  lint: LintFinding[];
  /** Interactions the revision breaks that the base did not. */
  consumers: AffectedInteraction[];
  changelog: ChangelogEntry[];
  timings: { ms: number };
}

export interface ReviewInput {
  base: Revision;
  head: Revision;
  /** Pact files to check, absolute. */
  pactFiles: string[];
  /** For showing pact files repo-relative. */
  root: string;
  policy: DeprecationPolicy;
  progress?: (msg: string) => void;
  /** The largest contract file read, in bytes (--max-file-size). */
  maxBytes?: number;
}

/** `concord contracts review`: the diff, the lint findings it touched, the consumers it breaks, and a changelog. */
export async function buildReview(input: ReviewInput): Promise<ReviewReport> {
  const started = performance.now();
  const progress = input.progress ?? (() => {});
  progress('comparing contracts');
  // One parse per file and side, shared by the diff and the lint scoping.
  const caches = { base: new Map(), head: new Map() } satisfies { base: FileCache; head: FileCache };
  const tree = await diffTrees(input.base.root, input.head.root, input.policy, caches, input.maxBytes);
  const changes = sortChanges(tree.changes);

  progress('linting what changed');
  const lint = await touchedLint(input, caches, tree.contracts);

  progress(`checking ${input.pactFiles.length} pact file${input.pactFiles.length === 1 ? '' : 's'}`);
  const consumers = tree.contracts.length === 0 ? [] : await newlyBroken(input);

  const breaking = changes.filter(isBreaking);
  const proposals = changes.filter((c) => c.id === 'breaking-change-needs-new-major');
  const errors = changes.filter((c) => c.level === 'error').length + lint.filter((f) => f.level === 'error').length + consumers.length;
  const contracts = summarise(tree.contracts, changes, lint, consumers);
  const totals = countLevels(changes);
  return {
    base: input.base.label,
    head: input.head.label,
    verdict: errors > 0 ? 'fail' : 'pass',
    summary: {
      contracts,
      totals: { ...totals, lint: lint.length, consumers: new Set(consumers.map((c) => c.consumer)).size, interactions: consumers.length },
    },
    changes,
    breaking,
    proposals,
    lint,
    consumers,
    changelog: buildChangelog(changes),
    timings: { ms: Math.round(performance.now() - started) },
  };
}

async function touchedLint(input: ReviewInput, caches: { base: FileCache; head: FileCache }, comparedContracts: readonly string[]): Promise<LintFinding[]> {
  const baseRoot = input.base.root;
  const headRoot = input.head.root;
  const rels = async (root: string) => (await discoverContractFiles(root)).map((abs) => toPosix(relative(root, abs)));
  const [baseRels, headRels] = await Promise.all([rels(baseRoot), rels(headRoot)]);
  const changed = new Map<string, string[]>();
  for (const rel of headRels) {
    const head = await loadCached(caches.head, join(headRoot, rel), () => rel);
    if (!baseRels.includes(rel)) {
      changed.set(rel, ['']);
      continue;
    }
    const base = await loadCached(caches.base, join(baseRoot, rel), () => rel);
    if (base.text === head.text) continue;
    const pointers = changedPointers(base.doc, head.doc);
    if (pointers.length > 0) changed.set(rel, pointers);
  }
  if (changed.size === 0) return [];
  // Lint the contracts the diff compared (a shared schema's findings surface through those using it) and keep
  // only what the change touched.
  const entries = headRels.filter((rel) => comparedContracts.includes(rel) || changed.has(rel));
  const findings = await lintContracts(
    entries.map((rel) => join(headRoot, rel)),
    { root: headRoot, ...(input.maxBytes ? { maxBytes: input.maxBytes } : {}) },
  );
  return findings.filter((f) => {
    const pointers = changed.get(f.location.file);
    return pointers !== undefined && isTouched(f.location.pointer, pointers);
  });
}

async function newlyBroken(input: ReviewInput): Promise<AffectedInteraction[]> {
  if (input.pactFiles.length === 0) return [];
  const after = await checkConsumerImpact({ contractsRoot: input.head.root, pactFiles: input.pactFiles, root: input.root });
  if (after.broken === 0) return [];
  // Only what this change broke counts against it: an interaction already failing on the base is not news.
  const before = await checkConsumerImpact({ contractsRoot: input.base.root, pactFiles: input.pactFiles, root: input.root });
  const brokenBefore = new Set(before.consumers.flatMap((c) => c.interactions.filter((i) => i.problems.length > 0).map((i) => `${c.pactFile}|${i.description}`)));
  return after.consumers.flatMap((c) =>
    c.interactions
      .filter((i) => i.problems.length > 0 && !brokenBefore.has(`${c.pactFile}|${i.description}`))
      .map((i) => ({ ...i, consumer: c.consumer, pactFile: c.pactFile })),
  );
}

function summarise(contracts: string[], changes: DiffChange[], lint: LintFinding[], consumers: AffectedInteraction[]): ContractSummary[] {
  return contracts.map((contract) => {
    const own = changes.filter((c) => c.contract === contract);
    const files = new Set(own.map((c) => c.location.file).concat(contract));
    const opFiles = new Set(own.map((c) => c.location.operation).filter(Boolean));
    return {
      contract,
      ...countLevels(own),
      lint: lint.filter((f) => f.location.file === contract).length,
      consumers: [
        ...new Set(
          consumers
            .filter((i) => (i.operation !== undefined && opFiles.has(i.operation)) || i.problems.some((p) => p.location !== undefined && files.has(p.location.file)))
            .map((i) => i.consumer),
        ),
      ].sort(),
    };
  });
}

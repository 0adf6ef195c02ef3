import { basename } from 'node:path';
import type { DocumentSet } from '../model/document-set';
import { GovernanceInputError } from '../model/document-set';
import { diffAsyncApi } from './asyncapi-diff';
import type { DiffChange } from './changes';
import { ChangeCollector } from './changes';
import type { DeprecationPolicy } from './deprecation';
import { diffOpenApi } from './openapi-diff';
import { RULES } from './rules';

export type ContractKind = 'openapi' | 'asyncapi';

export function kindOf(set: DocumentSet): ContractKind {
  const doc = set.entry.doc;
  if (typeof doc.openapi === 'string') return 'openapi';
  if (typeof doc.asyncapi === 'string') {
    if (!doc.asyncapi.startsWith('3.')) throw new GovernanceInputError(`${set.entry.name}: AsyncAPI ${doc.asyncapi} is not supported; Concord's contracts are AsyncAPI 3`);
    return 'asyncapi';
  }
  throw new GovernanceInputError(`${set.entry.name}: neither an OpenAPI nor an AsyncAPI document`);
}

/** The major version a file stands for: `orders.v2.yaml` says 2; otherwise `info.version`'s major. */
export function majorOf(set: DocumentSet): number | undefined {
  const fromName = /\.v(\d+)\.(ya?ml|json)$/.exec(basename(set.entry.abs));
  if (fromName) return Number(fromName[1]);
  const version = (set.entry.doc.info as { version?: unknown } | undefined)?.version;
  const m = typeof version === 'string' ? /^v?(\d+)/.exec(version) : null;
  return m ? Number(m[1]) : undefined;
}

/** Ids that enforce the deprecation policy: errors, but not changes that break a client today. */
const POLICY_IDS = new Set(['deprecated-without-sunset', 'sunset-too-soon', 'sunset-removed', 'sunset-unparsable', 'stability-level-invalid']);
const POLICY_SUFFIXES = ['-property-deprecated-without-sunset', '-property-sunset-too-soon', '-property-sunset-unparsable'];

/** A change that breaks a client today; the per-file verdict that summarises them is not one itself. */
export const isBreaking = (c: Pick<DiffChange, 'id' | 'level'>): boolean =>
  c.level === 'error' && !POLICY_IDS.has(c.id) && !POLICY_SUFFIXES.some((s) => c.id.endsWith(s)) && c.id !== 'breaking-change-needs-new-major';

/**
 * Compares one contract with its revision. Inside one major, a breaking change is an error and the file gets
 * one `breaking-change-needs-new-major` naming the next major; across majors the breaking changes are the
 * migration list, reported as info.
 */
export function diffDocuments(base: DocumentSet, revision: DocumentSet, policy: DeprecationPolicy, contract = revision.entry.name): DiffChange[] {
  const kind = kindOf(base);
  if (kindOf(revision) !== kind) throw new GovernanceInputError(`${base.entry.name} is ${kind} but ${revision.entry.name} is not`);
  const baseMajor = majorOf(base);
  const revisionMajor = majorOf(revision);
  const sameMajor = baseMajor === revisionMajor;
  const out = new ChangeCollector({ base, revision }, contract, policy.severity);
  if (kind === 'openapi') diffOpenApi({ base, revision }, out, policy, !sameMajor);
  else diffAsyncApi({ base, revision }, out);

  const changes = dedupe(out.changes);
  if (!sameMajor) {
    return changes.map((c) => (isBreaking(c) ? { ...c, level: 'info', message: `(v${String(revisionMajor)} migration) ${c.message}` } : c));
  }
  const breaking = changes.filter(isBreaking);
  if (breaking.length > 0) {
    const next = nextMajorName(revision, revisionMajor);
    changes.push({
      id: 'breaking-change-needs-new-major',
      level: policy.severity?.levels.get('breaking-change-needs-new-major') ?? RULES.get('breaking-change-needs-new-major')?.level ?? 'error',
      message:
        `${breaking.length} breaking change${breaking.length === 1 ? '' : 's'} inside ${revision.entry.name}, which is one major version. ` +
        `Publish ${next} with these changes instead, and deprecate ${basename(revision.entry.abs)} with an x-sunset date.`,
      location: { file: revision.entry.name, pointer: '/info/version', line: 1 },
      contract,
    });
  }
  return changes;
}

function nextMajorName(set: DocumentSet, major: number | undefined): string {
  const name = basename(set.entry.abs);
  const m = /^(.*)\.v(\d+)\.(ya?ml|json)$/.exec(name);
  if (m) return `${m[1]}.v${Number(m[2]) + 1}.${m[3]}`;
  return `a new major version (${major === undefined ? 'next' : `${major + 1}.0.0`})`;
}

function dedupe(changes: DiffChange[]): DiffChange[] {
  const seen = new Set<string>();
  return changes.filter((c) => {
    const key = `${c.id}|${c.message}|${c.location.file}|${c.location.pointer}|${c.location.operation ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

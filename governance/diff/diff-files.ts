import { relative, resolve } from 'node:path';
import { toPosix } from '../../codegen/contracts/discover';
import { GovernanceInputError, loadDocumentSet } from '../model/document-set';
import type { DocumentSet } from '../model/document-set';
import type { DiffChange } from './changes';
import type { DeprecationPolicy } from './deprecation';
import { DEFAULT_MIN_SUNSET_DAYS } from './deprecation';
import { diffDocuments } from './diff-documents';
import type { SeverityConfig } from './severity';

export interface DiffOptions {
  /** YYYY-MM-DD; defaults to the current UTC day. */
  today?: string;
  minSunsetDays?: number;
  /** Files are shown relative to this directory (default: the working directory). */
  root?: string;
  /** The largest file read (default DEFAULT_MAX_FILE_MB). */
  maxBytes?: number;
  severity?: SeverityConfig;
}

export interface DiffResult {
  changes: DiffChange[];
}

export function policyOf(opts: DiffOptions): DeprecationPolicy {
  return {
    today: opts.today ?? new Date().toISOString().slice(0, 10),
    minSunsetDays: opts.minSunsetDays ?? DEFAULT_MIN_SUNSET_DAYS,
    ...(opts.severity ? { severity: opts.severity } : {}),
  };
}

/** `concord contracts diff BASE_FILE REVISION_FILE`: two files on disk, with whatever they `$ref`. */
export async function diffFiles(baseAbs: string, revisionAbs: string, opts: DiffOptions): Promise<DiffResult> {
  const root = opts.root ?? process.cwd();
  const name = (abs: string) => toPosix(relative(root, abs));
  const loaded = await Promise.allSettled([loadDocumentSet(resolve(baseAbs), name, new Map(), opts.maxBytes), loadDocumentSet(resolve(revisionAbs), name, new Map(), opts.maxBytes)]);
  // Both files' problems, base first, whichever finished loading first.
  const failures = loaded.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length > 0) {
    if (failures.every((f) => f instanceof GovernanceInputError)) throw new GovernanceInputError(failures.map((f) => (f as Error).message).join('; '));
    throw failures[0];
  }
  const [base, revision] = loaded.map((r) => (r as PromiseFulfilledResult<DocumentSet>).value) as [DocumentSet, DocumentSet];
  return { changes: diffDocuments(base, revision, policyOf(opts)) };
}

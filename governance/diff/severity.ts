import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isObject } from '../../codegen/contracts/types';
import { GovernanceInputError } from '../model/document-set';
import type { Level } from '../types';
import { OASDIFF_ALIASES, RULES } from './rules';

/** Per-repository rule levels, like oasdiff's `--severity-levels`: Concord ids or oasdiff aliases to a level. */
export interface SeverityConfig {
  /** Shown in reports next to each level it set. */
  file: string;
  levels: ReadonlyMap<string, Level>;
}

/** Looked for at the repository root, in this order, when no --severity-file is given. */
export const SEVERITY_FILES = ['.concord/governance.yaml', 'concord-governance.yaml'];

const LEVELS = new Set<Level>(['error', 'warning', 'info']);

/**
 * Reads a rules file:
 *
 *   severity:
 *     security-scope-added: warning        # a Concord id
 *     response-body-enum-value-added: info
 *     api-security-added: info             # an oasdiff id: sets every Concord id it maps to
 *
 * Unknown ids and levels are refused (exit 2): a typo must not silently keep the old level.
 */
export function parseSeverityConfig(text: string, file: string): SeverityConfig {
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new GovernanceInputError(`${file}: not valid YAML: ${(e as Error).message}`);
  }
  const severity = isObject(doc) ? doc.severity : undefined;
  if (!isObject(severity)) throw new GovernanceInputError(`${file}: expected a 'severity:' mapping of rule id to error, warning or info`);
  const levels = new Map<string, Level>();
  const entries = Object.entries(severity).map(([id, value]) => {
    const level = String(value) as Level;
    if (!LEVELS.has(level)) throw new GovernanceInputError(`${file}: ${id}: level must be error, warning or info, not '${String(value)}'`);
    if (!RULES.has(id) && !OASDIFF_ALIASES[id]) throw new GovernanceInputError(`${file}: unknown rule id '${id}' (Concord ids and oasdiff aliases are listed in governance/README.md)`);
    return { id, level };
  });
  // Aliases first, then Concord ids: an id named directly wins over an alias that also covers it.
  for (const { id, level } of entries) if (!RULES.has(id)) for (const target of OASDIFF_ALIASES[id] ?? []) levels.set(target, level);
  for (const { id, level } of entries) if (RULES.has(id)) levels.set(id, level);
  return { file, levels };
}

/** The explicit file, else the first of SEVERITY_FILES under `root`, else none. */
export async function loadSeverityConfig(root: string, explicit?: string): Promise<SeverityConfig | undefined> {
  const path = explicit ?? SEVERITY_FILES.map((f) => join(root, f)).find((f) => existsSync(f));
  if (!path) return undefined;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new GovernanceInputError(`${path}: no such severity file`);
  }
  if (text.length > 256 * 1024) throw new GovernanceInputError(`${path}: larger than 256 KiB`);
  return parseSeverityConfig(text, explicit ?? SEVERITY_FILES.find((f) => path.endsWith(f)) ?? path);
}

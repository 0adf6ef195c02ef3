import { resolve } from 'node:path';
import { Document } from '@stoplight/spectral-core';
import type { ISpectralDiagnostic } from '@stoplight/spectral-core';
import { Json, Yaml } from '@stoplight/spectral-parsers';
import type { JsonParserResult } from '@stoplight/spectral-parsers';
import { discoverContractFiles } from '../../codegen/contracts/discover';
import { compareOrdinal } from '../../codegen/contracts/order';
import { createSpectral } from '../spectral';
import type { Level } from '../types';
import { loadCanonicalSchemas } from './canonical';
import { createConcordRuleset } from './concord-ruleset';
import { contractPathOf } from './contract-path';
import type { LintFinding } from './finding';
import { isObject } from './functions/json';
import { LintInputError, displayPath, readInputs } from './input';
import { operationNamer } from './operation-label';

export type { LintFinding, LintLocation, LintSummary } from './finding';
export { summarize } from './finding';
export { LintInputError } from './input';

export interface LintOptions {
  /** The project root: findings name files relative to it, and the canonical schemas are read from it. */
  root: string;
  /**
   * `import`: third-party contracts (a catalogue directory with `profile: import`), held to the house rules as
   * advice only: every error is reported as a warning. `concord` (the default): as found.
   */
  profile?: 'concord' | 'import';
  /** The largest file read, in bytes (default: the diff's, DEFAULT_MAX_FILE_MB). */
  maxBytes?: number;
}

/** Spectral's severities 0–3 (error, warning, info, hint); its `hint` is our `info`. */
export const levelOf = (severity: number): Level => (severity === 0 ? 'error' : severity === 1 ? 'warning' : 'info');

/** RFC 6901: `~` and `/` escaped in each segment. */
export const toPointer = (path: ReadonlyArray<string | number>): string =>
  path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

// Common component files are libraries: their components are used from other files, which Spectral does not see
// while linting the library itself.
const ignored = (d: ISpectralDiagnostic, file: string) => d.code === 'oas3-unused-component' && contractPathOf(file)?.group === 'common';

const order = (a: LintFinding, b: LintFinding) =>
  compareOrdinal(a.location.file, b.location.file) ||
  (a.location.line ?? 0) - (b.location.line ?? 0) ||
  (a.location.column ?? 0) - (b.location.column ?? 0) ||
  compareOrdinal(a.ruleId, b.ruleId) ||
  compareOrdinal(a.message, b.message);

/**
 * Lints contract files with Spectral's recommended OpenAPI and AsyncAPI rulesets and Concord's own
 * (governance/lint/concord-ruleset.ts), in one Spectral pass per file. With no files, lints every contract under
 * `<root>/contracts`. A finding inside a `$ref`'d file is reported in that file, once however many files reach it.
 * Throws LintInputError for a missing or oversized file, or one that is not YAML/JSON or does not parse.
 */
export async function lintContracts(files: string[], opts: LintOptions): Promise<LintFinding[]> {
  const root = resolve(opts.root);
  const inputs = await readInputs(root, files.length > 0 ? files : await discoverContractFiles(root), opts.maxBytes);
  const levelFor = (severity: number): Level => (opts.profile === 'import' && severity === 0 ? 'warning' : levelOf(severity));
  const documents = inputs.map(({ abs, text }) =>
    /\.json$/i.test(abs) ? new Document<unknown, JsonParserResult<unknown>>(text, Json, abs) : new Document(text, Yaml, abs),
  );
  const unreadable = documents.flatMap((d) => {
    const name = displayPath(root, d.source ?? '');
    const syntax = d.diagnostics.filter((x) => x.severity === 0);
    if (syntax.length > 0) return syntax.map((x) => `${name}:${x.range.start.line + 1}:${x.range.start.character + 1}: not valid YAML or JSON: ${x.message}`);
    return isObject(d.data) ? [] : [`${name}: not a YAML or JSON document (its top level is not a mapping)`];
  });
  if (unreadable.length > 0) throw new LintInputError(unreadable);

  const spectral = createSpectral(createConcordRuleset(await loadCanonicalSchemas(root)));
  const name = operationNamer(new Map(documents.map((d) => [d.source ?? '', d.data])));
  const runs = await Promise.all(documents.map(async (document) => ({ document, diagnostics: await spectral.run(document) })));

  const findings = new Map<string, LintFinding>();
  for (const { document, diagnostics } of runs) {
    for (const d of diagnostics) {
      const file = d.source ?? document.source ?? '';
      if (ignored(d, file)) continue;
      const ruleId = String(d.code);
      const operation = await name(file, d.path);
      const finding: LintFinding = {
        ruleId,
        level: levelFor(d.severity),
        message: d.message,
        source: ruleId.startsWith('concord-') ? 'concord' : 'spectral',
        location: {
          file: displayPath(root, file),
          pointer: toPointer(d.path),
          ...(operation ? { operation } : {}),
          line: d.range.start.line + 1,
          column: d.range.start.character + 1,
        },
      };
      const key = JSON.stringify([ruleId, finding.level, finding.message, finding.location.file, finding.location.pointer, finding.location.line, finding.location.column]);
      if (!findings.has(key)) findings.set(key, finding);
    }
  }
  return [...findings.values()].sort(order);
}

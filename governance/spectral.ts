import { readFile } from 'node:fs/promises';
import { Document, Spectral } from '@stoplight/spectral-core';
import type { ISpectralDiagnostic, RulesetDefinition } from '@stoplight/spectral-core';
import { Yaml } from '@stoplight/spectral-parsers';
import { httpAndFileResolver } from '@stoplight/spectral-ref-resolver';
import { asyncapi, oas } from '@stoplight/spectral-rulesets';

export type { ISpectralDiagnostic };
/** Spectral's severities: 0 error, 1 warning, 2 info, 3 hint. */
export const SEVERITY_NAMES = ['error', 'warning', 'info', 'hint'] as const;

/** Spectral with the recommended OpenAPI and AsyncAPI rulesets, resolving `$ref`s across contract files. */
export function createSpectral(): Spectral {
  const spectral = new Spectral({ resolver: httpAndFileResolver });
  // The rulesets package is typed against its own copy of spectral-core's types; the shapes are the same.
  spectral.setRuleset({
    extends: [
      [oas as RulesetDefinition, 'recommended'],
      [asyncapi as RulesetDefinition, 'recommended'],
    ],
  });
  return spectral;
}

export async function lintFile(spectral: Spectral, abs: string): Promise<ISpectralDiagnostic[]> {
  const text = await readFile(abs, 'utf8');
  return spectral.run(new Document(text, Yaml, abs));
}

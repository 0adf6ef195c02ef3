import type { Level } from '../types';

export interface SarifRule {
  id: string;
  shortDescription: string;
  helpUri?: string;
}

export interface SarifResultInput {
  ruleId: string;
  level: Level;
  message: string;
  file: string;
  line?: number;
  column?: number;
}

const SARIF_LEVEL: Record<Level, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** A SARIF 2.1.0 log with one run, as GitHub code scanning reads it (`github/codeql-action/upload-sarif`). */
export function buildSarif(input: { toolName: string; version: string; rules: readonly SarifRule[]; results: readonly SarifResultInput[] }): object {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: input.toolName,
            version: input.version,
            informationUri: 'https://concord.dev/docs/governance',
            rules: input.rules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.shortDescription },
              ...(r.helpUri ? { helpUri: r.helpUri } : {}),
            })),
          },
        },
        results: input.results.map((r) => ({
          ruleId: r.ruleId,
          level: SARIF_LEVEL[r.level],
          message: { text: r.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: r.file },
                region: { startLine: r.line ?? 1, ...(r.column ? { startColumn: r.column } : {}) },
              },
            },
          ],
        })),
      },
    ],
  };
}

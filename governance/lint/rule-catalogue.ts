import type { RulesetDefinition } from '@stoplight/spectral-core';
import { asyncapi, oas } from '@stoplight/spectral-rulesets';
import { concordRules } from './concord-ruleset';

export interface RuleInfo {
  id: string;
  description: string;
  helpUri?: string;
}

type Described = { description?: string; documentationUrl?: string };
const SPECTRAL = [oas, asyncapi] as unknown as Array<RulesetDefinition & { documentationUrl?: string; rules: Record<string, Described> }>;
// Descriptions do not depend on the canonical schemas, so an empty set will do here.
const CONCORD = concordRules({ file: '', objects: [] }) as Record<string, Described>;

/** What a rule id means, for reports that list their rules (SARIF): Concord's own, else Spectral's rulesets'. */
export function describeRule(id: string): RuleInfo {
  const concord = CONCORD[id];
  if (concord) return { id, description: concord.description ?? id, ...(concord.documentationUrl ? { helpUri: concord.documentationUrl } : {}) };
  for (const ruleset of SPECTRAL) {
    const rule = ruleset.rules[id];
    if (rule) {
      const helpUri = rule.documentationUrl ?? (ruleset.documentationUrl ? `${ruleset.documentationUrl}#${id}` : undefined);
      return { id, description: rule.description ?? `Spectral rule ${id}.`, ...(helpUri ? { helpUri } : {}) };
    }
  }
  if (id === 'parser') return { id, description: 'The file is not valid YAML or JSON.' };
  return { id, description: `Spectral: ${id}.` };
}

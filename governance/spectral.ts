import { readFile } from 'node:fs/promises';
import { Document, Spectral } from '@stoplight/spectral-core';
import type { ISpectralDiagnostic, RulesetDefinition } from '@stoplight/spectral-core';
import { Yaml } from '@stoplight/spectral-parsers';
import { createHttpAndFileResolver } from '@stoplight/spectral-ref-resolver';
import type { Resolver } from '@stoplight/spectral-ref-resolver';
import { asyncapi, oas } from '@stoplight/spectral-rulesets';
import { createCachedOasExample } from './lint/functions/cached-oas-example';

export type { ISpectralDiagnostic };
/** Spectral's severities: 0 error, 1 warning, 2 info, 3 hint. */
export const SEVERITY_NAMES = ['error', 'warning', 'info', 'hint'] as const;

/** A Map as json-ref-resolver's uri cache. */
class UriCache {
  readonly stats = { hits: 0, misses: 0 };
  private data = new Map<string, unknown>();
  get(key: string): unknown {
    const hit = this.data.has(key);
    this.stats[hit ? 'hits' : 'misses']++;
    return this.data.get(key);
  }
  set(key: string, value: unknown): void {
    this.data.set(key, value);
  }
  has(key: string): boolean {
    return this.data.has(key);
  }
  purge(): void {
    this.data.clear();
  }
}

/**
 * A resolver whose cache lasts one document's resolution. The resolver keeps each `$ref`'d file's resolution in its
 * cache, and that belongs to the dependency graph of the document that first reached it: a second document reaching
 * the same file from the cache has no graph node for it, so Spectral cannot say a finding lies in that file and
 * reports it at line 1 of the linted one. The shared `httpAndFileResolver` also never forgets a file, so a
 * long-lived process (a test run) would lint edited contracts against stale `$ref` targets.
 */
function documentScopedResolver(): Resolver {
  const resolver = createHttpAndFileResolver();
  const resolve = resolver.resolve.bind(resolver);
  resolver.resolve = (source, opts = {}) => resolve(source, { ...opts, uriCache: new UriCache() });
  return resolver;
}

/**
 * Spectral with the recommended OpenAPI and AsyncAPI rulesets, resolving `$ref`s across contract files, plus any
 * further rulesets (governance/lint/concord-ruleset.ts) run in the same pass.
 */
export function createSpectral(...more: RulesetDefinition[]): Spectral {
  const spectral = new Spectral({ resolver: documentScopedResolver() });
  // The rulesets package is typed against its own copy of spectral-core's types; the shapes are the same.
  spectral.setRuleset({
    extends: [[oas as RulesetDefinition, 'recommended'], [asyncapi as RulesetDefinition, 'recommended'], fasterExampleRules(), ...more],
  });
  return spectral;
}

/** The two example rules, same ids, targets and messages, with a function that compiles each schema once. */
function fasterExampleRules(): RulesetDefinition {
  const example = createCachedOasExample();
  const rules = (oas as unknown as { rules: Record<string, { then: object }> }).rules;
  const faster = (id: string) => {
    const rule = rules[id];
    if (!rule) throw new Error(`spectral:oas has no rule ${id}`);
    return { ...rule, then: { ...rule.then, function: example } };
  };
  return {
    rules: { 'oas3-valid-media-example': faster('oas3-valid-media-example'), 'oas3-valid-schema-example': faster('oas3-valid-schema-example') },
  } as unknown as RulesetDefinition;
}

export async function lintFile(spectral: Spectral, abs: string): Promise<ISpectralDiagnostic[]> {
  const text = await readFile(abs, 'utf8');
  return spectral.run(new Document(text, Yaml, abs));
}

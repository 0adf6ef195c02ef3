import { dirname, relative, sep } from 'node:path';
import type { IFunctionResult, RulesetFunction } from '@stoplight/spectral-core';
import type { CanonicalSchemas } from '../canonical';
import { schemasOf } from './schemas';

/**
 * Canonical objects (common/schemas.yaml) are referenced, never copied: a copy drifts. An object schema written
 * elsewhere is a copy of canonical C when its property names are exactly C's, or cover C's required ones and add
 * nothing C lacks (C with at least two required properties, so a two-field object does not match by chance).
 */
export const canonicalObjectsReferenced: RulesetFunction<unknown, CanonicalSchemas> = (doc, canonical, context) => {
  const source = context.document.source;
  if (!source || source === canonical.file || canonical.objects.length === 0) return [];
  const results: IFunctionResult[] = [];
  for (const { schema, at } of schemasOf(doc)) {
    if (typeof schema.properties !== 'object' || schema.properties === null || schema.$ref !== undefined) continue;
    const names = new Set(Object.keys(schema.properties));
    if (names.size < 2) continue;
    const match = canonical.objects.find((c) => {
      const within = [...names].every((n) => c.properties.includes(n));
      const exact = within && names.size === c.properties.length;
      return exact || (within && c.required.length >= 2 && c.required.every((r) => names.has(r)));
    });
    if (!match) continue;
    const ref = `${relative(dirname(source), canonical.file).split(sep).join('/')}#/components/schemas/${match.name}`;
    results.push({ message: `This object copies the canonical ${match.name}; reference it instead: $ref: '${ref}'.`, path: at });
  }
  return results;
};

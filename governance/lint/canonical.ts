import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { entries, isObject } from './functions/json';

export interface CanonicalObject {
  name: string;
  properties: string[];
  required: string[];
}

/** The object schemas of the canonical domain model, as `concord-canonical-objects-referenced` compares them. */
export interface CanonicalSchemas {
  /** Absolute path of common/schemas.yaml: the one file allowed to define them. */
  file: string;
  objects: CanonicalObject[];
}

export const CANONICAL_FILE = 'contracts/openapi/common/schemas.yaml';

/** A root without the canonical file (a scratch project) has nothing to compare against, which is not an error. */
export async function loadCanonicalSchemas(root: string): Promise<CanonicalSchemas> {
  const file = join(root, CANONICAL_FILE);
  let doc: unknown;
  try {
    doc = parse(await readFile(file, 'utf8'));
  } catch {
    return { file, objects: [] };
  }
  const schemas = isObject(doc) && isObject(doc.components) ? doc.components.schemas : undefined;
  const objects: CanonicalObject[] = [];
  for (const [name, schema] of entries(schemas)) {
    if (!isObject(schema) || !isObject(schema.properties)) continue;
    const required = Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [];
    objects.push({ name, properties: Object.keys(schema.properties), required });
  }
  return { file, objects };
}

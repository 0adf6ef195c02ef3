import Ajv2020 from 'ajv/dist/2020';
import { joinPointer } from './json-pointer';
import type { ContractProblem } from './types';
import { isObject } from './types';
import type { SchemaSource } from './operations';

/**
 * Checks schemas against the JSON Schema 2020-12 meta-schema. The OpenAPI 3.1 meta-schema accepts any object
 * as a Schema Object, so without this `type: strin` would only surface at request time.
 */
export function checkSchemas(sources: readonly SchemaSource[]): ContractProblem[] {
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  const problems: ContractProblem[] = [];
  const seen = new Set<string>();
  for (const src of sources) {
    const key = `${src.file.rel}#${src.pointer}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!isObject(src.schema) && typeof src.schema !== 'boolean') {
      problems.push({ file: src.file.rel, pointer: src.pointer, message: 'schema must be an object' });
      continue;
    }
    if (ajv.validateSchema(src.schema as object) === true) continue;
    for (const err of ajv.errors ?? []) {
      // The meta-schema's own pointers are noise next to the location in the contract.
      problems.push({
        file: src.file.rel,
        pointer: src.pointer + err.instancePath,
        message: `invalid schema: ${err.instancePath ? err.instancePath.split('/').pop() + ' ' : ''}${err.message ?? 'is invalid'}${
          err.params && 'allowedValues' in err.params ? ` (${(err.params.allowedValues as unknown[]).join(', ')})` : ''
        }`,
      });
    }
  }
  return problems;
}

/** Every schema under `components.schemas` of a document. */
export function componentSchemas(file: SchemaSource['file']): SchemaSource[] {
  const components = file.doc.components;
  if (!isObject(components) || !isObject(components.schemas)) return [];
  return Object.entries(components.schemas).map(([name, schema]) => ({
    file,
    pointer: joinPointer('/components/schemas', name),
    schema,
  }));
}

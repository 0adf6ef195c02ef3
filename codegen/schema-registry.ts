import Ajv2020 from 'ajv/dist/2020';
import type { Options } from 'ajv';
import addFormats from 'ajv-formats';
import { resolveRef } from './contracts/refs';
import type { SchemaSource } from './contracts/operations';
import type { ContractFile, ContractSet } from './contracts';
import { ContractLoadError, isObject } from './contracts/types';

/** Keywords OpenAPI and AsyncAPI add to JSON Schema; annotations only, never validated. */
const ANNOTATION_KEYWORDS = ['example', 'xml', 'externalDocs', 'discriminator'];
const SCHEMA_PREFIX = '/components/schemas/';
const BASE_URI = 'https://concord.dev/contracts/';

/** The ajv id of a contract file: its path under contracts/. */
export const fileUri = (file: ContractFile): string => BASE_URI + (file.profile ? `external/${file.rel}` : file.rel.replace(/^contracts\//, ''));

/**
 * A deep copy of `schema` in which every `$ref` is absolute (`<file uri>#/$defs/<Name>`) and vendor
 * extensions are dropped, so the schema compiles with the contract files registered as `{ $id, $defs }`.
 */
export function absolutize(schema: unknown, file: ContractFile, set: Pick<ContractSet, 'byAbs'>): unknown {
  if (Array.isArray(schema)) return schema.map((s) => absolutize(s, file, set));
  if (!isObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-')) continue;
    if (key === '$ref' && typeof value === 'string') {
      const target = resolveRef(value, file, set.byAbs);
      if (!target.pointer.startsWith(SCHEMA_PREFIX)) {
        throw new Error(`${file.rel}: schema $ref '${value}' must point at #/components/schemas/<Name>`);
      }
      out.$ref = `${fileUri(target.file)}#/$defs/${target.pointer.slice(SCHEMA_PREFIX.length)}`;
      continue;
    }
    // `properties` and friends map names to schemas: keep names verbatim, even ones starting with `x-`.
    if (['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'].includes(key) && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, absolutize(v, file, set)]));
      continue;
    }
    out[key] = absolutize(value, file, set);
  }
  return out;
}

/**
 * An Ajv instance that knows every contract file's component schemas. `coerce` turns on the type coercion
 * and defaults that query strings, path segments and headers need. `allErrors` must stay off for anything a
 * client sends: with shared refs, ajv's generated code copies its growing error list at every step, so a body
 * with thousands of bad items takes time quadratic in their number (seconds for 30 KB).
 */
export function createRegistryAjv(set: ContractSet, opts: { coerce: boolean; allErrors: boolean }): Ajv2020 {
  const options: Options = {
    // Third-party documents (import profile) may carry keywords of other tools; Concord's own stay strict.
    strict: !set.files.some((f) => f.profile?.name === 'import'),
    strictRequired: false,
    strictTypes: false,
    allErrors: opts.allErrors,
    allowUnionTypes: true,
    // Shared components (Order, Money…) compile once per module instead of once per operation.
    inlineRefs: false,
    code: { source: true, esm: true, lines: true },
    ...(opts.coerce ? { coerceTypes: 'array' as const, useDefaults: true } : {}),
  };
  const ajv = new Ajv2020(options);
  addFormats(ajv);
  ajv.addVocabulary(ANNOTATION_KEYWORDS);
  for (const file of set.files) {
    const components = file.doc.components;
    if (!isObject(components) || !isObject(components.schemas)) continue;
    ajv.addSchema({ $id: fileUri(file), $defs: absolutize(components.schemas, file, set) as object });
  }
  return ajv;
}

/** Registers one schema under a generated id and returns that id. */
export function addSchemaAt(ajv: Ajv2020, id: string, src: SchemaSource, set: ContractSet): string {
  const schema = absolutize(src.schema, src.file, set);
  // A bare `$ref` (most responses: `Problem`, `Order`…) reuses the component's validator instead of wrapping it.
  const target = isObject(schema) && Object.keys(schema).length === 1 && typeof schema.$ref === 'string' ? schema.$ref : undefined;
  if (!target) ajv.addSchema(isObject(schema) ? { ...schema, $id: id } : { $id: id, ...(schema === false ? { not: {} } : {}) });
  compileAt(ajv, target ?? id, src);
  return target ?? id;
}

/**
 * Compiles one registered schema now, so that strict-mode findings (an unknown keyword is usually a typo such
 * as `maxLenght`) name the contract location instead of surfacing from a batch compile.
 */
export function compileAt(ajv: Ajv2020, id: string, src: Pick<SchemaSource, 'file' | 'pointer'>): void {
  try {
    ajv.getSchema(id);
  } catch (err) {
    throw new ContractLoadError([{ file: src.file.rel, pointer: src.pointer, message: `schema does not compile: ${(err as Error).message}` }]);
  }
}

import type { JsonObject, JsonPath } from './json';
import { entries, isObject } from './json';

export interface SchemaAt {
  schema: JsonObject;
  at: JsonPath;
}

/** Keywords whose value is one subschema, a map of them, or a list of them (JSON Schema 2020-12 and draft-07). */
const ONE = ['items', 'additionalProperties', 'unevaluatedProperties', 'unevaluatedItems', 'contains', 'propertyNames', 'not', 'if', 'then', 'else'];
const MAP = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];
const LIST = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];

function* subschemas(schema: JsonObject, at: JsonPath): Generator<SchemaAt> {
  yield { schema, at };
  for (const key of ONE) {
    const value = schema[key];
    if (isObject(value)) yield* subschemas(value, [...at, key]);
  }
  for (const key of MAP) {
    for (const [name, value] of entries(schema[key])) if (isObject(value)) yield* subschemas(value, [...at, key, name]);
  }
  for (const key of LIST) {
    const value = schema[key];
    if (Array.isArray(value)) for (const [i, v] of value.entries()) if (isObject(v)) yield* subschemas(v, [...at, key, i]);
  }
}

/** Values that are data, not structure: walking into them would mistake an example's `properties` key for a schema. */
const isDataKey = (key: string) => key === 'example' || key === 'examples' || key === 'enum' || key === 'const' || key === 'default' || key.startsWith('x-');

/**
 * Every schema written in a document, with its JSON path: `components.schemas`, every `schema` of a parameter,
 * header or media type, and an AsyncAPI message's `payload` and `headers`; then their subschemas.
 * Meant for the unresolved document, so each schema is visited where it is written, once.
 */
export function* schemasOf(doc: unknown): Generator<SchemaAt> {
  if (!isObject(doc)) return;
  const asyncapi = typeof doc.asyncapi === 'string';
  function* walk(node: unknown, at: JsonPath): Generator<SchemaAt> {
    if (Array.isArray(node)) {
      for (const [i, v] of node.entries()) yield* walk(v, [...at, i]);
      return;
    }
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (isDataKey(key)) continue;
      const here = [...at, key];
      const inSchemas = key === 'schemas' && at.length === 1 && at[0] === 'components';
      if (inSchemas) {
        for (const [name, schema] of entries(value)) if (isObject(schema)) yield* subschemas(schema, [...here, name]);
      } else if (key === 'schema' && isObject(value)) {
        yield* subschemas(value, here);
      } else if (asyncapi && (key === 'payload' || key === 'headers') && isObject(value)) {
        // AsyncAPI 3 also allows a multi-format schema object, { schemaFormat, schema }.
        if (value.schemaFormat !== undefined && isObject(value.schema)) yield* subschemas(value.schema, [...here, 'schema']);
        else yield* subschemas(value, here);
      } else {
        yield* walk(value, here);
      }
    }
  }
  yield* walk(doc, []);
}

/** A schema's `type` as a list: `integer`, `[integer, 'null']`, or none. */
export const typesOf = (schema: JsonObject): string[] =>
  Array.isArray(schema.type) ? schema.type.map(String) : typeof schema.type === 'string' ? [schema.type] : [];

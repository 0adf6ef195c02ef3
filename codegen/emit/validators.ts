import standaloneCode from 'ajv/dist/standalone';
import type { ContractFile, ContractSet, OperationModel } from '../contracts';
import { joinPointer } from '../contracts/json-pointer';
import { isObject } from '../contracts/types';
import { absolutize, addSchemaAt, compileAt, createRegistryAjv, fileUri } from '../schema-registry';
import type { GeneratedFile } from './naming';
import { GENERATED_DIR, HEADER, apiSlug, isJsonLike, mediaSuffix } from './naming';

export const bodyValidatorName = (op: OperationModel, contentType: string): string =>
  `${op.operationId}_body${mediaSuffix(contentType)}`;
export const responseValidatorName = (op: OperationModel, status: string, contentType: string): string =>
  `${op.operationId}_response_${status}${mediaSuffix(contentType)}`;
export const paramsValidatorName = (op: OperationModel): string => `${op.operationId}_params`;

export const validatorModule = (file: ContractFile): string => `${GENERATED_DIR}/validators/${apiSlug(file)}`;
export const paramsValidatorModule = (file: ContractFile): string => `${validatorModule(file)}.params`;
export const EVENT_VALIDATORS_MODULE = `${GENERATED_DIR}/validators/events`;

/**
 * ajv standalone code is plain JavaScript compiled at generate time, so no schema is compiled at start-up or per
 * request. `// @ts-nocheck` because ajv's output is not written for a type checker.
 */
function render(ajv: ReturnType<typeof createRegistryAjv>, exports: Record<string, string>, source: string): string {
  if (Object.keys(exports).length === 0) return `${HEADER(source)}export {};\n`;
  // ajv repeats a function's code once per export naming it, so each schema is exported once and aliased.
  const primary = new Map<string, string>();
  const aliases: string[] = [];
  for (const [name, id] of Object.entries(exports)) {
    const first = primary.get(id);
    if (first) aliases.push(`export const ${name} = ${first};`);
    else primary.set(id, name);
  }
  const code = standaloneCode(ajv, Object.fromEntries([...primary].map(([id, name]) => [name, id])));
  return `${HEADER(source)}/* eslint-disable */\n// @ts-nocheck\n${code}\n${aliases.join('\n')}\n`;
}

function paramsSchema(op: OperationModel, set: ContractSet): object {
  const section = (where: 'path' | 'query' | 'header') => {
    const params = op.parameters.filter((p) => p.in === where);
    const key = (name: string) => (where === 'header' ? name.toLowerCase() : name);
    return {
      type: 'object',
      properties: Object.fromEntries(
        params.map((p) => [key(p.name), p.schema ? absolutize(p.schema.schema, p.schema.file, set) : {}]),
      ),
      required: params.filter((p) => p.required).map((p) => key(p.name)),
    };
  };
  return {
    type: 'object',
    properties: { path: section('path'), query: section('query'), headers: section('header') },
    required: ['path', 'query', 'headers'],
  };
}

/**
 * Compiles every component schema in strict mode, referenced or not. An unknown keyword is almost always a
 * typo or a YAML slip (an unquoted comma in a flow mapping turns the rest of a description into a key).
 */
function checkComponentsStrictly(set: ContractSet): void {
  const ajv = createRegistryAjv(set, { coerce: false });
  for (const file of set.files) {
    const components = file.doc.components;
    if (!isObject(components) || !isObject(components.schemas)) continue;
    for (const name of Object.keys(components.schemas)) {
      compileAt(ajv, `${fileUri(file)}#/$defs/${name}`, { file, pointer: joinPointer('/components/schemas', name) });
    }
  }
}

export function emitValidators(set: ContractSet): GeneratedFile[] {
  checkComponentsStrictly(set);
  const out: GeneratedFile[] = [];
  const apis = set.files.filter((f) => f.kind === 'openapi' && f.group !== 'common');
  for (const file of apis) {
    const ops = set.operations.filter((o) => o.file === file);
    const ajv = createRegistryAjv(set, { coerce: false });
    const exports: Record<string, string> = {};
    const base = `${fileUri(file)}/ops/`;
    for (const op of ops) {
      for (const [ct, src] of Object.entries(op.requestBody?.content ?? {})) {
        if (!src || !isJsonLike(ct)) continue;
        const name = bodyValidatorName(op, ct);
        exports[name] = addSchemaAt(ajv, `${base}${name}`, src, set);
      }
      for (const [status, res] of Object.entries(op.responses)) {
        for (const [ct, src] of Object.entries(res.content)) {
          if (!src || !isJsonLike(ct)) continue;
          const name = responseValidatorName(op, status, ct);
          exports[name] = addSchemaAt(ajv, `${base}${name}`, src, set);
        }
      }
    }
    out.push({ path: `${validatorModule(file)}.ts`, content: render(ajv, exports, file.rel) });

    const coercing = createRegistryAjv(set, { coerce: true });
    const paramExports: Record<string, string> = {};
    for (const op of ops) {
      const name = paramsValidatorName(op);
      coercing.addSchema({ ...paramsSchema(op, set), $id: `${base}${name}` });
      compileAt(coercing, `${base}${name}`, { file, pointer: joinPointer(op.pointer, 'parameters') });
      paramExports[name] = `${base}${name}`;
    }
    out.push({ path: `${paramsValidatorModule(file)}.ts`, content: render(coercing, paramExports, file.rel) });
  }

  const eventsFile = set.files.find((f) => f.kind === 'asyncapi');
  if (eventsFile) {
    const ajv = createRegistryAjv(set, { coerce: false });
    const exports: Record<string, string> = {};
    for (const e of set.events) exports[e.messageName] = addSchemaAt(ajv, `${fileUri(eventsFile)}/events/${e.messageName}`, e.payload, set);
    out.push({ path: `${EVENT_VALIDATORS_MODULE}.ts`, content: render(ajv, exports, eventsFile.rel) });
  }
  return out;
}

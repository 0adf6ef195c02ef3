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

const validatorBase = (file: ContractFile): string => `${GENERATED_DIR}/validators/${apiSlug(file)}`;
/** Request bodies: stop at the first error (see createRegistryAjv). */
export const bodyValidatorModule = (file: ContractFile): string => `${validatorBase(file)}.body`;
/** Path, query and headers: coerced, stop at the first error. */
export const paramsValidatorModule = (file: ContractFile): string => `${validatorBase(file)}.params`;
/** Responses, validated in tests (and optionally in production): every error, for diagnosis. */
export const responseValidatorModule = (file: ContractFile): string => `${validatorBase(file)}.responses`;

/** The idempotency policy owns this header (and its `idempotency-key-missing` problem). */
const POLICY_HEADERS = new Set(['idempotency-key']);
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
    const params = op.parameters.filter((p) => p.in === where && !(where === 'header' && POLICY_HEADERS.has(p.name.toLowerCase())));
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
export function checkComponentsStrictly(set: ContractSet): void {
  const ajv = createRegistryAjv(set, { coerce: false, allErrors: false });
  for (const file of set.files) {
    const components = file.doc.components;
    if (!isObject(components) || !isObject(components.schemas)) continue;
    for (const name of Object.keys(components.schemas)) {
      compileAt(ajv, `${fileUri(file)}#/$defs/${name}`, { file, pointer: joinPointer('/components/schemas', name) });
    }
  }
}

/** An Ajv instance with one API file's schemas of one kind registered, and the export name of each (name -> ajv id). */
export interface ValidatorRegistry {
  ajv: ReturnType<typeof createRegistryAjv>;
  exports: Record<string, string>;
}

/**
 * Registers (and compiles, to report a broken schema where it is written) the validators of one API file: request
 * bodies, responses and parameters. `concord generate` renders them as standalone code; start-up takes the
 * compiled functions of contracts it serves without generated code (codegen/runtime-manifest.ts).
 */
export function registerFileValidators(set: ContractSet, file: ContractFile): { bodies: ValidatorRegistry; responses: ValidatorRegistry; params: ValidatorRegistry } {
  const ops = set.operations.filter((o) => o.file === file);
  const base = `${fileUri(file)}/ops/`;
  const bodies = createRegistryAjv(set, { coerce: false, allErrors: false });
  const bodyExports: Record<string, string> = {};
  for (const op of ops) {
    for (const [ct, src] of Object.entries(op.requestBody?.content ?? {})) {
      if (!src || !isJsonLike(ct)) continue;
      const name = bodyValidatorName(op, ct);
      bodyExports[name] = addSchemaAt(bodies, `${base}${name}`, src, set);
    }
  }

  const responses = createRegistryAjv(set, { coerce: false, allErrors: true });
  const responseExports: Record<string, string> = {};
  for (const op of ops) {
    for (const [status, res] of Object.entries(op.responses)) {
      for (const [ct, src] of Object.entries(res.content)) {
        if (!src || !isJsonLike(ct)) continue;
        const name = responseValidatorName(op, status, ct);
        responseExports[name] = addSchemaAt(responses, `${base}${name}`, src, set);
      }
    }
  }

  const coercing = createRegistryAjv(set, { coerce: true, allErrors: false });
  const paramExports: Record<string, string> = {};
  for (const op of ops) {
    const name = paramsValidatorName(op);
    coercing.addSchema({ ...paramsSchema(op, set), $id: `${base}${name}` });
    compileAt(coercing, `${base}${name}`, { file, pointer: joinPointer(op.pointer, 'parameters') });
    paramExports[name] = `${base}${name}`;
  }
  return {
    bodies: { ajv: bodies, exports: bodyExports },
    responses: { ajv: responses, exports: responseExports },
    params: { ajv: coercing, exports: paramExports },
  };
}

export function emitValidators(set: ContractSet): GeneratedFile[] {
  checkComponentsStrictly(set);
  const out: GeneratedFile[] = [];
  const apis = set.files.filter((f) => f.kind === 'openapi' && f.group !== 'common');
  for (const file of apis) {
    const { bodies, responses, params } = registerFileValidators(set, file);
    out.push({ path: `${bodyValidatorModule(file)}.ts`, content: render(bodies.ajv, bodies.exports, file.rel) });
    out.push({ path: `${responseValidatorModule(file)}.ts`, content: render(responses.ajv, responses.exports, file.rel) });
    out.push({ path: `${paramsValidatorModule(file)}.ts`, content: render(params.ajv, params.exports, file.rel) });
  }

  const eventsFile = set.files.find((f) => f.kind === 'asyncapi');
  if (eventsFile) {
    // Events are built by Concord itself, so full error lists are safe and help diagnose a dead letter.
    const ajv = createRegistryAjv(set, { coerce: false, allErrors: true });
    const exports: Record<string, string> = {};
    for (const e of set.events) exports[e.messageName] = addSchemaAt(ajv, `${fileUri(eventsFile)}/events/${e.messageName}`, e.payload, set);
    out.push({ path: `${EVENT_VALIDATORS_MODULE}.ts`, content: render(ajv, exports, eventsFile.rel) });
  }
  return out;
}

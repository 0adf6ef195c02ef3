import type Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { ContractSet } from '../../codegen/contracts';
import { absolutize, addSchemaAt, compileAt, createRegistryAjv } from '../../codegen/schema-registry';
import type { SchemaNode } from './schema-view';
import { nodeKey } from './schema-view';

/** Bodies larger than this are validated up to their first error only (see createRegistryAjv on allErrors). */
const ALL_ERRORS_LIMIT = 64 * 1024;
const ID_BASE = 'https://concord.dev/impact/';

type Mode = 'all' | 'first' | 'coerce';

/**
 * Compiles each contract schema once per run, on first use, with the registry every Concord validator uses
 * (contract files registered by URI, OpenAPI annotations allowed, ajv-formats).
 */
export class Validators {
  private readonly ajvs = new Map<Mode, Ajv2020>();
  private readonly compiled = new Map<string, ValidateFunction>();
  private nextId = 0;

  constructor(private readonly set: ContractSet) {}

  private ajv(mode: Mode): Ajv2020 {
    let ajv = this.ajvs.get(mode);
    if (!ajv) {
      ajv = createRegistryAjv(this.set, { coerce: mode === 'coerce', allErrors: mode !== 'first' });
      this.ajvs.set(mode, ajv);
    }
    return ajv;
  }

  private validator(mode: Mode, node: SchemaNode): ValidateFunction {
    const key = `${mode} ${nodeKey(node)}`;
    let fn = this.compiled.get(key);
    if (fn) return fn;
    const ajv = this.ajv(mode);
    const id = `${ID_BASE}${mode}/${this.nextId++}`;
    if (mode === 'coerce') {
      // Wrapped in an object so that coercion (a query string to a number or an array) has a parent to write to.
      ajv.addSchema({ $id: id, type: 'object', properties: { value: absolutize(node.schema, node.file, this.set) } });
      compileAt(ajv, id, node);
      fn = ajv.getSchema(id) as ValidateFunction;
    } else {
      fn = ajv.getSchema(addSchemaAt(ajv, id, node, this.set)) as ValidateFunction;
    }
    this.compiled.set(key, fn);
    return fn;
  }

  /** The errors of `value` against a schema, none when it is valid. Large values stop at the first error. */
  validate(node: SchemaNode, value: unknown, opts: { size?: number } = {}): ErrorObject[] {
    const mode: Mode = (opts.size ?? 0) > ALL_ERRORS_LIMIT ? 'first' : 'all';
    const fn = this.validator(mode, node);
    return fn(value) ? [] : [...(fn.errors ?? [])];
  }

  /** Like validate, with the type coercion of query strings, path segments and headers. Errors are under `/value`. */
  validateParameter(node: SchemaNode, value: unknown): ErrorObject[] {
    const fn = this.validator('coerce', node);
    const holder = { value: structuredClone(value) };
    return fn(holder) ? [] : (fn.errors ?? []).map((e) => ({ ...e, instancePath: e.instancePath.replace(/^\/value/, '') }));
  }
}

/** One readable line for an ajv error: `must be integer`, `must have required property 'storeId'`. */
export function describeError(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'enum' && Array.isArray(params.allowedValues)) return `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'const') return `must be ${JSON.stringify(params.allowedValue)}`;
  if (e.keyword === 'additionalProperties') return `property '${String(params.additionalProperty)}' is not allowed`;
  return e.message ?? `fails ${e.keyword}`;
}

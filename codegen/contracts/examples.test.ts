import type Ajv2020 from 'ajv/dist/2020';
import { DEMO_CURRENCY, demoItems, demoLocations } from '../../system-apis/demo-data';
import { REPO_ROOT } from '../../platform/testing/temp-dir';
import { absolutize, createRegistryAjv } from '../schema-registry';
import type { ContractFile, ContractSet } from '.';
import { loadContracts } from '.';
import { getAtPointer, joinPointer } from './json-pointer';
import { deref } from './refs';
import { isObject } from './types';

interface Example {
  where: string;
  value: unknown;
  schema: unknown;
  file: ContractFile;
}

const SCHEMA_HINTS = ['type', '$ref', 'properties', 'allOf', 'oneOf', 'anyOf', 'enum', 'const', 'items'];

/**
 * Every example in the contracts with the schema it illustrates: media types, parameters and headers
 * (`example` and `examples[*].value`), schemas' own `example`, and AsyncAPI message `examples[*].payload`.
 */
function collectExamples(set: ContractSet): Example[] {
  const out: Example[] = [];
  const visit = (node: unknown, pointer: string, file: ContractFile): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => visit(n, joinPointer(pointer, i), file));
    if (!isObject(node)) return;
    const named = isObject(node.examples) ? Object.entries(node.examples) : [];
    if (node.schema !== undefined) {
      if ('example' in node) out.push({ where: `${file.rel}#${pointer}/example`, value: node.example, schema: node.schema, file });
      for (const [name, ex] of named) {
        const { value: resolved } = deref(ex, file, set.byAbs);
        out.push({ where: `${file.rel}#${pointer}/examples/${name}`, value: resolved.value, schema: node.schema, file });
      }
    } else if ('example' in node && SCHEMA_HINTS.some((k) => k in node)) {
      out.push({ where: `${file.rel}#${pointer}/example`, value: node.example, schema: node, file });
    }
    if (file.kind === 'asyncapi' && node.payload !== undefined && Array.isArray(node.examples)) {
      node.examples.forEach((ex: unknown, i: number) => {
        if (isObject(ex) && 'payload' in ex) out.push({ where: `${file.rel}#${pointer}/examples/${i}`, value: ex.payload, schema: node.payload, file });
      });
    }
    for (const [key, child] of Object.entries(node)) {
      if (key === 'example' || key === 'examples') continue;
      visit(child, joinPointer(pointer, key), file);
    }
  };
  for (const file of set.files) visit(file.doc, '', file);
  return out;
}

let set: ContractSet;
let examples: Example[];
let ajv: Ajv2020;
beforeAll(async () => {
  set = await loadContracts(REPO_ROOT);
  examples = collectExamples(set);
  ajv = createRegistryAjv(set, { coerce: false, allErrors: true });
});

describe('contract examples', () => {
  it('are plentiful: every operation has examples', () => {
    expect(examples.length).toBeGreaterThan(set.operations.length * 2);
  });

  it('each validate against their own schema', () => {
    const failures: string[] = [];
    for (const ex of examples) {
      const validate = ajv.compile(absolutize(ex.schema, ex.file, set) as object);
      if (!validate(ex.value)) {
        failures.push(`${ex.where}: ${ajv.errorsText(validate.errors)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('every operation with a request body has a request example, and every success response one too', () => {
    const missing: string[] = [];
    const hasExample = (node: unknown) => isObject(node) && ('example' in node || isObject(node.examples));
    for (const op of set.operations) {
      for (const [ct, src] of Object.entries(op.requestBody?.content ?? {})) {
        const media = src ? getAtPointer(src.file.doc, src.pointer.replace(/\/schema$/, '')) : undefined;
        if (!hasExample(media)) missing.push(`${op.operationId} request ${ct}`);
      }
      for (const [status, res] of Object.entries(op.responses)) {
        if (!status.startsWith('2')) continue;
        for (const [ct, src] of Object.entries(res.content)) {
          const media = src ? getAtPointer(src.file.doc, src.pointer.replace(/\/schema$/, '')) : undefined;
          if (!hasExample(media)) missing.push(`${op.operationId} ${status} ${ct}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('contract examples work against the sandbox demo data', () => {
  const skus = new Map(demoItems.map((i) => [i.sku, i.price]));
  const locations = new Set(demoLocations.map((l) => l.id));

  /** Every object inside the example values, with where it was found. */
  const objects = () => {
    const out: Array<{ where: string; obj: Record<string, unknown> }> = [];
    const walk = (v: unknown, where: string) => {
      if (Array.isArray(v)) v.forEach((c, i) => walk(c, `${where}/${i}`));
      else if (isObject(v)) {
        out.push({ where, obj: v });
        for (const [k, c] of Object.entries(v)) walk(c, `${where}/${k}`);
      }
    };
    for (const ex of examples) walk(ex.value, ex.where);
    return out;
  };

  it('name only SKUs and locations that the demo data seeds', () => {
    const unknown: string[] = [];
    for (const { where, obj } of objects()) {
      if (typeof obj.sku === 'string' && !skus.has(obj.sku)) unknown.push(`${where}: sku ${obj.sku}`);
      for (const key of ['locationId', 'nodeId', 'storeId']) {
        const id = obj[key];
        if (typeof id === 'string' && !locations.has(id)) unknown.push(`${where}: ${key} ${id}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('use the ERP price list for unit prices, in the demo currency', () => {
    const wrong: string[] = [];
    for (const { where, obj } of objects()) {
      const price = obj.unitPrice;
      if (typeof obj.sku !== 'string' || !isObject(price) || obj.priceOverride) continue;
      if (price.amount !== skus.get(obj.sku) || price.currency !== DEMO_CURRENCY) {
        wrong.push(`${where}: ${obj.sku} at ${String(price.amount)} ${String(price.currency)}, price list says ${skus.get(obj.sku)} ${DEMO_CURRENCY}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the orders create example carries channel and channelOrderId', () => {
    const create = set.operations.find((o) => o.api === 'orders' && o.operationId === 'createOrder');
    const media = getAtPointer(create?.file.doc, joinPointer('/paths', '/v1/orders', 'post', 'requestBody', 'content', 'application/json'));
    expect(isObject(media) && isObject(media.example) ? [media.example.channel, media.example.channelOrderId] : []).toEqual(['marketplace', 'MKT-100234']);
  });
});

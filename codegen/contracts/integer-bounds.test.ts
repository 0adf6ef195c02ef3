import { REPO_ROOT } from '../../platform/testing/temp-dir';
import type { ContractSet } from '.';
import { loadContracts } from '.';
import { getAtPointer, joinPointer } from './json-pointer';
import { isObject } from './types';

/** PostgreSQL `integer` and the largest integer a JSON number carries exactly (what a `bigint` column can be given). */
const INT4_MAX = 2_147_483_647;
const SAFE_MAX = Number.MAX_SAFE_INTEGER;

/** Data, not schemas: an example's `type: integer` key is not a schema to bound. */
const DATA_KEYS = new Set(['example', 'examples', 'default', 'enum', 'const']);

let set: ContractSet;
beforeAll(async () => {
  set = await loadContracts(REPO_ROOT);
});

/**
 * Every integer in the contracts is bounded by where it is stored: an unbounded one lets `1e308` through
 * validation and fails in PostgreSQL as a 500 (`invalid input syntax for type bigint`). A test rather than a lint
 * rule: it guards this repo's contracts without adding a finding to every fixture and user contract.
 */
describe('integer bounds in the contracts', () => {
  it('every integer schema has a minimum and a maximum no wider than a safe JSON integer', () => {
    const unbounded: string[] = [];
    const visit = (node: unknown, pointer: string, rel: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => visit(n, joinPointer(pointer, i), rel));
      if (!isObject(node)) return;
      const types = Array.isArray(node.type) ? node.type : [node.type];
      if (types.includes('integer')) {
        const { minimum, maximum } = node;
        const ok = typeof minimum === 'number' && typeof maximum === 'number' && minimum >= -SAFE_MAX && maximum <= SAFE_MAX;
        if (!ok) unbounded.push(`${rel}#${pointer}`);
      }
      for (const [key, child] of Object.entries(node)) if (!DATA_KEYS.has(key)) visit(child, joinPointer(pointer, key), rel);
    };
    for (const file of set.files) visit(file.doc, '', file.rel);
    expect(unbounded).toEqual([]);
  });

  it('quantities fit the PostgreSQL integer columns they are stored in', () => {
    const tooWide: string[] = [];
    const visit = (node: unknown, pointer: string, rel: string, name: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => visit(n, joinPointer(pointer, i), rel, name));
      if (!isObject(node)) return;
      if (node.type === 'integer' && /quantity|counted|delta/i.test(name) && typeof node.maximum === 'number' && node.maximum > INT4_MAX) tooWide.push(`${rel}#${pointer}`);
      for (const [key, child] of Object.entries(node)) if (!DATA_KEYS.has(key)) visit(child, joinPointer(pointer, key), rel, key);
    };
    for (const file of set.files) visit(file.doc, '', file.rel, '');
    expect(tooWide).toEqual([]);
  });
});

describe('the generated validators refuse what PostgreSQL cannot store', () => {
  it.each(['createInventoryAdjustment', 'createStoreSale', 'createStockCount'])('%s with sourceSequence 1e308 names the pointer', async (operationId) => {
    const { routes } = await import('../../generated/routes');
    const route = routes.find((r) => r.operationId === operationId)!;
    const file = set.files.find((f) => f.rel === route.contract)!;
    const media = getAtPointer(file.doc, joinPointer(joinPointer(joinPointer('/paths', route.path), route.method.toLowerCase()), 'requestBody') + '/content/application~1json') as {
      example?: unknown;
      examples?: Record<string, { value: unknown }>;
    };
    const example = structuredClone(media.example ?? Object.values(media.examples ?? {})[0]?.value) as Record<string, unknown>;
    const validate = route.validate.body!['application/json']!;
    expect(validate(example)).toBe(true);
    expect(validate({ ...example, sourceSequence: 1e308 })).toBe(false);
    expect(validate.errors).toEqual([expect.objectContaining({ instancePath: '/sourceSequence', keyword: 'maximum' })]);
  });
});

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { makeTempDir } from '../../platform/testing/temp-dir';
import { buildRuntimeManifest } from '../runtime-manifest';
import { loadContractDir } from './load';
import { normalizeOpenApi30 } from './profile';
import { ContractLoadError } from './types';

describe('normalizeOpenApi30', () => {
  it('turns nullable into a null type, boolean exclusive bounds into numbers, and leaves a property named nullable alone', () => {
    const schema = {
      type: 'object',
      properties: {
        a: { type: 'string', nullable: true, enum: ['x', 'y'] },
        b: { $ref: '#/components/schemas/B', nullable: true },
        c: { type: 'integer', minimum: 0, exclusiveMinimum: true, maximum: 9, exclusiveMaximum: false },
        nullable: { type: 'boolean' },
      },
    };
    normalizeOpenApi30(schema);
    expect(schema.properties).toEqual({
      a: { type: ['string', 'null'], enum: ['x', 'y', null] },
      b: { anyOf: [{ $ref: '#/components/schemas/B' }, { type: 'null' }] },
      c: { type: 'integer', exclusiveMinimum: 0, maximum: 9 },
      nullable: { type: 'boolean' },
    });
  });
});

describe('loadContractDir', () => {
  let dir: { path: string; remove(): Promise<void> };
  beforeEach(async () => {
    dir = await makeTempDir('concord-contract-dir-');
  });
  afterEach(() => dir.remove());

  const write = async (name: string, doc: unknown) => {
    await mkdir(dir.path, { recursive: true });
    await writeFile(join(dir.path, name), stringify(doc));
  };
  const vendorDoc = (op: Record<string, unknown> = {}) => ({
    openapi: '3.0.3',
    info: { title: 'Vendor', version: '3.2.0' },
    paths: {
      '/vendor/items': {
        post: {
          summary: 'Adds an item',
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: { n: { type: 'integer', nullable: true } } } } } },
          responses: { '201': { description: 'ok' } },
          ...op,
        },
      },
    },
  });

  it('import profile: fills in the upstream, audience, idempotency, cost, security and operationId, and reports warnings', async () => {
    await write('vendor-items.yaml', vendorDoc());
    const set = await loadContractDir({ dir: dir.path, profile: { name: 'import', upstream: 'vendor' } });
    expect(set.operations).toHaveLength(1);
    expect(set.operations[0]).toMatchObject({
      api: 'vendor-items',
      version: 3,
      operationId: 'postVendorItems',
      upstream: 'vendor',
      audience: 'partner',
      idempotency: 'optional',
      rateLimitCost: 1,
      bearer: true,
      scopes: [],
    });
    expect(set.warnings.map((w) => w.message)).toEqual([
      "operation has no operationId; using 'postVendorItems'",
      'no security requirement; the import profile requires a bearer token (no scope)',
    ]);
    // The 3.0 schema compiles as JSON Schema 2020-12: null is a valid `n`.
    const [route] = buildRuntimeManifest(set);
    expect(route!.validate.body!['application/json']!({ n: null })).toBe(true);
    expect(route!.validate.body!['application/json']!({ n: 'x' })).toBe(false);
  });

  it('import profile without an upstream, or the concord profile on a 3.0 document, is a load error naming the file', async () => {
    await write('vendor-items.yaml', vendorDoc());
    await expect(loadContractDir({ dir: dir.path, profile: { name: 'import' } })).rejects.toThrow(/vendor-items\.yaml#.*no x-concord-upstream/);
    await expect(loadContractDir({ dir: dir.path, profile: { name: 'concord' } })).rejects.toThrow(/Concord's profile needs 3\.1/);
  });

  it('a deprecated operation needs x-concord-deprecated-at before its sunset: an error under concord, served without the headers under import', async () => {
    const deprecated = { operationId: 'addItem', deprecated: true, 'x-sunset': '2027-01-01', 'x-concord-deprecated-at': '2027-06-01', security: [{ oauth2: [] }] };
    await write('vendor-items.yaml', vendorDoc(deprecated));
    const set = await loadContractDir({ dir: dir.path, profile: { name: 'import', upstream: 'vendor' } });
    expect(set.operations[0]).toMatchObject({ deprecated: false });
    expect(set.warnings.map((w) => w.message)).toContain('x-sunset 2027-01-01 is before x-concord-deprecated-at 2027-06-01: served without Deprecation and Sunset headers');

    await rm(join(dir.path, 'vendor-items.yaml'));
    await write('vendor-items.v1.yaml', { ...vendorDoc({ ...deprecated, 'x-concord-deprecated-at': undefined }), openapi: '3.1.0', 'x-concord-upstream': 'vendor' });
    const err = await loadContractDir({ dir: dir.path, profile: { name: 'concord' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContractLoadError);
    expect((err as ContractLoadError).message).toContain('deprecated without x-concord-deprecated-at');
  });
});

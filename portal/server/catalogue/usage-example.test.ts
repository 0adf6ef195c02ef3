import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT, makeTempDir } from '../../../platform/testing/temp-dir';
import { CATALOGUE_ENTRIES, buildCatalogue } from './catalogue';
import type { CatalogueEntry } from './catalogue';
import { usageExample } from './usage-example';

const oauth2 = [
  'components:',
  '  securitySchemes:',
  '    oauth2:',
  '      type: oauth2',
  "      flows: { clientCredentials: { tokenUrl: /oauth/token, scopes: { 'parcels:read': r, 'parcels:write': w } } }",
  '    apiKey: { type: apiKey, in: header, name: X-API-Key }',
].join('\n');

describe('usage examples of the repo contracts', () => {
  let entries: ReadonlyMap<string, CatalogueEntry>;
  beforeAll(async () => {
    entries = (await buildCatalogue(REPO_ROOT))[CATALOGUE_ENTRIES];
  });

  it('orders.v2: a token with the scope the call needs, then a list call that works as written', async () => {
    const x = await usageExample(entries.get('orders.v2') as CatalogueEntry, 'createOrdersV2Client');
    expect(x).toMatchObject({ factory: 'createOrdersV2Client', operationId: 'listOrders', method: 'get', path: '/v2/orders', scopes: ['orders:read'], public: false });
    expect(x.code).toContain("import { createOrdersV2Client } from '@concord/orders-v2-client';");
    expect(x.code).toContain("const baseUrl = 'http://127.0.0.1:8080';");
    expect(x.code).toContain('await fetch(`${baseUrl}/oauth/token`');
    expect(x.code).toContain("grant_type: 'client_credentials'");
    expect(x.code).toContain("scope: 'orders:read'");
    expect(x.code).toContain('createOrdersV2Client({ baseUrl, headers: { Authorization: `Bearer ${access_token}` } })');
    expect(x.code).toContain("await client.GET('/v2/orders');");
  });

  it('auth.v1: a public operation needs no token', async () => {
    const x = await usageExample(entries.get('auth.v1') as CatalogueEntry, 'createAuthV1Client');
    expect(x).toMatchObject({ operationId: 'getJwks', public: true, scopes: [] });
    expect(x.code).not.toContain('/oauth/token');
    expect(x.code).toContain('createAuthV1Client({ baseUrl })');
  });

  it('system APIs: a call to the system of record, not to its sandbox controls', async () => {
    const x = await usageExample(entries.get('erp.v1') as CatalogueEntry, 'createErpV1Client');
    expect(x.path).not.toContain('sandbox');
    expect(x.method).toBe('get');
  });
});

describe('usage examples of other contracts', () => {
  let tmp: { path: string; remove(): Promise<void> };
  beforeEach(async () => {
    tmp = await makeTempDir('concord-usage-');
  });
  afterEach(() => tmp.remove());

  const entryOf = async (name: string, yaml: string): Promise<CatalogueEntry> => {
    const dir = join(tmp.path, 'contracts/openapi/process');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${name}.v1.yaml`), yaml);
    return (await buildCatalogue(tmp.path))[CATALOGUE_ENTRIES].get(`${name}.v1`) as CatalogueEntry;
  };

  it('fills required path parameters from their examples, following $refs', async () => {
    const entry = await entryOf(
      'parcels',
      [
        'openapi: 3.1.0',
        'info: { title: Parcels, version: 1.0.0 }',
        'security: [{ oauth2: [parcels:read] }]',
        'paths:',
        '  /v1/parcels:',
        '    post:',
        '      operationId: createParcel',
        '      security: [{ oauth2: [parcels:write] }]',
        "      responses: { '201': { description: created } }",
        '  /v1/parcels/{parcelId}:',
        "    parameters: [{ $ref: '#/components/parameters/ParcelId' }]",
        '    get:',
        '      operationId: getParcel',
        '      summary: One parcel',
        '      parameters:',
        "        - { name: X-Correlation-ID, in: header, schema: { type: string }, example: c-1 }",
        "        - { name: expand, in: query, required: true, schema: { type: string, enum: [events, none] } }",
        "      responses: { '200': { description: ok } }",
        oauth2,
        '  parameters:',
        "    ParcelId: { name: parcelId, in: path, required: true, schema: { type: string }, example: \"pcl_0'1\" }",
        '',
      ].join('\n'),
    );
    const x = await usageExample(entry, 'createParcelsV1Client');
    expect(x).toMatchObject({ operationId: 'getParcel', method: 'get', path: '/v1/parcels/{parcelId}', scopes: ['parcels:read'] });
    expect(x.code).toContain("// 3. getParcel: One parcel");
    expect(x.code).toContain("await client.GET('/v1/parcels/{parcelId}', { params: { path: { parcelId: 'pcl_0\\'1' }, query: { expand: 'events' } } });");
  });

  it('without a GET, calls the first operation with its required headers and the request body example', async () => {
    const entry = await entryOf(
      'labels',
      [
        'openapi: 3.1.0',
        'info: { title: Labels, version: 1.0.0 }',
        'paths:',
        '  /v1/labels:',
        '    post:',
        '      operationId: createLabel',
        '      security: [{ oauth2: [parcels:write] }, { apiKey: [] }]',
        '      parameters:',
        '        - { name: Idempotency-Key, in: header, required: true, schema: { type: string }, example: key-1 }',
        '      requestBody:',
        '        required: true',
        '        content:',
        '          application/json:',
        '            schema: { type: object }',
        '            example: { parcelId: pcl_1, format: pdf, sizes: [10, A6], x-meta: { lines: [{ n: 1 }] } }',
        "      responses: { '201': { description: created } }",
        oauth2,
        '',
      ].join('\n'),
    );
    const x = await usageExample(entry, 'createLabelsV1Client');
    expect(x).toMatchObject({ operationId: 'createLabel', method: 'post', scopes: ['parcels:write'], public: false });
    expect(x.code).toContain(
      [
        "await client.POST('/v1/labels', {",
        "    params: { header: { 'Idempotency-Key': 'key-1' } },",
        '    body: {',
        "      parcelId: 'pcl_1',",
        "      format: 'pdf',",
        "      sizes: [10, 'A6'],",
        "      'x-meta': {",
        '        lines: [',
        '          {',
        '            n: 1,',
        '          },',
        '        ],',
        '      },',
        '    },',
        '  });',
      ].join('\n'),
    );
  });
});

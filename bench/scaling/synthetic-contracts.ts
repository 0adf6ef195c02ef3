import { cp, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Operations per synthetic API file: five resources, each listed, read, created and updated, plus two searches. */
export const OPERATIONS_PER_FILE = 22;

const resources = ['parcels', 'cartons', 'pallets', 'manifests', 'labels'];

/** An operation's request body: a new item. */
const NEW_ITEM_BODY = `      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: '#/components/schemas/NewItem' }
`;

/** A success response carrying one item, with the correlation header every response declares. */
const itemResponse = (status: string, description: string) => `        '${status}':
          description: ${description}
          headers: { X-Correlation-ID: { $ref: '../common/http.yaml#/components/headers/CorrelationId' } }
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Item' }
`;

function resourcePaths(api: string, resource: string, n: number): string {
  const op = (verb: string) => `${verb}${api.replace(/[^a-z0-9]/g, '')}${resource[0]?.toUpperCase()}${resource.slice(1)}${n}`;
  return `  /v1/${api}/${resource}:
    parameters:
      - $ref: '../common/http.yaml#/components/parameters/CorrelationId'
    get:
      operationId: ${op('list')}
      summary: List ${resource}
      security: [{ oauth2: [orders:read] }]
      parameters:
        - $ref: '../common/http.yaml#/components/parameters/Cursor'
        - $ref: '../common/http.yaml#/components/parameters/Limit'
        - { name: status, in: query, required: false, schema: { type: string, enum: [open, closed] } }
      responses:
        '200':
          description: A page.
          headers: { X-Correlation-ID: { $ref: '../common/http.yaml#/components/headers/CorrelationId' } }
          content:
            application/json:
              schema:
                type: object
                required: [items, nextCursor]
                properties:
                  items: { type: array, items: { $ref: '#/components/schemas/Item' } }
                  nextCursor: { type: [string, 'null'] }
        '400': { $ref: '../common/http.yaml#/components/responses/BadRequest' }
        '401': { $ref: '../common/http.yaml#/components/responses/Unauthorized' }
    post:
      operationId: ${op('create')}
      summary: Create one of the ${resource}
      security: [{ oauth2: [orders:write] }]
      x-concord-idempotency: required
      parameters:
        - $ref: '../common/http.yaml#/components/parameters/IdempotencyKey'
${NEW_ITEM_BODY}      responses:
${itemResponse('201', 'Created.')}        '400': { $ref: '../common/http.yaml#/components/responses/BadRequest' }
        '401': { $ref: '../common/http.yaml#/components/responses/Unauthorized' }
  /v1/${api}/${resource}/{itemId}:
    parameters:
      - $ref: '../common/http.yaml#/components/parameters/CorrelationId'
      - { name: itemId, in: path, required: true, schema: { type: string, pattern: '^it_[A-Za-z0-9]{4,32}$' } }
    get:
      operationId: ${op('get')}
      summary: Get one of the ${resource}
      security: [{ oauth2: [orders:read] }]
      responses:
${itemResponse('200', 'The item.')}        '404': { $ref: '../common/http.yaml#/components/responses/NotFound' }
    put:
      operationId: ${op('replace')}
      summary: Replace one of the ${resource}
      security: [{ oauth2: [orders:write] }]
${NEW_ITEM_BODY}      responses:
${itemResponse('200', 'Replaced.')}        '404': { $ref: '../common/http.yaml#/components/responses/NotFound' }
`;
}

function syntheticApi(api: string): string {
  const search = (name: string, n: number) => `  /v1/${api}/search-${name}:
    parameters:
      - $ref: '../common/http.yaml#/components/parameters/CorrelationId'
    post:
      operationId: search${api.replace(/[^a-z0-9]/g, '')}${name}${n}
      summary: Search by ${name}
      security: [{ oauth2: [orders:read] }]
      requestBody:
        required: true
        content:
          application/json:
            schema: { type: object, required: [q], properties: { q: { type: string, maxLength: 200 } }, additionalProperties: false }
      responses:
        '200':
          description: Matches.
          headers: { X-Correlation-ID: { $ref: '../common/http.yaml#/components/headers/CorrelationId' } }
          content:
            application/json:
              schema: { type: object, required: [items], properties: { items: { type: array, items: { $ref: '#/components/schemas/Item' } } } }
`;
  return `openapi: 3.1.0
info:
  title: Synthetic ${api}
  version: 1.0.0
  description: A synthetic API for the contract-scaling benchmark.
x-concord-upstream: orders
x-concord-audience: internal
paths:
${resources.map((r, i) => resourcePaths(api, r, i)).join('')}${search('sku', 1)}${search('owner', 2)}components:
  schemas:
    NewItem:
      type: object
      additionalProperties: false
      required: [sku, quantity]
      properties:
        sku: { type: string, pattern: '^SKU-[0-9]{4}$' }
        quantity: { type: integer, minimum: 1, maximum: 1000 }
        note: { type: string, maxLength: 500 }
        price: { $ref: '../common/schemas.yaml#/components/schemas/Money' }
    Item:
      type: object
      required: [id, sku, quantity, createdAt]
      properties:
        id: { type: string }
        sku: { type: string }
        quantity: { type: integer }
        note: { type: string }
        price: { $ref: '../common/schemas.yaml#/components/schemas/Money' }
        createdAt: { type: string, format: date-time }
`;
}

/**
 * A project root whose contracts hold about `operations` operations: the real common files, and synthetic API
 * files of OPERATIONS_PER_FILE operations each (all alike, so only the count changes between sizes).
 */
export async function syntheticRoot(repoRoot: string, operations: number): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'concord-scaling-'));
  // Generated validators import ajv's runtime; resolve it from the repo's dependencies.
  await symlink(join(repoRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  await mkdir(join(root, 'contracts', 'openapi', 'process'), { recursive: true });
  await cp(join(repoRoot, 'contracts', 'openapi', 'common'), join(root, 'contracts', 'openapi', 'common'), { recursive: true });
  const files = Math.max(1, Math.round(operations / OPERATIONS_PER_FILE));
  for (let i = 1; i <= files; i++) {
    const api = `synth${String(i).padStart(3, '0')}`;
    await writeFile(join(root, 'contracts', 'openapi', 'process', `${api}.v1.yaml`), syntheticApi(api));
  }
  return root;
}

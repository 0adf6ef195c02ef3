import { cp, mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Parser } from '@asyncapi/parser';
import { getAtPointer } from '../../../codegen/contracts/json-pointer';
import { forEachRef } from '../../../codegen/contracts/refs';
import * as contract from '../../../generated/validators/platform/portal.v1.responses';
import { REPO_ROOT, makeTempDir } from '../../../platform/testing/temp-dir';
import { CATALOGUE_ENTRIES, buildCatalogue } from './catalogue';
import { bundleDocument } from './document';

/** Every `$ref` of a bundled document: none may name a file, and each must resolve inside it. */
function refProblems(doc: unknown): string[] {
  const problems: string[] = [];
  forEachRef(doc, '', (ref, at) => {
    if (!ref.startsWith('#')) problems.push(`${at}: external $ref ${ref}`);
    else if (getAtPointer(doc, decodeURIComponent(ref.slice(1))) === undefined) problems.push(`${at}: $ref ${ref} does not resolve`);
  });
  return problems;
}

describe('bundled contracts of the repo', () => {
  let files: Array<[string, string]>;
  beforeAll(async () => {
    const catalogue = await buildCatalogue(REPO_ROOT);
    files = [...catalogue[CATALOGUE_ENTRIES]].map(([id, e]) => [id, e.file]);
  });

  it('stand alone: every $ref is internal and resolves, and each OpenAPI bundle validates', async () => {
    expect(files.length).toBeGreaterThanOrEqual(11);
    for (const [id, file] of files) {
      const doc = await bundleDocument(file);
      expect({ id, problems: refProblems(doc) }).toEqual({ id, problems: [] });
      expect(contract.getApiDocument_response_200(doc)).toBe(true);
      if (typeof doc.openapi === 'string') await SwaggerParser.validate(structuredClone(doc) as never);
    }
  });

  it('mean what the files mean: dereferenced, each OpenAPI bundle equals its contract (plus the hoisted components)', async () => {
    type Doc = { components?: Record<string, Record<string, unknown>> };
    /** The bundle's components, cut down to those the contract itself declares. */
    const asDeclared = (bundle: Doc, contract: Doc): Doc => ({
      ...bundle,
      components: Object.fromEntries(
        Object.entries(contract.components ?? {}).map(([section, named]) => [section, Object.fromEntries(Object.keys(named).map((n) => [n, bundle.components?.[section]?.[n]]))]),
      ),
    });
    for (const [id, file] of files.filter(([id]) => !id.startsWith('events.'))) {
      const fromFile = (await new SwaggerParser().dereference(file)) as Doc;
      const fromBundle = (await new SwaggerParser().dereference(structuredClone(await bundleDocument(file)) as never)) as Doc;
      expect({ id, doc: asDeclared(fromBundle, fromFile) }).toEqual({ id, doc: fromFile });
    }
  });

  it('keep what the renderer needs: info, servers, paths, the internal x-concord extensions', async () => {
    const doc = await bundleDocument(join(REPO_ROOT, 'contracts/openapi/process/orders.v2.yaml'));
    expect(doc).toMatchObject({ openapi: '3.1.0', info: { title: 'Orders API', version: '2.0.0' }, servers: [{ url: 'http://127.0.0.1:8080' }], 'x-concord-upstream': 'orders' });
    expect(Object.keys(doc.paths as object)).toContain('/v2/orders');
    // Shared components keep their names, so the renderer lists Money, Order and Problem as models.
    const components = doc.components as Record<string, Record<string, unknown>>;
    expect(Object.keys(components.schemas ?? {})).toEqual(expect.arrayContaining(['Money', 'Problem', 'OrderV2']));
    expect(components.parameters).toHaveProperty('CorrelationId');
    expect(components.responses).toHaveProperty('Unauthorized');
    expect(components.schemas?.Money).toMatchObject({ description: expect.stringContaining('Never a float') });
  });

  it('inline the event catalogue’s shared schemas so @asyncapi/parser reads it alone, as it reads the file', async () => {
    const file = join(REPO_ROOT, 'contracts/asyncapi/events.yaml');
    const doc = await bundleDocument(file);
    expect(refProblems(doc)).toEqual([]);
    const schemas = (doc.components as { schemas: Record<string, unknown> }).schemas;
    expect(schemas).toHaveProperty('Order');
    expect(schemas).toHaveProperty('CloudEventEnvelope');

    const parser = new Parser();
    const bundled = await parser.parse(JSON.stringify(doc));
    expect(bundled.diagnostics.filter((d) => d.severity === 0)).toEqual([]);
    const original = await parser.parse(await readFile(file, 'utf8'), { source: file });
    expect(original.diagnostics.filter((d) => d.severity === 0)).toEqual([]);
    const summary = (parsed: typeof bundled) => ({
      channels: parsed.document?.channels().all().map((c) => c.address()),
      messages: parsed.document?.messages().all().map((m) => m.name()).sort(),
      operations: parsed.document?.operations().all().map((o) => o.id()),
    });
    expect(summary(bundled)).toEqual(summary(original));
    expect(summary(bundled).messages?.length).toBeGreaterThan(5);
  });

  it('are cached: the same (frozen) object until a file changes', async () => {
    const file = join(REPO_ROOT, 'contracts/openapi/process/returns.v1.yaml');
    const first = await bundleDocument(file);
    expect(await bundleDocument(file)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.info)).toBe(true);
  });
});

describe('bundling other contract trees', () => {
  let tmp: { path: string; remove(): Promise<void> };
  beforeEach(async () => {
    tmp = await makeTempDir('concord-bundle-');
  });
  afterEach(() => tmp.remove());

  const touch = async (file: string, seconds: number) => {
    const at = new Date(Date.UTC(2030, 0, 1, 0, 0, seconds));
    await utimes(file, at, at);
  };

  it('bundles again when the document or a file it references changes', async () => {
    await cp(join(REPO_ROOT, 'contracts'), join(tmp.path, 'contracts'), { recursive: true });
    const file = join(tmp.path, 'contracts/openapi/process/availability.v1.yaml');
    const common = join(tmp.path, 'contracts/openapi/common/schemas.yaml');
    const first = await bundleDocument(file);
    expect(await bundleDocument(file)).toBe(first);

    await writeFile(common, (await readFile(common, 'utf8')).replace('RFC 9457 problem details.', 'RFC 9457 problem details (edited).'));
    await touch(common, 1);
    const second = await bundleDocument(file);
    expect(second).not.toBe(first);
    expect((second.components as { schemas: { Problem: { description: string } } }).schemas.Problem.description).toMatch(/^RFC 9457 problem details \(edited\)\./);

    await writeFile(file, (await readFile(file, 'utf8')).replace('title: Availability API', 'title: Availability API (edited)'));
    await touch(file, 2);
    const third = await bundleDocument(file);
    expect((third.info as { title: string }).title).toBe('Availability API (edited)');
    expect(await bundleDocument(file)).toBe(third);
  });

  it('hoists shared AsyncAPI components under free names and rewrites the references between them', async () => {
    await mkdir(join(tmp.path, 'contracts/asyncapi'), { recursive: true });
    await mkdir(join(tmp.path, 'contracts/openapi/common'), { recursive: true });
    await writeFile(
      join(tmp.path, 'contracts/openapi/common/schemas.yaml'),
      [
        'openapi: 3.1.0',
        'info: { title: Shared, version: 1.0.0 }',
        'paths: {}',
        'components:',
        '  schemas:',
        '    Money: { type: object, properties: { amount: { type: integer } } }',
        "    Order: { type: object, properties: { total: { $ref: '#/components/schemas/Money' }, self: { $ref: '#/components/schemas/Order' } } }",
        '',
      ].join('\n'),
    );
    const file = join(tmp.path, 'contracts/asyncapi/events.yaml');
    await writeFile(
      file,
      [
        'asyncapi: 3.0.0',
        'info: { title: Events, version: 1.0.0 }',
        'channels:',
        '  orders:',
        '    address: orders.created',
        "    messages: { created: { $ref: '#/components/messages/Created' } }",
        'components:',
        '  schemas:',
        '    Money: { type: string, description: the events’ own Money }',
        '  messages:',
        '    Created:',
        '      payload:',
        '        type: object',
        '        properties:',
        "          order: { $ref: '../openapi/common/schemas.yaml#/components/schemas/Order' }",
        "          fee: { $ref: '#/components/schemas/Money' }",
        "          shared: { $ref: '../openapi/common/schemas.yaml#/components/schemas/Money' }",
        '',
      ].join('\n'),
    );
    const doc = await bundleDocument(file);
    expect(refProblems(doc)).toEqual([]);
    expect(doc.components).toEqual({
      schemas: {
        Money: { type: 'string', description: 'the events’ own Money' },
        Order: { type: 'object', properties: { total: { $ref: '#/components/schemas/Money_2' }, self: { $ref: '#/components/schemas/Order' } } },
        Money_2: { type: 'object', properties: { amount: { type: 'integer' } } },
      },
      messages: {
        Created: {
          payload: {
            type: 'object',
            properties: {
              order: { $ref: '#/components/schemas/Order' },
              fee: { $ref: '#/components/schemas/Money' },
              shared: { $ref: '#/components/schemas/Money_2' },
            },
          },
        },
      },
    });
    expect(doc.channels).toEqual({ orders: { address: 'orders.created', messages: { created: { $ref: '#/components/messages/Created' } } } });
  });

  it('fails on a reference that does not resolve, and tries again on the next call', async () => {
    await mkdir(join(tmp.path, 'contracts/asyncapi'), { recursive: true });
    const file = join(tmp.path, 'contracts/asyncapi/events.yaml');
    await writeFile(file, "asyncapi: 3.0.0\ninfo: { title: E, version: 1.0.0 }\ncomponents: { messages: { M: { payload: { $ref: 'missing.yaml#/components/schemas/X' } } } }\n");
    await expect(bundleDocument(file)).rejects.toThrow(/missing\.yaml/);
    await writeFile(join(tmp.path, 'contracts/asyncapi/missing.yaml'), 'components: { schemas: { X: { type: string } } }\n');
    const doc = await bundleDocument(file);
    expect(doc.components).toEqual({ messages: { M: { payload: { $ref: '#/components/schemas/X' } } }, schemas: { X: { type: 'string' } } });
  });
});

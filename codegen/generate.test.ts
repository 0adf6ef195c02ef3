import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT, copyContracts, makeTempDir } from '../platform/testing/temp-dir';
import { runCli } from '../test/helpers/cli';

// `generate` runs through the real CLI: openapi-typescript's ESM-only dependencies load natively in Node but not
// in Jest's module system, and the CLI is what users and CI run anyway.

async function readTree(root: string): Promise<Map<string, string>> {
  const entries = await readdir(join(root, 'generated'), { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return new Map(await Promise.all(files.map(async (f) => [f.slice(root.length + 1), await readFile(f, 'utf8')] as const)));
}

describe('concord generate', () => {
  it('--check passes: the committed generated/ matches the contracts', async () => {
    const r = await runCli(['generate', '--check', '--json']);
    expect(JSON.parse(r.stdout)).toEqual(expect.objectContaining({ ok: true, stale: [] }));
    expect(r.code).toBe(0);
  });

  it('--contracts DIR --out DIR writes the types and client of a catalogue contract directory, nothing else', async () => {
    const out = await makeTempDir();
    try {
      const vendor = join(REPO_ROOT, 'platform', 'server', 'fixtures', 'external-contracts', 'stock');
      const r = await runCli(['generate', '--contracts', vendor, '--profile', 'import', '--upstream', 'stock', '--out', out.path, '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(expect.objectContaining({ ok: true, operations: 1, files: ['clients/process/store-stock.v2.ts', 'types/process/store-stock.v2.ts'] }));
      expect(await readFile(join(out.path, 'types/process/store-stock.v2.ts'), 'utf8')).toContain('"/stock/v2/items/{sku}"');
      expect(await readFile(join(out.path, 'clients/process/store-stock.v2.ts'), 'utf8')).toContain("from '../../types/process/store-stock.v2'");
      // The import profile's findings are reported, not failures.
      expect(JSON.parse(r.stdout).warnings).toEqual([expect.stringMatching(/^stock\/store-stock\.yaml#.*operationId 'get-stock-item' is not camelCase/), expect.stringContaining('no security requirement')]);
      expect((await runCli(['generate', '--contracts', vendor, '--json'])).code).toBe(2);
    } finally {
      await out.remove();
    }
  });

  describe('in a scratch project', () => {
    let scratch: { root: string; remove(): Promise<void> };
    let first: { files: number; written: string[]; operations: number; events: number; ms: number };
    beforeAll(async () => {
      scratch = await copyContracts();
      const r = await runCli(['generate', '--root', scratch.root, '--json']);
      expect(r.code).toBe(0);
      first = JSON.parse(r.stdout);
    });
    afterAll(() => scratch.remove());

    it('writes types, validators, the route manifest, handlers, clients and event types', () => {
      expect(first.written).toEqual(
        expect.arrayContaining([
          'generated/routes.ts',
          'generated/events.ts',
          'generated/types/process/orders.v1.ts',
          'generated/types/events.ts',
          'generated/validators/process/orders.v1.body.ts',
          'generated/validators/process/orders.v1.params.ts',
          'generated/validators/process/orders.v1.responses.ts',
          'generated/validators/events.ts',
          'generated/handlers/process/orders.v1.ts',
          'generated/clients/process/orders.v1.ts',
        ]),
      );
      expect(first.written).toHaveLength(first.files);
    });

    it('is deterministic: a fresh run produces byte-for-byte what is committed', async () => {
      const [fresh, committed] = await Promise.all([readTree(scratch.root), readTree(REPO_ROOT)]);
      expect([...fresh.keys()].sort()).toEqual([...committed.keys()].sort());
      for (const [path, content] of fresh) expect(`${path}: ${content === committed.get(path)}`).toBe(`${path}: true`);
    });

    it('a second run writes nothing', async () => {
      const r = await runCli(['generate', '--root', scratch.root, '--json']);
      expect(JSON.parse(r.stdout)).toEqual(expect.objectContaining({ written: [], removed: [] }));
    });

    it('--check exits 1 and lists a hand-edited file and a stray file; generate repairs both', async () => {
      const edited = 'generated/routes.ts';
      await writeFile(join(scratch.root, edited), (await readFile(join(scratch.root, edited), 'utf8')) + '\n// hand edit\n');
      await writeFile(join(scratch.root, 'generated/stray.ts'), 'export {};\n');
      const check = await runCli(['generate', '--check', '--root', scratch.root]);
      expect(check.code).toBe(1);
      expect(check.stdout).toContain(`  ${edited}`);
      expect(check.stdout).toContain('generated/stray.ts (no longer generated)');

      const repair = await runCli(['generate', '--root', scratch.root, '--json']);
      expect(JSON.parse(repair.stdout)).toEqual(expect.objectContaining({ written: [edited], removed: ['generated/stray.ts'] }));
      expect((await runCli(['generate', '--check', '--root', scratch.root])).code).toBe(0);
    });
  });
});

describe('the generated code', () => {
  it('route manifest and validators: requests, coerced parameters, responses and events, nothing compiled at runtime', async () => {
    const { routes } = await import('../generated/routes');
    const create = routes.find((r) => r.api === 'orders' && r.operationId === 'createOrder');
    expect(create).toEqual(
      expect.objectContaining({ method: 'POST', path: '/v1/orders', scopes: ['orders:write'], idempotency: 'required', upstream: 'orders', rateLimitCost: 5 }),
    );
    const body = create?.validate.body?.['application/json'];
    expect(body?.({ channel: 'web' })).toBe(false);
    expect(body?.errors?.map((e) => e.params)).toEqual(expect.arrayContaining([{ missingProperty: 'channelOrderId' }]));
    expect(create?.validate.responses?.['409']?.['application/problem+json']?.({ type: 'https://concord.dev/problems/insufficient-stock', title: 'Insufficient stock', status: 409 })).toBe(true);
    expect(create?.validate.responses?.['409']?.['application/problem+json']?.({ type: 'not a uri', title: 't', status: 409 })).toBe(false);

    const list = routes.find((r) => r.api === 'orders' && r.operationId === 'listOrders');
    const params = { path: {}, query: { limit: '5' } as Record<string, unknown>, headers: {} };
    expect(list?.validate.params?.(params)).toBe(true);
    expect(params.query.limit).toBe(5); // coerced from the query string
    expect(list?.validate.params?.({ path: {}, query: { limit: '500' }, headers: {} })).toBe(false);

    const { eventCatalogue } = await import('../generated/events');
    expect(eventCatalogue['order.created'].subject).toBe('concord.orders.created');
    expect(eventCatalogue['order.created'].validate({ specversion: '1.0' })).toBe(false);
  });

  it('covers every operation in the route manifest, none listed by hand', async () => {
    const { routes } = await import('../generated/routes');
    expect(routes.length).toBeGreaterThanOrEqual(80);
    for (const r of routes) expect(typeof r.validate.params).toBe('function');
  });
});

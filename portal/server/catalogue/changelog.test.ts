import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { diffFiles } from '../../../governance/diff';
import * as contract from '../../../generated/validators/platform/portal.v1.responses';
import { REPO_ROOT, makeTempDir } from '../../../platform/testing/temp-dir';
import type { Catalogue } from './catalogue';
import { buildCatalogue, visibleTo } from './catalogue';
import { changelogFor } from './changelog';

const TODAY = '2026-12-01';

describe('changelogs of the repo contracts', () => {
  let catalogue: Catalogue;
  beforeAll(async () => {
    catalogue = await buildCatalogue(REPO_ROOT);
  });

  it('orders.v2: the governance diff from orders.v1, as the portal contract describes it', async () => {
    const log = await changelogFor(catalogue, 'orders.v2', REPO_ROOT, { today: TODAY });
    expect(contract.getApiChangelog_response_200(log)).toBe(true);
    expect(log?.api).toBe('orders.v2');
    expect(log?.previous).toBe('orders.v1');

    const { changes } = await diffFiles(join(REPO_ROOT, 'contracts/openapi/process/orders.v1.yaml'), join(REPO_ROOT, 'contracts/openapi/process/orders.v2.yaml'), { root: REPO_ROOT, today: TODAY });
    expect(log?.changes.map((c) => `${c.id} ${c.level} ${c.message}`)).toEqual(changes.map((c) => `${c.id} ${c.level} ${c.message}`));
    expect(log?.changes.length).toBeGreaterThan(5);
    // Across majors the breaking changes are the migration list: info, marked as such.
    expect(log?.changes).toContainEqual({
      id: 'request-body-property-added-required',
      level: 'info',
      message: '(v2 migration) POST /v2/orders (createOrder): request body application/json: property source: required property added',
      operation: 'POST /v2/orders',
    });
    for (const change of log?.changes ?? []) {
      expect(Object.keys(change).sort()).toEqual(change.operation === undefined ? ['id', 'level', 'message'] : ['id', 'level', 'message', 'operation']);
      if (change.operation !== undefined) expect(change.operation).toMatch(/^(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS|TRACE) \/v2\/\S*$/);
    }
  });

  it('a first version has no previous one and no changes', async () => {
    for (const id of ['orders.v1', 'returns.v1', 'events.v1', 'erp.v1']) {
      const log = await changelogFor(catalogue, id, REPO_ROOT);
      expect(log).toEqual({ api: id, previous: null, changes: [] });
      expect(contract.getApiChangelog_response_200(log)).toBe(true);
    }
  });

  it('is undefined for an id the catalogue does not have', async () => {
    expect(await changelogFor(catalogue, 'orders.v3', REPO_ROOT)).toBeUndefined();
    expect(await changelogFor(visibleTo(catalogue, 'partner'), 'erp.v1', REPO_ROOT)).toBeUndefined();
  });

  it('is cached, also across the catalogue’s views', async () => {
    const first = await changelogFor(catalogue, 'orders.v2', REPO_ROOT, { today: TODAY });
    expect(await changelogFor(catalogue, 'orders.v2', REPO_ROOT, { today: TODAY })).toBe(first);
    expect(await changelogFor(visibleTo(catalogue, 'partner'), 'orders.v2', REPO_ROOT, { today: TODAY })).toBe(first);
  });
});

describe('changelogs of other contract trees', () => {
  let tmp: { path: string; remove(): Promise<void> };
  beforeEach(async () => {
    tmp = await makeTempDir('concord-changelog-');
  });
  afterEach(() => tmp.remove());

  const api = (major: number, paths: string) =>
    [
      'openapi: 3.1.0',
      `info: { title: Parcels, version: ${major}.0.0 }`,
      'paths:',
      paths,
      '',
    ].join('\n');
  const op = (path: string, operationId: string) =>
    [`  ${path}:`, '    get:', `      operationId: ${operationId}`, "      responses: { '200': { description: ok } }"].join('\n');

  it('diffs against the highest major below, skipping gaps', async () => {
    const dir = join(tmp.path, 'contracts/openapi/process');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'parcels.v1.yaml'), api(1, op('/v1/parcels', 'listParcels')));
    await writeFile(join(dir, 'parcels.v3.yaml'), api(3, [op('/v3/parcels', 'listParcels'), op('/v3/parcels/labels', 'listLabels')].join('\n')));
    await writeFile(join(dir, 'parcels.v4.yaml'), api(4, op('/v4/parcels/labels', 'listLabels')));
    const catalogue = await buildCatalogue(tmp.path);

    expect(await changelogFor(catalogue, 'parcels.v1', tmp.path)).toEqual({ api: 'parcels.v1', previous: null, changes: [] });
    // Operations are matched across majors with the version prefix set aside: /v1/parcels is /v3/parcels.
    expect(await changelogFor(catalogue, 'parcels.v3', tmp.path)).toEqual({
      api: 'parcels.v3',
      previous: 'parcels.v1',
      changes: [{ id: 'path-added', level: 'info', message: 'path /v3/parcels/labels added', operation: 'GET /v3/parcels/labels' }],
    });
    // A removal breaks clients: across majors it is migration news, not an error.
    expect(await changelogFor(catalogue, 'parcels.v4', tmp.path)).toEqual({
      api: 'parcels.v4',
      previous: 'parcels.v3',
      changes: [{ id: 'path-removed', level: 'info', message: '(v4 migration) path /v3/parcels removed', operation: 'GET /v3/parcels' }],
    });
  });
});

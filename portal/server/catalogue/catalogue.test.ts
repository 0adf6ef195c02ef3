import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ContractLoadError } from '../../../codegen/contracts/types';
import * as contract from '../../../generated/validators/platform/portal.v1.responses';
import { REPO_ROOT, makeTempDir } from '../../../platform/testing/temp-dir';
import type { Catalogue } from './catalogue';
import { CATALOGUE_ENTRIES, buildCatalogue, findVersion, visibleTo } from './catalogue';

const names = (c: Catalogue) => c.items.map((a) => a.name);

describe('the catalogue of the repo contracts', () => {
  let catalogue: Catalogue;
  beforeAll(async () => {
    catalogue = await buildCatalogue(REPO_ROOT);
  });

  it('lists every API by group, each version with its status, sunset and successor', () => {
    expect(names(catalogue)).toEqual(['availability', 'orders', 'returns', 'erp', 'pos', 'wms', 'admin', 'auth', 'portal', 'events']);
    expect(catalogue.items.find((a) => a.name === 'orders')).toEqual({
      name: 'orders',
      title: 'Orders API',
      group: 'process',
      kind: 'openapi',
      audience: 'partner',
      versions: [
        { id: 'orders.v1', major: 1, version: '1.0.0', status: 'deprecated', sunset: '2027-06-30', successor: 'orders.v2' },
        { id: 'orders.v2', major: 2, version: '2.0.0', status: 'current' },
      ],
    });
    expect(catalogue.items.find((a) => a.name === 'events')).toEqual({
      name: 'events',
      title: 'Concord events',
      group: 'events',
      kind: 'asyncapi',
      audience: 'partner',
      versions: [{ id: 'events.v1', major: 1, version: '1.0.0', status: 'current' }],
    });
    expect(catalogue.items.filter((a) => a.group === 'system').map((a) => a.audience)).toEqual(['internal', 'internal', 'internal']);
    expect(catalogue.items.find((a) => a.name === 'admin')?.audience).toBe('internal');
    expect(catalogue.items.find((a) => a.name === 'auth')?.audience).toBe('partner');
  });

  it('serves exactly the ApiCatalogue of the portal contract (the file index stays out of JSON)', () => {
    const json = JSON.parse(JSON.stringify(catalogue)) as unknown;
    expect(json).toEqual({ items: catalogue.items });
    expect(contract.listApis_response_200(json)).toBe(true);
    expect(contract.listApis_response_200(JSON.parse(JSON.stringify(visibleTo(catalogue, 'partner'))))).toBe(true);
  });

  it('shows partners the process APIs, auth and the events, never system, admin or portal APIs', () => {
    expect(names(visibleTo(catalogue, 'partner'))).toEqual(['availability', 'orders', 'returns', 'auth', 'events']);
  });

  it('shows admins everything but the portal API itself', () => {
    expect(names(visibleTo(catalogue, 'admin'))).toEqual(['availability', 'orders', 'returns', 'erp', 'pos', 'wms', 'admin', 'auth', 'events']);
  });

  it('gives the same view for the same catalogue and role', () => {
    expect(visibleTo(catalogue, 'partner')).toBe(visibleTo(catalogue, 'partner'));
    expect(visibleTo(catalogue, 'partner')).not.toBe(visibleTo(catalogue, 'admin'));
  });

  it('finds a visible version with its contract file, and nothing for hidden or unknown ids', () => {
    const v2 = findVersion(catalogue, 'orders.v2', 'partner');
    expect(v2?.file).toBe(join(REPO_ROOT, 'contracts/openapi/process/orders.v2.yaml'));
    expect(v2?.version).toEqual({ id: 'orders.v2', major: 2, version: '2.0.0', status: 'current' });
    expect(v2?.api.name).toBe('orders');
    expect(findVersion(catalogue, 'events.v1', 'partner')?.file).toBe(join(REPO_ROOT, 'contracts/asyncapi/events.yaml'));
    expect(findVersion(catalogue, 'erp.v1', 'partner')).toBeUndefined();
    expect(findVersion(catalogue, 'admin.v1', 'partner')).toBeUndefined();
    expect(findVersion(catalogue, 'erp.v1', 'admin')?.file).toBe(join(REPO_ROOT, 'contracts/openapi/system/erp.v1.yaml'));
    expect(findVersion(catalogue, 'portal.v1', 'admin')).toBeUndefined();
    expect(findVersion(catalogue, 'orders.v9', 'admin')).toBeUndefined();
    expect(findVersion(catalogue, 'constructor', 'admin')).toBeUndefined();
    // A view finds what its role may see.
    expect(findVersion(visibleTo(catalogue, 'partner'), 'orders.v1', 'partner')?.version.status).toBe('deprecated');
  });

  it('is read-only: it is shared by every request', () => {
    expect(Object.isFrozen(catalogue.items)).toBe(true);
    expect(Object.isFrozen(catalogue.items[0]?.versions[0])).toBe(true);
  });
});

describe('the catalogue of other contract trees', () => {
  let tmp: { path: string; remove(): Promise<void> };
  beforeEach(async () => {
    tmp = await makeTempDir('concord-catalogue-');
  });
  afterEach(() => tmp.remove());

  const write = async (rel: string, text: string) => {
    await mkdir(join(tmp.path, rel, '..'), { recursive: true });
    await writeFile(join(tmp.path, rel), text);
  };
  const openapi = (title: string, version: string, extra = '') =>
    `openapi: 3.1.0\ninfo: { title: ${title}, version: ${version} }\n${extra}paths: {}\n`;

  it('takes names from file stems, majors from file names, and the successor from the next major present', async () => {
    await write('contracts/openapi/process/parcels.v1.yaml', openapi('Parcels', '1.2.0', "x-concord-deprecated: true\nx-sunset: '2027-01-31T00:00:00Z'\n"));
    await write('contracts/openapi/process/parcels.v3.yaml', openapi('Parcels API', '3.0.1'));
    await write('contracts/openapi/process/parcels.v10.yaml', openapi('Parcels API', '10.0.0'));
    await write('contracts/openapi/system/ledger.v1.yaml', openapi('Ledger', '1.0.0', 'x-concord-audience: partner\n'));
    await write('contracts/openapi/platform/billing.v1.yaml', openapi('Billing', '1.0.0', 'x-concord-audience: internal\n'));
    await write('contracts/openapi/common/schemas.yaml', openapi('Shared', '1.0.0'));
    await write('contracts/asyncapi/events.yaml', 'asyncapi: 3.0.0\ninfo: { title: Events, version: 2.4.0 }\n');
    await write('contracts/README.md', 'not a contract');

    const c = await buildCatalogue(tmp.path);
    expect(c.items).toEqual([
      {
        name: 'parcels',
        title: 'Parcels API',
        group: 'process',
        kind: 'openapi',
        audience: 'partner',
        versions: [
          { id: 'parcels.v1', major: 1, version: '1.2.0', status: 'deprecated', sunset: '2027-01-31', successor: 'parcels.v3' },
          { id: 'parcels.v3', major: 3, version: '3.0.1', status: 'current', successor: 'parcels.v10' },
          { id: 'parcels.v10', major: 10, version: '10.0.0', status: 'current' },
        ],
      },
      { name: 'ledger', title: 'Ledger', group: 'system', kind: 'openapi', audience: 'internal', versions: [{ id: 'ledger.v1', major: 1, version: '1.0.0', status: 'current' }] },
      { name: 'billing', title: 'Billing', group: 'platform', kind: 'openapi', audience: 'internal', versions: [{ id: 'billing.v1', major: 1, version: '1.0.0', status: 'current' }] },
      { name: 'events', title: 'Events', group: 'events', kind: 'asyncapi', audience: 'partner', versions: [{ id: 'events.v2', major: 2, version: '2.4.0', status: 'current' }] },
    ]);
    expect([...c[CATALOGUE_ENTRIES].keys()].sort()).toEqual(['billing.v1', 'events.v2', 'ledger.v1', 'parcels.v1', 'parcels.v10', 'parcels.v3']);
    expect(names(visibleTo(c, 'partner'))).toEqual(['parcels', 'events']);
    expect(names(visibleTo(c, 'admin'))).toEqual(['parcels', 'ledger', 'billing', 'events']);
  });

  it('reports a contract that does not parse, by file', async () => {
    await write('contracts/openapi/process/parcels.v1.yaml', 'openapi: 3.1.0\ninfo: [unclosed\n');
    const err = await buildCatalogue(tmp.path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContractLoadError);
    expect((err as ContractLoadError).problems[0]?.file).toBe('contracts/openapi/process/parcels.v1.yaml');
  });

  it('reports an event catalogue without a major version', async () => {
    await write('contracts/asyncapi/events.yaml', 'asyncapi: 3.0.0\ninfo: { title: Events, version: draft }\n');
    await expect(buildCatalogue(tmp.path)).rejects.toThrow(/info.version/);
  });

  it('is empty when there are no contracts', async () => {
    expect((await buildCatalogue(tmp.path)).items).toEqual([]);
  });
});

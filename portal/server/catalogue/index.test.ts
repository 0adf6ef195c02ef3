import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as contract from '../../../generated/validators/platform/portal.v1.responses';
import { REPO_ROOT, makeTempDir } from '../../../platform/testing/temp-dir';
import { createCatalogueService } from '.';

describe('the catalogue service', () => {
  const service = createCatalogueService({ contractsRoot: REPO_ROOT, generatedRoot: REPO_ROOT, today: '2026-12-01' });

  it('serves each role its catalogue, as the portal contract describes it', async () => {
    const partner = await service.catalogue('partner');
    const admin = await service.catalogue('admin');
    expect(contract.listApis_response_200(JSON.parse(JSON.stringify(partner)))).toBe(true);
    expect(partner.items.map((a) => a.name)).toEqual(['availability', 'orders', 'returns', 'auth', 'events']);
    expect(admin.items.map((a) => a.name)).toEqual(['availability', 'orders', 'returns', 'erp', 'pos', 'wms', 'admin', 'auth', 'events']);
    expect(await service.catalogue('partner')).toBe(partner);
  });

  it('serves documents, changelogs and clients of what the role may see, and undefined (404) otherwise', async () => {
    const doc = await service.document('orders.v2', 'partner');
    expect(doc).toMatchObject({ openapi: '3.1.0', info: { title: 'Orders API' } });
    expect(await service.document('orders.v2', 'partner')).toBe(doc);
    expect(await service.document('events.v1', 'partner')).toMatchObject({ asyncapi: '3.0.0' });
    expect(await service.document('erp.v1', 'partner')).toBeUndefined();
    expect(await service.document('erp.v1', 'admin')).toMatchObject({ info: { title: 'ERP System API' } });
    expect(await service.document('portal.v1', 'admin')).toBeUndefined();
    expect(await service.document('nope.v1', 'admin')).toBeUndefined();

    const log = await service.changelog('orders.v2', 'partner');
    expect(log).toMatchObject({ api: 'orders.v2', previous: 'orders.v1' });
    expect(contract.getApiChangelog_response_200(log)).toBe(true);
    expect(await service.changelog('orders.v2', 'partner')).toBe(log);
    expect(await service.changelog('admin.v1', 'partner')).toBeUndefined();
    expect(await service.changelog('admin.v1', 'admin')).toEqual({ api: 'admin.v1', previous: null, changes: [] });

    const client = await service.clientTarball('orders.v2', 'partner');
    expect(client?.fileName).toBe('concord-orders-v2-client-2.0.0.tgz');
    expect(await service.clientTarball('orders.v2', 'admin')).toBe(client);
    expect(await service.clientTarball('events.v1', 'partner')).toBeUndefined();
    expect(await service.clientTarball('wms.v1', 'partner')).toBeUndefined();
    expect((await service.clientTarball('wms.v1', 'admin'))?.packageName).toBe('@concord/wms-v1-client');
  });
});

describe('the catalogue service on a contract tree that changes', () => {
  let tmp: { path: string; remove(): Promise<void> };
  beforeEach(async () => {
    tmp = await makeTempDir('concord-catalogue-service-');
    await cp(join(REPO_ROOT, 'contracts'), join(tmp.path, 'contracts'), { recursive: true });
  });
  afterEach(() => tmp.remove());

  it('keeps the catalogue it built (contracts do not change while Concord runs)', async () => {
    const service = createCatalogueService({ contractsRoot: tmp.path, generatedRoot: REPO_ROOT });
    const first = await service.catalogue('partner');
    await rm(join(tmp.path, 'contracts/openapi/process/returns.v1.yaml'));
    expect(await service.catalogue('partner')).toBe(first);
  });

  it('builds again after a failed build', async () => {
    const file = join(tmp.path, 'contracts/openapi/process/returns.v1.yaml');
    await cp(file, `${file}.bak`);
    await cp(join(REPO_ROOT, 'contracts/README.md'), file); // not YAML a contract can be
    const service = createCatalogueService({ contractsRoot: tmp.path, generatedRoot: REPO_ROOT });
    await expect(service.catalogue('partner')).rejects.toThrow(/returns\.v1\.yaml/);
    await cp(`${file}.bak`, file);
    await rm(`${file}.bak`);
    expect((await service.catalogue('partner')).items.map((a) => a.name)).toContain('returns');
  });
});

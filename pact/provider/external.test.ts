import { writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT, makeTempDir } from '../../platform/testing/temp-dir';
import type { Seen } from '../../platform/testing/user-service';
import { EXTERNAL_CONTRACTS, startUserService, upstream } from '../../platform/testing/user-service';
import { verifyPacts } from './verify';

// Pact verification through the gateway for an API served from a catalogue contract directory: a kiosk team's pact
// with the loyalty API (the user's own service, started here) is verified against Concord, with auth, scopes,
// validation and response checks running as for Concord's own APIs. A pact the service does not honour fails,
// naming the interaction. The timeout is a hang guard, not a speed check.

const pact = (description: string, points: number) => ({
  consumer: { name: 'loyalty-kiosk' },
  provider: { name: 'concord' },
  interactions: [
    {
      description,
      request: { method: 'GET', path: '/loyalty/v1/members/m-7', headers: { Accept: 'application/json' } },
      response: { status: 200, headers: { 'Content-Type': 'application/json' }, body: { id: 'm-7', points } },
    },
  ],
  metadata: { pactSpecification: { version: '3.0.0' } },
});

let dir: { path: string; remove(): Promise<void> };
let service: Server;

beforeAll(async () => {
  dir = await makeTempDir('concord-external-pact-');
  service = await startUserService([] as Seen[]);
});
afterAll(async () => {
  await new Promise((r) => service?.close(r));
  await dir?.remove();
});

test('a pact with an API served from a catalogue contract directory verifies through the gateway; a broken one names its interaction', async () => {
  const good = join(dir.path, 'loyalty-kiosk-concord.json');
  const broken = join(dir.path, 'loyalty-kiosk-broken-concord.json');
  await writeFile(good, JSON.stringify(pact('a member balance', 120)));
  await writeFile(broken, JSON.stringify(pact('a member balance the service does not give', 999)));

  const url = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
  const results = await verifyPacts({
    root: REPO_ROOT,
    files: [good, broken],
    committed: false,
    catalogue: {
      upstreams: { loyalty: upstream('loyalty', url) },
      systems: { erp: 'sandbox', wms: 'sandbox', pos: 'sandbox' },
      contracts: [{ dir: join(EXTERNAL_CONTRACTS, 'loyalty'), profile: 'concord' }],
    },
  });
  expect(results.map((r) => [r.file, r.interactions])).toEqual([
    [good, 1],
    [broken, 1],
  ]);
  expect(results[0]!.failures).toEqual([]);
  expect(results[1]!.failures).toHaveLength(1);
  expect(JSON.stringify(results[1]!.failures[0])).toContain('a member balance the service does not give');
}, 240_000);

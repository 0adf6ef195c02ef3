import { cp, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../platform/testing/temp-dir';
import { runCli } from '../../test/helpers/cli';

// The guard works: a copy of Concord in which a contract and its handler drop a response field consumers read
// (`totals` of an order in orders.v2) is consistent with itself, so Concord's own checks pass, and yet
// `concord pact verify` fails and names the consumers that read the field. (Scenario 9.)

const COPIED = ['bin', 'platform', 'codegen', 'gateway', 'process-apis', 'system-apis', 'portal', 'governance', 'generated', 'contracts', 'package.json', 'tsconfig.json'];
const PACTS = ['call-centre-concord.json', 'marketplace-connector-concord.json'];

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'concord-breaking-'));
  for (const entry of COPIED) await cp(join(REPO_ROOT, entry), join(root, entry), { recursive: true });
  await cp(join(REPO_ROOT, 'pact'), join(root, 'pact'), { recursive: true });
  for (const file of await readdir(join(root, 'pact', 'pacts'))) if (!PACTS.includes(file)) await rm(join(root, 'pact', 'pacts', file));
  await symlink(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function edit(file: string, from: string | RegExp, to: string): Promise<void> {
  const path = join(root, file);
  const before = await readFile(path, 'utf8');
  const after = before.replace(from, to);
  if (after === before) throw new Error(`${file}: '${String(from)}' not found; update this test to the file's new shape`);
  await writeFile(path, after);
}

test('dropping a response field a consumer uses fails verification, naming the consumer and the interaction', async () => {
  // The contract: `totals` no longer part of OrderV2.
  await edit(
    'contracts/openapi/process/orders.v2.yaml',
    'required: [id, source, status, currency, customer, lines, tenders, promotions, fulfilmentGroups, totals, sync, createdAt, updatedAt]',
    'required: [id, source, status, currency, customer, lines, tenders, promotions, fulfilmentGroups, sync, createdAt, updatedAt]',
  );
  await edit('contracts/openapi/process/orders.v2.yaml', /\n {8}totals: \{ \$ref: '\.\.\/common\/schemas\.yaml#\/components\/schemas\/OrderTotals' \}/, '');
  // The handler: the v2 view stops serving it.
  await edit('process-apis/orders/model.ts', 'const { channel, channelOrderId, ...rest } = order;', 'const { channel, channelOrderId, totals: _dropped, ...rest } = order;');
  const generated = await runCli(['generate', '--root', root], {}, 120_000);
  expect(generated.stderr).not.toMatch(/error/);
  expect(generated.code).toBe(0);

  const r = await runCli(['pact', 'verify', '--root', root], {}, 170_000);
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/^✗ call-centre → concord: \d+ of 5 interactions failed/m);
  expect(r.stdout).toMatch(/^✗ marketplace-connector → concord: \d+ of 5 interactions failed/m);
  expect(r.stdout).toMatch(/consumer call-centre, interaction "Given a web order exists - a request for an order with its sync state":\n\s+\$: Actual map is missing the following keys: totals/);
  expect(r.stdout).toMatch(/consumer marketplace-connector, interaction "Given the demo catalogue and stock are loaded - a marketplace order with a pickup line and a ship line":\n\s+.*totals/);
  expect(r.stdout).toMatch(/^2 of 2 pacts failed verification against Concord/m);
}, 180_000);

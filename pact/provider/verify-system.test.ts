import { configFromEnv } from '../../examples/erp-adapter/src/adapter';
import type { RunningAdapter } from '../../examples/erp-adapter/src/adapter';
import { startExampleErp } from '../../examples/erp-adapter/testing';
import type { ExampleErp } from '../../examples/erp-adapter/testing';
import { runCli } from '../../test/helpers/cli';
import type { SystemVerification } from './verify-system';

// `concord pact verify --provider erp`, as a retailer runs it before go-live: against Concord's own sandbox ERP,
// against the example adapter (with and without its provider-state hook), and against an adapter with a mapping
// bug. The timeouts are hang guards, not speed checks.

interface Out {
  ok: boolean;
  pacts: SystemVerification[];
}

const examples: ExampleErp[] = [];
afterAll(() => Promise.all(examples.map((e) => e.close())));

/** The example adapter on its stub, configured from the environment as `npm run example:erp-adapter` is. */
async function adapter(env: NodeJS.ProcessEnv): Promise<RunningAdapter> {
  const { vendorUrl: _vendorUrl, dataDir: _dataDir, ...config } = configFromEnv({ ERP_ADAPTER_PROVIDER_STATES: 'on', ...env });
  const example = await startExampleErp({ ...config, port: 0 });
  examples.push(example);
  return example.adapter;
}

test("Concord's sandbox ERP passes every interaction of the concord-process pact", async () => {
  const r = await runCli(['pact', 'verify', '--provider', 'erp', '--json'], {}, 170_000);
  const out = JSON.parse(r.stdout) as Out;
  expect(out.pacts.flatMap((p) => p.failures)).toEqual([]);
  expect(out.pacts).toEqual([expect.objectContaining({ consumer: 'concord-process', provider: 'erp', unverifiable: [] })]);
  expect(out.pacts[0]!.interactions).toBeGreaterThanOrEqual(10);
  expect([r.code, out.ok]).toEqual([0, true]);
}, 180_000);

test.each(['wms', 'pos'])("Concord's sandbox %s passes every interaction of its concord-process pact", async (provider) => {
  const r = await runCli(['pact', 'verify', '--provider', provider, '--json'], {}, 170_000);
  const out = JSON.parse(r.stdout) as Out;
  expect(out.pacts.flatMap((p) => p.failures)).toEqual([]);
  expect([r.code, out.ok, out.pacts[0]!.provider]).toEqual([0, true, provider]);
}, 180_000);

test('the example adapter passes with its state-change hook; without one, the stateful interactions are not verifiable (exit 1 unless allowed)', async () => {
  const a = await adapter({});
  const withHook = await runCli(['pact', 'verify', '--provider', 'erp', '--provider-url', a.url, '--state-change-url', `${a.url}/_pact/provider-states`, '--json'], {}, 120_000);
  const out = JSON.parse(withHook.stdout) as Out;
  expect(out.pacts.flatMap((p) => p.failures)).toEqual([]);
  expect(out.pacts[0]!.unverifiable).toEqual([]);
  expect([withHook.code, out.ok]).toEqual([0, true]);

  const noHook = await runCli(['pact', 'verify', '--provider', 'erp', '--provider-url', a.url], {}, 120_000);
  expect(noHook.code).toBe(1);
  expect(noHook.stdout).toContain(`not verifiable: "a sales order while ERP is unavailable" needs provider state 'ERP is unavailable'`);
  expect(noHook.stdout).toMatch(/interactions could not be verified: they need provider states/);
  expect(noHook.stdout).not.toContain('✗');

  const allowed = await runCli(['pact', 'verify', '--provider', 'erp', '--provider-url', a.url, '--allow-unverifiable', '--json'], {}, 120_000);
  const partial = JSON.parse(allowed.stdout) as Out;
  expect([allowed.code, partial.ok]).toEqual([0, true]);
  expect(partial.pacts[0]!.unverifiable.length).toBeGreaterThan(0);
}, 300_000);

test('an adapter with a mapping bug fails, and the failure names the interaction and the field', async () => {
  const a = await adapter({ ERP_ADAPTER_BREAK: 'drop-field' });
  const r = await runCli(['pact', 'verify', '--provider', 'erp', '--provider-url', a.url, '--state-change-url', `${a.url}/_pact/provider-states`], {}, 120_000);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('✗ concord-process → erp');
  expect(r.stdout).toContain('interaction "a request for the item master"');
  expect(r.stdout).toContain('$.items[*]: Actual map is missing the following keys: taxRateBp');
  expect(r.stdout).toContain('erp fails verification');
}, 120_000);

test('options that do not fit together are refused before anything starts', async () => {
  const r = await runCli(['pact', 'verify', '--state-change-url', 'http://127.0.0.1:1/hook']);
  expect([r.code, r.stderr.trim()]).toEqual([1, 'error: --state-change-url needs --provider (erp, wms, pos)']);
  const noUrl = await runCli(['pact', 'verify', '--provider', 'erp', '--state-change-url', 'http://127.0.0.1:1/hook']);
  expect(noUrl.stderr).toContain("--state-change-url needs --provider-url: Concord's sandbox sets its states up itself");
  const bad = await runCli(['pact', 'verify', '--provider', 'erp', '--provider-url', 'ftp://erp']);
  expect(bad.stderr).toContain("--provider-url must be an http(s) URL, not 'ftp://erp'");
});

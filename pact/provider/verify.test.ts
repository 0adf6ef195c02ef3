import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../platform/testing/temp-dir';
import { runCli } from '../../test/helpers/cli';
import { CHANNELS, PROCESS_CONSUMER, pactsDir } from '../support/names';
import type { PactVerification } from './verify';

// Provider verification as CI runs it: `concord pact verify` against Concord on the embedded default, every pact
// of record plus a partner's own pact given by path. The timeout is a hang guard, not a speed check.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'concord-partner-pact-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('every pact in pact/pacts/ and a partner pact given by path verify against Concord through the gateway', async () => {
  // A partner that onboards (scenario 8) brings its own pact: here the 3PL suite's pact under another consumer name.
  const partnerPact = JSON.parse(await readFile(join(pactsDir(REPO_ROOT), '3pl-partner-concord.json'), 'utf8'));
  partnerPact.consumer.name = 'acme-3pl';
  const partnerFile = join(dir, 'acme-3pl-concord.json');
  await writeFile(partnerFile, JSON.stringify(partnerPact));

  const r = await runCli(['pact', 'verify', partnerFile, '--json'], {}, 170_000);
  expect(r.stderr).toBe('');
  const out = JSON.parse(r.stdout) as { ok: boolean; durationMs: number; pacts: PactVerification[] };
  const failures = out.pacts.flatMap((p) => p.failures);
  expect(failures).toEqual([]);
  expect(r.code).toBe(0);
  expect(out.ok).toBe(true);

  // The concord-process pacts are the systems' to pass (`--provider erp|wms|pos`), not the gateway's.
  const all = (await readdir(pactsDir(REPO_ROOT))).filter((f) => f.endsWith('.json')).sort();
  const committed = all.filter((f) => !f.startsWith(`${PROCESS_CONSUMER}-`));
  expect(all.filter((f) => f.startsWith(`${PROCESS_CONSUMER}-`)).length).toBeGreaterThan(0);
  expect(out.pacts.map((p) => p.file)).toEqual([...committed.map((f) => join(pactsDir(REPO_ROOT), f)), partnerFile]);
  // Every channel has an HTTP pact; the marketplace connector and the call centre also have message pacts.
  for (const channel of CHANNELS) expect(committed).toContain(`${channel}-concord.json`);
  expect(committed).toEqual(expect.arrayContaining(['marketplace-connector-concord-events.json', 'call-centre-concord-events.json']));
  for (const p of out.pacts) expect(p.interactions).toBeGreaterThan(0);
}, 180_000);

import { loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import type { RunningPlatform } from '../platform/server/start';
import { startPlatform } from '../platform/server/start';
import { REPO_ROOT, makeTempDir } from '../platform/testing/temp-dir';
import { runBorisWalkthrough } from './boris';

// The scenario 6 walkthrough the README shows, run as `npm start` runs it: the embedded default with its
// background workers, an ephemeral port and a temp data dir. The waits are hang guards, not speed checks.

let platform: RunningPlatform;
let dir: { path: string; remove(): Promise<void> };

beforeAll(async () => {
  dir = await makeTempDir();
  platform = await startPlatform(loadConfig({ PORT: '0', CONCORD_DATA_DIR: dir.path }, { root: REPO_ROOT }), createLogger({ level: 'silent' }));
});
afterAll(async () => {
  await platform?.close();
  await dir?.remove();
});

test('scenario 6 walkthrough: the defective item goes to damaged stock, never to ATP; one credit memo after the ERP outage', async () => {
  const creds = platform.bootstrap!;
  const steps = await runBorisWalkthrough({ url: platform.url, admin: creds.admin, channel: creds.sandbox, timeoutMs: 60_000 });
  const stock = steps.map((s) => s.stock);
  const [before] = stock;
  expect(steps).toHaveLength(7);
  // The online order ships from a DC: the store's stock does not move until the item comes back to it.
  expect(stock[1]).toEqual(before);
  expect(stock[2]).toEqual(before);
  expect(stock[3]).toEqual(before);
  // Received: on hand, held in quality control, not promised.
  expect(stock[4]).toEqual({ ...before, onHand: before!.onHand + 1, qualityControl: before!.qualityControl + 1 });
  // Defective: quarantined as damaged, ATP as before, and it stays so after the refund.
  expect(stock[5]).toEqual({ ...before, onHand: before!.onHand + 1, damaged: before!.damaged + 1 });
  expect(stock[6]).toEqual(stock[5]);
  expect(steps[5]!.step).toMatch(/ERP is down: refund approved/);
  expect(steps[6]!.step).toMatch(/^ERP is back: 1 credit memo \(CM-?\w+\), return closed/);
  expect(steps[2]!.calls.some((c) => /^POST \/system\/wms\/v1\/shipment-confirmations -> 201$/.test(c))).toBe(true);
  expect(steps[3]!.calls[0]).toMatch(/^POST \/system\/pos\/v1\/returns -> 201$/);
  expect(steps[3]!.step).toMatch(/started PR-\d+, forwarded to Concord as ret_\w+: authorized/);
}, 240_000);

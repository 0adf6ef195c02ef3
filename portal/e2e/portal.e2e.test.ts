import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { loadConfig } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import type { RunningPlatform } from '../../platform/server/start';
import { startPlatform } from '../../platform/server/start';
import { REPO_ROOT, makeTempDir } from '../../platform/testing/temp-dir';

// The portal's onboarding and operations flow in Debian's Chromium, driven by playwright-core against a real
// `concord start` on the embedded default: sign up → create a sandbox app → copy the credentials → try-it gets a
// token and creates an order → usage shows the calls → an admin approves a partner plan → the ops view shows a dead
// letter and replays it. A screenshot of each step goes to test-results/portal-e2e/.

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(REPO_ROOT, 'test-results', 'portal-e2e');
// The flags Chromium needs on this machine's closed network (see .ci/run, which installs the package).
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === 'true') throw new Error(`CI=true and ${CHROMIUM} is missing: .ci/run installs Debian's chromium package`);
if (!haveChromium) process.stderr.write(`\n!! ${CHROMIUM} is missing: the portal end-to-end test is SKIPPED (apt-get install chromium)\n\n`);
const describeWithChromium = haveChromium ? describe : describe.skip;

describeWithChromium('developer portal in Chromium', () => {
  let dir: { path: string; remove(): Promise<void> };
  let platform: RunningPlatform;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dir = await makeTempDir();
    await mkdir(SHOTS, { recursive: true });
    const config = loadConfig({ PORT: '0', CONCORD_DATA_DIR: dir.path, LOG_LEVEL: 'silent' }, { root: REPO_ROOT });
    platform = await startPlatform(config, createLogger({ level: 'silent' }));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    context = await browser.newContext({ viewport: { width: 1360, height: 900 }, acceptDownloads: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: platform.url });
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
    await dir?.remove();
  });

  const t = (id: string) => page.getByTestId(id);
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
  const state: { clientId?: string; email?: string } = {};

  // The steps share one browser session and run in order; each asserts what the user would see.
  it('1. signs up a developer into a new organisation', async () => {
    state.email = `dev-${Date.now()}@acme-3pl.example`;
    await page.goto(`${platform.url}/portal`);
    await t('signin-form').waitFor();
    await t('goto-signup').click();
    await t('signup-email').fill(state.email);
    await t('signup-password').fill('correct-horse-battery');
    await t('signup-organisation').fill('Acme 3PL');
    await shot('01-signup');
    await t('signup-submit').click();
    await t('session-user').waitFor();
    expect(await t('session-user').textContent()).toContain(state.email);
  });

  it('2. registers a sandbox app and copies its credentials, shown once', async () => {
    await t('nav-apps').click();
    await t('register-form').waitFor();
    await t('register-name').fill('Acme WMS connector');
    await t('register-plan-sandbox').check();
    await t('register-submit').click();
    await t('credentials-panel').waitFor();
    await t('shown-once-warning').waitFor();
    await t('copy-client-secret').click();
    await page.locator('[data-testid=copy-client-secret][data-copied=true]').waitFor();
    const secret = await t('credential-client-secret').textContent();
    expect(secret).toMatch(/^cs_/);
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);
    state.clientId = (await t('credential-client-id').textContent()) ?? undefined;
    expect(state.clientId).toMatch(/^app_/);
    await shot('02-credentials');
    await t('credentials-done').click();
    // Once dismissed, the secret is nowhere on the page.
    expect(await page.content()).not.toContain(secret);
  });

  it('3. try-it gets a token with the app and creates an order in the sandbox', async () => {
    await page.goto(`${platform.url}/portal/#/apis/orders.v2`);
    await t('tab-try').click();
    await t('tryit').waitFor();
    await page.locator(`[data-testid=tryit-app] option[value="${state.clientId}"]`).waitFor({ state: 'attached' });
    await t('tryit-app').selectOption(state.clientId!);
    await t('tryit-get-token').click();
    await t('tryit-token-status').waitFor();
    expect(await t('tryit-token-status').textContent()).toMatch(/^200/);
    await t('tryit-operation').selectOption('createOrder');
    await t('tryit-send').click();
    await t('tryit-status').waitFor();
    expect(await t('tryit-status').textContent()).toMatch(/^201/);
    expect(await t('tryit-response-body').textContent()).toContain('"orderId"');
    await t('tryit-correlation-id').waitFor();
    await t('tryit-response').scrollIntoViewIfNeeded();
    await shot('03-tryit-order');
  });

  it('4. usage shows the calls the app made', async () => {
    await page.goto(`${platform.url}/portal/#/apps/${state.clientId}/usage`);
    await t('usage-table').waitFor();
    // The token request is public (no app yet to count); the order is the app's call.
    expect(Number(await t('usage-total-requests').textContent())).toBeGreaterThanOrEqual(1);
    await shot('04-usage');
  });

  it('5. asks for the partner plan, and an internal admin approves it', async () => {
    await t('nav-apps').click();
    await t('register-name').fill('Acme partner app');
    await t('register-plan-partner').check();
    await t('register-submit').click();
    await t('credentials-panel').waitFor();
    await t('credentials-done').click();
    await page.locator('[data-testid=app-row][data-app-name="Acme partner app"] [data-testid=app-requested-plan]').waitFor();
    await t('signout').click();
    await t('signin-form').waitFor();

    const admin = platform.portalAdmin!;
    await t('signin-email').fill(admin.email);
    await t('signin-password').fill(admin.password);
    await t('signin-submit').click();
    await t('nav-admin').click();
    const row = page.locator('[data-testid=approval-row][data-app-name="Acme partner app"]');
    await row.waitFor();
    await shot('05-approvals');
    await row.getByTestId('approve-plan').click();
    await t('approval-result').waitFor();
    await shot('06-approved');
    const approved = (await platform.db.query<{ plan: string }>(`SELECT plan FROM concord.apps WHERE name = 'Acme partner app'`)).rows[0];
    expect(approved?.plan).toBe('partner');
  });

  it('6. the ops view shows a dead letter and replays it', async () => {
    // An event the relay refused at publish (its contract has since been fixed): the order event of step 3, as the
    // relay would have recorded it.
    const event = (await platform.db.query<{ payload: Record<string, unknown> }>(`SELECT payload FROM events.outbox WHERE type = 'order.created' ORDER BY position DESC LIMIT 1`)).rows[0]!.payload;
    const dead = await platform.services.events.deadLetters.record({ event: { ...event, id: `${String(event.id)}-dlq` } as never, consumer: null, reason: 'payload failed validation at publish', kind: 'validation', attempts: 1 });
    await t('admin-tab-ops').click();
    await t('ops-summary').waitFor();
    await t('ops-refresh').click();
    const row = page.locator(`[data-testid=dead-letter-row][data-dead-letter-id="${dead.id}"]`);
    await row.waitFor();
    await shot('07-ops-dead-letter');
    await row.getByTestId('dead-letter-replay').click();
    await page.locator('[data-testid=replay-result][data-status=replayed]').waitFor();
    await shot('08-ops-replayed');
    const after = (await platform.db.query<{ status: string }>(`SELECT status FROM events.dead_letters WHERE id = $1`, [dead.id])).rows[0];
    expect(after?.status).toBe('replayed');
  });

  it('raised no uncaught errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});

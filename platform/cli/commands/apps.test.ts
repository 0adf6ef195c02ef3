import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CREDENTIALS_FILE } from '../../../gateway/apps/bootstrap';
import { runCli } from '../../../test/helpers/cli';
import type { Recorded } from '../../../test/helpers/fake-concord';
import { ADMIN, answer, dataDirWith, problem, useFakeConcord } from '../../../test/helpers/fake-concord';
import { makeTempDir } from '../../testing/temp-dir';

/**
 * The admin commands against a fake Concord: just /oauth/token and the admin routes they call, on an ephemeral
 * port. Every answer the fake gives passes the contract's generated response validator, so the fake cannot drift
 * from what the real gateway serves. Each CLI run is a child process (~2-7 s here), so runs are few and grouped.
 */

const TOKEN = 'eyJ.fake.admin-token';
const CREATED_AT = '2026-11-01T09:00:00.000Z';

const appOf = (clientId: string, over: Record<string, unknown> = {}) => ({
  clientId,
  name: `App ${clientId}`,
  plan: 'sandbox',
  scopes: ['orders:read'],
  status: 'active',
  apiKeys: [{ keyId: 'ak_0000000001', prefix: 'ck_0000000001', createdAt: CREATED_AT }],
  createdAt: CREATED_AT,
  ...over,
});

/** The fake's routes: what the CLI calls, with the behaviour the tests below depend on. */
function route(req: Recorded, res: ServerResponse): void {
  const { method, path } = req;
  const authed = req.authorization === `Bearer ${TOKEN}`;
  if (method === 'POST' && path === '/oauth/token') {
    const body = req.body as Record<string, string>;
    if (body.client_id !== ADMIN.client_id || body.client_secret !== ADMIN.client_secret) {
      return answer(res, 'auth', 'issueToken', 401, { error: 'invalid_client', error_description: 'Client authentication failed.' });
    }
    return answer(res, 'auth', 'issueToken', 200, { access_token: TOKEN, token_type: 'Bearer', expires_in: 900, scope: 'admin' });
  }
  if (!authed) return answer(res, 'admin', 'listApps', 401, problem(401, 'unauthorized', 'Authentication required'));

  if (method === 'POST' && path === '/admin/v1/apps') {
    const body = req.body as { name: string; plan: string; scopes: string[]; partnerId?: string };
    if (body.plan !== 'sandbox' && body.plan !== 'partner') {
      return answer(res, 'admin', 'createApp', 400, problem(400, 'validation', 'Request validation failed', {
        detail: `plan ${body.plan} does not exist`,
        errors: [{ pointer: '/plan', message: `plan ${body.plan} does not exist` }],
      }));
    }
    const app = appOf('app_created01', { name: body.name, plan: body.plan, scopes: body.scopes, ...(body.partnerId ? { partnerId: body.partnerId } : {}) });
    return answer(res, 'admin', 'createApp', 201, {
      app,
      clientId: app.clientId,
      clientSecret: 'cs_new-secret-shown-once-0000000000000000000000',
      apiKey: 'ck_0000000002_new-key-shown-once-000000000000000000',
    });
  }
  if (method === 'GET' && path === '/admin/v1/apps') {
    const partnerId = req.query.partnerId;
    const first = req.query.cursor === undefined;
    const items = first ? [appOf('app_first01', { partnerId }), appOf('app_second02', { partnerId })] : [appOf('app_third03', { partnerId, status: 'suspended' })];
    return answer(res, 'admin', 'listApps', 200, { items, nextCursor: first ? 'cursor-page-2' : null });
  }
  const action = /^\/admin\/v1\/apps\/([^/]+)\/(suspend|rotate-secret)$/.exec(path);
  if (method === 'POST' && action) {
    const [, clientId = '', verb] = action;
    const op = verb === 'suspend' ? 'suspendApp' : 'rotateAppSecret';
    if (clientId === 'app_nosuchapp') return answer(res, 'admin', op, 404, problem(404, 'not-found', 'Not found', { detail: `no app ${clientId}` }));
    if (verb === 'suspend') return answer(res, 'admin', op, 200, appOf(clientId, { status: 'suspended' }));
    return answer(res, 'admin', op, 200, { clientId, clientSecret: 'cs_rotated-secret-shown-once-000000000000000000' });
  }
  if (method === 'GET' && path === '/admin/v1/plans') {
    return answer(res, 'admin', 'listPlans', 200, {
      items: [
        { name: 'sandbox', ratePerSecond: 10, burst: 20, description: 'Sandbox only.' },
        { name: 'partner', ratePerSecond: 100, burst: 200 },
      ],
    });
  }
  res.writeHead(404, { 'content-type': 'application/problem+json' }).end(JSON.stringify(problem(404, 'not-found', 'Not found')));
}

/** A port nothing listens on: bound, then released. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

// Each CLI run starts a Node process through tsx: seconds apiece, and far more on a loaded 2-core machine.
jest.setTimeout(180_000);

describe('concord apps / plans against a fake Concord', () => {
  const fake = useFakeConcord(route);
  let emptyDir: { path: string; remove(): Promise<void> };
  let wrongDir: { path: string; remove(): Promise<void> };

  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, env);
  const withFake = fake.run;
  const requestsTo = fake.requestsTo;

  beforeAll(async () => {
    [emptyDir, wrongDir] = await Promise.all([makeTempDir(), dataDirWith({ ...ADMIN, client_secret: 'cs_from-another-database' })]);
  });
  afterAll(async () => {
    await Promise.all([emptyDir?.remove(), wrongDir?.remove()]);
  });

  it('apps create --json signs in with the data dir’s admin credentials, sends the app, and prints exactly the three credentials', async () => {
    const r = await withFake(['apps', 'create', '--name', 'Marketplace feed', '--plan', 'partner', '--scopes', 'orders:read, orders:write  returns:read', '--partner', 'prt_market01', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      client_id: 'app_created01',
      client_secret: 'cs_new-secret-shown-once-0000000000000000000000',
      api_key: 'ck_0000000002_new-key-shown-once-000000000000000000',
    });

    const [token, ...rest] = fake.requests;
    expect(token).toEqual({
      method: 'POST',
      path: '/oauth/token',
      query: {},
      contentType: expect.stringMatching(/^application\/json/),
      body: { grant_type: 'client_credentials', client_id: ADMIN.client_id, client_secret: ADMIN.client_secret, scope: 'admin' },
    });
    expect(rest).toEqual([
      {
        method: 'POST',
        path: '/admin/v1/apps',
        query: {},
        authorization: `Bearer ${TOKEN}`,
        contentType: expect.stringMatching(/^application\/json/),
        body: { name: 'Marketplace feed', plan: 'partner', scopes: ['orders:read', 'orders:write', 'returns:read'], partnerId: 'prt_market01' },
      },
    ]);
  });

  it('finds the server and credentials from PORT and CONCORD_DATA_DIR; human output shows the secrets with a warning', async () => {
    const r = await cli(['apps', 'create', '--name', 'POS', '--scopes', 'orders:read'], { PORT: new URL(fake.url).port, CONCORD_DATA_DIR: fake.dataDir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Created app app_created01 (POS): plan sandbox, scopes orders:read');
    expect(r.stdout).toMatch(/client_secret\s+cs_new-secret-shown-once/);
    expect(r.stdout).toMatch(/api_key\s+ck_0000000002_new-key-shown-once/);
    expect(r.stdout).toContain('shown this once');
    // --plan defaults to sandbox; no --partner sends no partnerId.
    expect(requestsTo('/admin/v1/apps').map((q) => q.body)).toEqual([{ name: 'POS', plan: 'sandbox', scopes: ['orders:read'] }]);
  });

  it('reports an API problem with its title, detail and errors, and exits 1 without a stack trace', async () => {
    const [human, json] = await Promise.all([
      withFake(['apps', 'create', '--name', 'X', '--plan', 'gold', '--scopes', 'orders:read']),
      withFake(['apps', 'create', '--name', 'X', '--plan', 'gold', '--scopes', 'orders:read', '--json']),
    ]);
    expect(human.code).toBe(1);
    expect(human.stdout).toBe('');
    expect(human.stderr).toBe('error: creating the app failed (400): Request validation failed: plan gold does not exist\n  --plan: plan gold does not exist\n');
    expect(json.code).toBe(1);
    expect(json.stdout).toBe('');
    expect(JSON.parse(json.stderr)).toEqual({ error: 'failed', message: expect.stringContaining('plan gold does not exist') });
  });

  it('apps list follows every page, filtered by partner, as JSON and as a table', async () => {
    const [json, human] = await Promise.all([
      withFake(['apps', 'list', '--partner', 'prt_market01', '--json']),
      withFake(['apps', 'list']),
    ]);
    expect(json.code).toBe(0);
    const listed = JSON.parse(json.stdout) as { items: Array<{ clientId: string; partnerId?: string }> };
    expect(listed.items.map((a) => [a.clientId, a.partnerId])).toEqual([
      ['app_first01', 'prt_market01'],
      ['app_second02', 'prt_market01'],
      ['app_third03', 'prt_market01'],
    ]);
    const pages = requestsTo('/admin/v1/apps').filter((q) => q.query.partnerId === 'prt_market01');
    expect(pages.map((q) => q.query)).toEqual([
      { limit: '100', partnerId: 'prt_market01' },
      { limit: '100', partnerId: 'prt_market01', cursor: 'cursor-page-2' },
    ]);
    expect(pages.every((q) => q.authorization === `Bearer ${TOKEN}`)).toBe(true);

    expect(human.code).toBe(0);
    const lines = human.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CLIENT ID\s+NAME\s+PLAN\s+STATUS\s+PARTNER\s+SCOPES$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[0])).toEqual(['app_first01', 'app_second02', 'app_third03']);
    expect(lines[3]).toContain('suspended');
  });

  it('apps suspend and rotate-secret call the app’s action; an unknown app is reported', async () => {
    const [suspended, rotated, unknown] = await Promise.all([
      withFake(['apps', 'suspend', 'app_first01']),
      withFake(['apps', 'rotate-secret', 'app_second02', '--json']),
      withFake(['apps', 'suspend', 'app_nosuchapp']),
    ]);
    expect(suspended.code).toBe(0);
    expect(suspended.stdout).toContain('Suspended app_first01');
    expect(rotated.code).toBe(0);
    expect(JSON.parse(rotated.stdout)).toEqual({ client_id: 'app_second02', client_secret: 'cs_rotated-secret-shown-once-000000000000000000' });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: suspending app_nosuchapp failed (404): Not found: no app app_nosuchapp\n');

    const actions = fake.requests.filter((q) => q.path !== '/oauth/token');
    expect(actions.map((q) => `${q.method} ${q.path} ${q.authorization}`).sort()).toEqual([
      `POST /admin/v1/apps/app_first01/suspend Bearer ${TOKEN}`,
      `POST /admin/v1/apps/app_nosuchapp/suspend Bearer ${TOKEN}`,
      `POST /admin/v1/apps/app_second02/rotate-secret Bearer ${TOKEN}`,
    ]);
  });

  it('plans list prints the plans', async () => {
    const r = await withFake(['plans', 'list']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PLAN\s+RATE\/S\s+BURST\s+DESCRIPTION$/);
    expect(lines[1]).toMatch(/^sandbox\s+10\s+20\s+Sandbox only\.$/);
    expect(lines[2]).toMatch(/^partner\s+100\s+200$/);
  });

  it('says clearly when the server is not running, the credentials are missing, or they are refused', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const [unreachable, missing, refused] = await Promise.all([
      cli(['apps', 'list', '--url', down, '--data-dir', fake.dataDir]),
      cli(['plans', 'list', '--url', fake.url, '--data-dir', emptyDir.path]),
      cli(['apps', 'list', '--url', fake.url, '--data-dir', wrongDir.path]),
    ]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toBe(`error: cannot reach Concord at ${down}: is it running? (start it with \`npm start\`)\n`);

    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`no admin credentials: ${join(emptyDir.path, CREDENTIALS_FILE)} does not exist`);

    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`refused the admin credentials from ${join(wrongDir.path, CREDENTIALS_FILE)}`);
    // The wrong secret was tried at the token endpoint and nothing else; the missing file sent nothing at all.
    expect(fake.requests.map((q) => q.path)).toEqual(['/oauth/token']);
    for (const r of [unreachable, missing, refused]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('has --help for the groups and their commands', async () => {
    // Commander gives every subcommand --help; these runs check the groups list them and the options read right.
    const [apps, create, plans] = await Promise.all([cli(['apps', '--help']), cli(['apps', 'create', '--help']), cli(['plans', '--help'])]);
    for (const r of [apps, create, plans]) expect(r.code).toBe(0);
    expect(apps.stdout).toMatch(/create \[options\][\s\S]*list \[options\][\s\S]*suspend \[options\] <clientId>[\s\S]*rotate-secret \[options\] <clientId>/);
    expect(create.stdout).toMatch(/--name <name>[\s\S]*--plan <plan>[\s\S]*--scopes <scopes>[\s\S]*--partner <partnerId>[\s\S]*--url <url>[\s\S]*--data-dir <dir>[\s\S]*--json/);
    expect(plans.stdout).toMatch(/list \[options\]/);
  });
});

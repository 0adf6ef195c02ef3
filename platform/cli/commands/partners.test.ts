import type { ServerResponse } from 'node:http';
import { runCli } from '../../../test/helpers/cli';
import type { Recorded } from '../../../test/helpers/fake-concord';
import { ADMIN, answer, problem, useFakeConcord } from '../../../test/helpers/fake-concord';

/** `concord partners` against a fake Concord whose answers pass the admin contract's response validators. */

const TOKEN = 'eyJ.fake.admin-token';
const partnerOf = (id: string, over: Record<string, unknown> = {}) => ({ id, name: `Partner ${id}`, contactEmail: 'ops@partner.example', createdAt: '2026-11-01T09:00:00.000Z', ...over });

function route(req: Recorded, res: ServerResponse): void {
  const { method, path } = req;
  if (method === 'POST' && path === '/oauth/token') {
    const body = req.body as Record<string, string>;
    if (body.client_id !== ADMIN.client_id || body.client_secret !== ADMIN.client_secret) return answer(res, 'auth', 'issueToken', 401, { error: 'invalid_client', error_description: 'no' });
    return answer(res, 'auth', 'issueToken', 200, { access_token: TOKEN, token_type: 'Bearer', expires_in: 900, scope: 'admin' });
  }
  if (req.authorization !== `Bearer ${TOKEN}`) return answer(res, 'admin', 'listPartners', 401, problem(401, 'unauthorized', 'Authentication required'));
  if (method === 'POST' && path === '/admin/v1/partners') {
    const body = req.body as { name: string; contactEmail: string };
    if (!body.contactEmail.includes('@')) {
      return answer(res, 'admin', 'createPartner', 400, problem(400, 'validation', 'Request validation failed', { errors: [{ pointer: '/contactEmail', message: 'must match format "email"' }] }));
    }
    return answer(res, 'admin', 'createPartner', 201, partnerOf('prt_created01', { name: body.name, contactEmail: body.contactEmail }));
  }
  if (method === 'GET' && path === '/admin/v1/partners') {
    const first = req.query.cursor === undefined;
    return answer(res, 'admin', 'listPartners', 200, { items: first ? [partnerOf('prt_first01'), partnerOf('prt_second02')] : [partnerOf('prt_third03')], nextCursor: first ? 'page-2' : null });
  }
  res.writeHead(404, { 'content-type': 'application/problem+json' }).end(JSON.stringify(problem(404, 'not-found', 'Not found')));
}

// Each CLI run starts a Node process through tsx: seconds apiece, and far more on a loaded 2-core machine.
jest.setTimeout(180_000);

describe('concord partners against a fake Concord', () => {
  const fake = useFakeConcord(route);

  it('partners create --json sends name and email and prints the partner; a bad email names the option', async () => {
    const [created, human, bad, help] = await Promise.all([
      fake.run(['partners', 'create', '--name', 'Acme Marketplace', '--email', 'api@acme.example', '--json']),
      fake.run(['partners', 'create', '--name', 'Acme', '--email', 'api@acme.example']),
      fake.run(['partners', 'create', '--name', 'Acme', '--email', 'not-an-email']),
      runCli(['partners', '--help']),
    ]);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toEqual(partnerOf('prt_created01', { name: 'Acme Marketplace', contactEmail: 'api@acme.example' }));
    expect(fake.requestsTo('/admin/v1/partners').map((r) => r.body)).toContainEqual({ name: 'Acme Marketplace', contactEmail: 'api@acme.example' });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('Created partner prt_created01 (Acme, api@acme.example).');
    expect(human.stdout).toContain('concord apps create --partner prt_created01');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--email: must match format "email"');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/create\b[\s\S]*list\b/);
  });

  it('partners list follows every page, as JSON and as a table', async () => {
    const [json, human] = await Promise.all([fake.run(['partners', 'list', '--json']), fake.run(['partners', 'list'])]);
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { items: Array<{ id: string }> }).items.map((p) => p.id)).toEqual(['prt_first01', 'prt_second02', 'prt_third03']);
    expect(human.code).toBe(0);
    const lines = human.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PARTNER ID\s+NAME\s+CONTACT\s+CREATED$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[0])).toEqual(['prt_first01', 'prt_second02', 'prt_third03']);
  });
});

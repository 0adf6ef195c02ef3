import { execFileSync } from 'node:child_process';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { listPactFiles } from '../impact';
import { openRevisions } from '../model/revisions';
import { REPO_ROOT, makeTempDir } from '../../platform/testing/temp-dir';
import { runCli } from '../../test/helpers/cli';
import { buildReview } from './build-review';
import type { ReviewReport } from './build-review';

// Scenario 9: a pull request removes a field from the order response and adds a required request property.
const ORDERS = 'contracts/openapi/process/orders.v2.yaml';
const POLICY = { today: '2026-12-04', minSunsetDays: 180 };

let repo: { path: string; remove(): Promise<void> };
let report: ReviewReport;

const git = (...args: string[]) => execFileSync('git', args, { cwd: repo.path, stdio: 'pipe' });

beforeAll(async () => {
  repo = await makeTempDir('concord-review-');
  await cp(join(REPO_ROOT, 'contracts'), join(repo.path, 'contracts'), { recursive: true });
  await cp(join(REPO_ROOT, 'pact', 'pacts'), join(repo.path, 'pact', 'pacts'), { recursive: true });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('-c', 'user.name=Concord test', '-c', 'user.email=test@concord.dev', 'commit', '-q', '-m', 'base');

  const file = join(repo.path, ORDERS);
  const doc = parseDocument(await readFile(file, 'utf8'));
  doc.deleteIn(['components', 'schemas', 'OrderV2', 'properties', 'fulfilmentGroups']);
  const required = doc.getIn(['components', 'schemas', 'OrderV2', 'required']) as { items: Array<{ value: string }> };
  required.items = required.items.filter((i) => i.value !== 'fulfilmentGroups');
  doc.setIn(['components', 'schemas', 'CreateOrderRequest', 'properties', 'salesAgentId'], doc.createNode({ type: 'string', maxLength: 64 }));
  (doc.getIn(['components', 'schemas', 'CreateOrderRequest', 'required']) as { add(v: unknown): void }).add('salesAgentId');
  await writeFile(file, doc.toString());

  const revisions = await openRevisions(repo.path, 'main');
  try {
    report = await buildReview({ ...revisions, pactFiles: await listPactFiles(join(repo.path, 'pact', 'pacts')), root: repo.path, policy: POLICY });
  } finally {
    await revisions.dispose();
  }
});

afterAll(() => repo?.remove());

describe('scenario 9: an architect reviews a contract change', () => {
  it('flags the removed response field and the new required request property as breaking', () => {
    const breaking = report.breaking.map((c) => `${c.id} ${c.message}`);
    expect(breaking).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^response-body-property-removed-required GET \/v2\/orders\/\{orderId\} \(getOrder\): response 200 application\/json: property fulfilmentGroups/),
        expect.stringMatching(/^request-body-property-added-required POST \/v2\/orders \(createOrder\): request body application\/json: property salesAgentId/),
      ]),
    );
    expect(report.verdict).toBe('fail');
  });

  it('names the call-centre and marketplace pacts that use the removed field, and only those', () => {
    const onField = report.consumers.filter((i) => i.problems.some((p) => p.field?.includes('fulfilmentGroups')));
    expect([...new Set(onField.map((i) => i.consumer))].sort()).toEqual(['call-centre', 'marketplace-connector']);
    // The new required property breaks every consumer that creates orders without it.
    const onRequest = report.consumers.filter((i) => i.problems.some((p) => /salesAgentId/.test(`${p.field ?? ''} ${p.message}`)));
    expect([...new Set(onRequest.map((i) => i.consumer))].sort()).toEqual(['marketplace-connector', 'store-pos', 'web-storefront']);
  });

  it('proposes a new major version instead', () => {
    expect(report.proposals.map((p) => p.message)).toEqual([expect.stringContaining('Publish orders.v3.yaml with these changes instead, and deprecate orders.v2.yaml')]);
  });

  it('the CLI prints the Markdown for the pull request comment and fails the check', async () => {
    const r = await runCli(['contracts', 'review', '--root', repo.path, '--base', 'main', '--today', POLICY.today]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('## Concord contract review');
    expect(r.stdout).toContain('**✖ This change fails review:**');
    expect(r.stdout).toMatch(/\| \*\*call-centre\*\* \(`pact\/pacts\/call-centre-concord.json`\) \| a request for an order with its sync state \|/);
    expect(r.stdout).toContain('Publish orders.v3.yaml');
    expect(r.stderr).toMatch(/fails review in \d+ ms/);
  });

  it('passes once the change is reworked into orders.v3 with orders.v2 deprecated', async () => {
    const v2 = join(repo.path, ORDERS);
    const revised = await readFile(v2, 'utf8');
    git('checkout', '-q', '--', ORDERS);
    try {
      const v3 = parseDocument(revised.replace(/\/v2\//g, '/v3/').replace('version: 2.0.0', 'version: 3.0.0'));
      // The reworked contract's own examples carry the new required property.
      for (const example of ['marketplace', 'pos']) {
        v3.setIn(['paths', '/v3/orders', 'post', 'requestBody', 'content', 'application/json', 'examples', example, 'value', 'salesAgentId'], 'agent-7');
      }
      await writeFile(join(repo.path, 'contracts/openapi/process/orders.v3.yaml'), v3.toString());
      const original = await readFile(v2, 'utf8');
      await writeFile(v2, original.replace('x-concord-audience: partner\n', "x-concord-audience: partner\nx-concord-deprecated: true\nx-sunset: '2027-12-31'\n"));
      const r = await runCli(['contracts', 'review', '--root', repo.path, '--base', 'main', '--today', POLICY.today, '--format', 'json']);
      const out = JSON.parse(r.stdout) as ReviewReport;
      expect({ code: r.code, verdict: out.verdict, breaking: out.breaking, lint: out.lint, consumers: out.consumers }).toEqual({ code: 0, verdict: 'pass', breaking: [], lint: [], consumers: [] });
      expect(out.changes.map((c) => c.id)).toEqual(expect.arrayContaining(['api-version-added', 'operation-deprecated']));
      expect(out.changes.map((c) => c.id)).not.toContain('previous-major-not-deprecated');
    } finally {
      await rm(join(repo.path, 'contracts/openapi/process/orders.v3.yaml'), { force: true });
      await writeFile(v2, revised);
    }
  });
});

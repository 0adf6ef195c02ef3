import SwaggerParser from '@apidevtools/swagger-parser';
import { Parser, fromFile } from '@asyncapi/parser';
import { SEVERITY_NAMES, createSpectral, lintFile } from '../../governance/spectral';
import { REPO_ROOT } from '../../platform/testing/temp-dir';
import type { ContractSet } from '.';
import { loadContracts } from '.';
import { getAtPointer } from './json-pointer';

let set: ContractSet;
beforeAll(async () => {
  set = await loadContracts(REPO_ROOT);
});

const openapiFiles = () => set.files.filter((f) => f.kind === 'openapi');

describe('the contracts', () => {
  it('cover the six APIs, admin, auth and the event catalogue, one file per major version', () => {
    const apis = set.files.filter((f) => f.api).map((f) => `${f.group}/${f.api}.v${f.version}`);
    expect(apis).toEqual(
      expect.arrayContaining([
        'process/orders.v1',
        'process/returns.v1',
        'process/availability.v1',
        'system/erp.v1',
        'system/wms.v1',
        'system/pos.v1',
        'platform/admin.v1',
        'platform/auth.v1',
      ]),
    );
    expect(set.files.some((f) => f.kind === 'asyncapi')).toBe(true);
  });

  it('each validate with @apidevtools/swagger-parser', async () => {
    for (const file of openapiFiles()) {
      await expect(SwaggerParser.validate(file.abs)).resolves.toBeDefined();
    }
  });

  it('validate with @asyncapi/parser without errors', async () => {
    for (const file of set.files.filter((f) => f.kind === 'asyncapi')) {
      const { document, diagnostics } = await fromFile(new Parser(), file.abs).parse();
      expect(diagnostics.filter((d) => d.severity === 0).map((d) => d.message)).toEqual([]);
      expect(document).toBeDefined();
    }
  });

  it('get no Spectral errors or warnings from spectral:oas and spectral:asyncapi (recommended)', async () => {
    const spectral = createSpectral();
    const findings: string[] = [];
    for (const file of set.files) {
      for (const d of await lintFile(spectral, file.abs)) {
        // Component libraries are referenced from other files, which Spectral cannot see from here.
        if (d.code === 'oas3-unused-component' && file.group === 'common') continue;
        if (d.severity <= 1) findings.push(`${file.rel} ${SEVERITY_NAMES[d.severity]} ${d.code} ${d.path.join('/')}: ${d.message}`);
      }
    }
    expect(findings).toEqual([]);
  });
});

describe('every operation', () => {
  it('has an operationId, a summary, security with scopes (or a portal session), and an upstream', () => {
    for (const op of set.operations) {
      const where = `${op.file.rel} ${op.method} ${op.path}`;
      expect({ where, id: op.operationId.length > 0, summary: op.summary.length > 0 }).toEqual({ where, id: true, summary: true });
      // The portal API's operations are for any signed-in developer: the session is the requirement, not a scope.
      const sessionOnly = op.session && !op.bearer;
      if (!op.public && !sessionOnly) expect({ where, scopes: op.scopes.length > 0 }).toEqual({ where, scopes: true });
      if (sessionOnly) expect({ where, scopes: op.scopes }).toEqual({ where, scopes: [] });
      expect(op.upstream).toBeTruthy();
    }
  });

  it('is served under the path prefix of its group and major version', () => {
    for (const op of set.operations) {
      const prefix =
        op.file.group === 'process'
          ? `/v${op.version}/`
          : op.file.group === 'system'
            ? `/system/${op.api}/v${op.version}/`
            : op.api === 'admin'
              ? `/admin/v${op.version}/`
              : '/';
      expect(`${op.path} in ${op.file.rel}`).toBe(`${op.path.startsWith(prefix) ? op.path : `${prefix}…`} in ${op.file.rel}`);
    }
  });

  it('declares problem+json for every error response except the OAuth token endpoint (RFC 6749 §5.2)', () => {
    for (const op of set.operations) {
      for (const [status, res] of Object.entries(op.responses)) {
        if (Number(status) < 400 || (op.operationId === 'issueToken' && status !== '429')) continue;
        expect(`${op.operationId} ${status}: ${Object.keys(res.content).join(',')}`).toBe(`${op.operationId} ${status}: application/problem+json`);
      }
    }
  });

  it('declares X-Correlation-ID and requires Idempotency-Key where x-concord-idempotency is required', () => {
    for (const op of set.operations) {
      const headers = op.parameters.filter((p) => p.in === 'header').map((p) => p.name.toLowerCase());
      expect(`${op.operationId}: ${headers.includes('x-correlation-id')}`).toBe(`${op.operationId}: true`);
      if (op.idempotency === 'required') {
        const key = op.parameters.find((p) => p.name.toLowerCase() === 'idempotency-key');
        expect(`${op.operationId}: ${key?.required}`).toBe(`${op.operationId}: true`);
      }
    }
  });

  it('never offers idempotency where a response carries a credential (stored replays are kept in clear)', () => {
    const CREDENTIAL = /"(clientSecret|client_secret|apiKey|api_key|access_token)"\s*:/;
    const offending: string[] = [];
    for (const op of set.operations) {
      for (const [status, res] of Object.entries(op.responses)) {
        if (!status.startsWith('2')) continue;
        for (const src of Object.values(res.content)) {
          const media = src ? getAtPointer(src.file.doc, src.pointer.replace(/\/schema$/, '')) : undefined;
          if (CREDENTIAL.test(JSON.stringify(media ?? {})) && op.idempotency !== 'none') offending.push(`${op.api} ${op.operationId}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });

  it('keeps system and admin APIs internal, behind internal scopes', () => {
    const internalScopes = ['system:read', 'system:write', 'sandbox:admin', 'admin'];
    for (const op of set.operations.filter((o) => o.file.group === 'system' || o.api === 'admin')) {
      expect(`${op.operationId} ${op.audience} ${op.scopes.every((s) => internalScopes.includes(s))}`).toBe(`${op.operationId} internal true`);
      expect(op.apiKey).toBe(false);
    }
  });

  it('includes what the foundation issue names', () => {
    const ids = (api: string) => set.operations.filter((o) => o.api === api).map((o) => o.operationId);
    expect(ids('orders')).toEqual(expect.arrayContaining(['createOrder', 'getOrder', 'listOrders', 'cancelOrder']));
    expect(ids('returns')).toEqual(expect.arrayContaining(['createReturn', 'getReturn', 'listReturns', 'receiveReturn', 'inspectReturn']));
    expect(ids('availability')).toEqual(
      expect.arrayContaining(['getAvailability', 'queryAvailability', 'createReservation', 'getReservation', 'releaseReservation']),
    );
    for (const system of ['erp', 'wms', 'pos']) {
      const fault = set.operations.find((o) => o.api === system && o.method === 'put' && o.path === `/system/${system}/v1/sandbox/faults`);
      expect(fault?.scopes).toEqual(['sandbox:admin']);
    }
    const byId = (api: string, id: string) => set.operations.find((o) => o.api === api && o.operationId === id);
    expect(byId('orders', 'createOrder')?.idempotency).toBe('required');
    expect(byId('orders', 'cancelOrder')?.idempotency).toBe('required');
    expect(byId('returns', 'createReturn')?.idempotency).toBe('required');
    expect(byId('orders', 'listOrders')?.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['cursor', 'limit', 'status']));
    expect(byId('erp', 'listSalesOrders')?.parameters.map((p) => p.name)).toContain('externalRef');
  });
});

describe('the event catalogue', () => {
  it('has every event of the domain model, each with a NATS subject, a sender and a receiver', () => {
    expect(set.events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'order.created',
        'order.allocated',
        'order.cancelled',
        'order.shipped',
        'inventory.adjusted',
        'inventory.availability-changed',
        'return.authorized',
        'return.received',
        'return.inspected',
        'refund.approved',
        'item.restocked',
      ]),
    );
    for (const e of set.events) {
      expect(e.subject).toMatch(/^concord\.[a-z]+\.[a-z.-]+$/);
      expect(`${e.type} senders=${e.senders.length > 0} receivers=${e.receivers.length > 0}`).toBe(`${e.type} senders=true receivers=true`);
    }
  });

  it('shares the canonical schemas with the OpenAPI contracts instead of copying them', async () => {
    const events = set.files.find((f) => f.kind === 'asyncapi');
    const text = JSON.stringify(events?.doc);
    const missing = ['Order', 'Return', 'Refund', 'InventoryPosition', 'Reservation', 'Sku', 'LocationId'].filter(
      (name) => !text.includes(`../openapi/common/schemas.yaml#/components/schemas/${name}`),
    );
    expect(missing).toEqual([]);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogueError, loadCatalogue, parseCatalogue } from './load';
import { DEFAULT_CATALOGUE } from './types';

const FILE = '/etc/concord/concord.yaml';

function problemsOf(text: string, env: NodeJS.ProcessEnv = {}) {
  try {
    parseCatalogue(text, FILE, env);
  } catch (err) {
    if (err instanceof CatalogueError) return err.problems;
    throw err;
  }
  throw new Error('expected the catalogue to be refused');
}

describe('the upstream catalogue loader', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'concord-catalogue-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the defaults when the project has no concord.yaml', () => {
    expect(loadCatalogue(dir, {})).toBe(DEFAULT_CATALOGUE);
  });

  it('refuses a CONCORD_CONFIG that names a missing file', () => {
    expect(() => loadCatalogue(dir, { CONCORD_CONFIG: join(dir, 'nope.yaml') })).toThrow(/does not exist/);
  });

  it('reads concord.yaml at the root, fills the defaults and resolves paths against the file', () => {
    writeFileSync(join(dir, 'ca.pem'), 'x');
    writeFileSync(
      join(dir, 'concord.yaml'),
      ['upstreams:', '  erp-real:', '    url: https://erp.example.com/api/', '    tls: { ca: ./ca.pem }', 'systems:', '  erp: erp-real', ''].join('\n'),
    );
    const c = loadCatalogue(dir, {});
    expect(c.file).toBe(join(dir, 'concord.yaml'));
    expect(c.systems).toEqual({ erp: 'erp-real', wms: 'sandbox', pos: 'sandbox' });
    expect(c.upstreams['erp-real']).toEqual({
      name: 'erp-real',
      url: 'https://erp.example.com/api',
      timeoutMs: 10_000,
      maxInFlight: 64,
      queue: { maxWaitMs: 1000 },
      retries: { attempts: 2, backoffMs: 100, maxBackoffMs: 2000 },
      breaker: { failureThreshold: 5, openMs: 10_000 },
      tls: { ca: join(dir, 'ca.pem') },
      headers: { add: {}, strip: [] },
      path: {},
    });
  });

  it('names the file, the line and the field of each schema error', () => {
    const problems = problemsOf(['upstreams:', '  loyalty:', '    url: ftp://loyalty', '    timeoutMs: soon', '    colour: blue', '  shop:', '    maxInFlight: 3', ''].join('\n'));
    expect(problems).toEqual(
      expect.arrayContaining([
        { file: FILE, line: 3, field: 'upstreams.loyalty.url', message: 'must be an http:// or https:// URL' },
        { file: FILE, line: 4, field: 'upstreams.loyalty.timeoutMs', message: 'must be integer' },
        { file: FILE, line: 5, field: 'upstreams.loyalty.colour', message: 'is not a known field' },
        { file: FILE, line: 7, field: 'upstreams.shop', message: 'url is required' },
      ]),
    );
  });

  it('checks each credential type for its own fields', () => {
    const problems = problemsOf(['upstreams:', '  erp-real:', '    url: http://erp', '    auth:', '      type: oauth2', '      clientId: concord', ''].join('\n'));
    expect(problems).toContainEqual({ file: FILE, line: 5, field: 'upstreams.erp-real.auth', message: 'tokenUrl is required' });
  });

  it('refuses a system or a name that does not fit the catalogue', () => {
    const problems = problemsOf(['upstreams:', '  orders:', '    url: http://x', 'systems:', '  wms: wms-cloud', ''].join('\n'));
    expect(problems).toEqual([
      { file: FILE, line: 3, field: 'upstreams.orders', message: expect.stringMatching(/reserved/) },
      { file: FILE, line: 5, field: 'systems.wms', message: expect.stringMatching(/'wms-cloud', which upstreams does not define/) },
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(problemsOf('upstreams:\n  a: [\n')[0]).toMatchObject({ file: FILE, line: expect.any(Number) });
  });

  describe('${VAR} interpolation', () => {
    const text = ['upstreams:', '  erp-real:', '    url: ${ERP_URL}', '    timeoutMs: ${ERP_TIMEOUT:-2500}', '    auth: { type: basic, username: concord, password: "${ERP_PASSWORD}" }', ''].join('\n');

    it('takes values from the environment, typed when the whole value is one reference, with defaults', () => {
      const c = parseCatalogue(text, FILE, { ERP_URL: 'https://erp.internal', ERP_PASSWORD: 's3cr=t' });
      expect(c.upstreams['erp-real']).toMatchObject({ url: 'https://erp.internal', timeoutMs: 2500, auth: { type: 'basic', password: 's3cr=t' } });
    });

    it('names an unset variable without a default, with its line', () => {
      expect(problemsOf(text, { ERP_URL: 'https://erp.internal' })).toEqual([
        { file: FILE, line: 5, message: expect.stringMatching(/ERP_PASSWORD is not set/) },
      ]);
    });

    it('keeps $${ as a literal', () => {
      const c = parseCatalogue(['upstreams:', '  a:', '    url: http://a', '    headers: { add: { x-template: "$${not-a-var}" } }', ''].join('\n'), FILE, {});
      expect(c.upstreams.a!.headers.add).toEqual({ 'x-template': '${not-a-var}' });
    });
  });
});

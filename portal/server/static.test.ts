import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { PORTAL_CSP, PORTAL_WEB_DIR, REFERENCE_FRAME_CSP, defaultVendorFiles, ensurePortalBuilt, registerPortalStatic } from './static';

const INDEX = '<!doctype html><html><head><script type="module" src="/portal/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>';

let dir: string;
let app: FastifyInstance;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'concord-portal-static-'));
  const dist = join(dir, 'dist');
  await mkdir(join(dist, 'assets'), { recursive: true });
  await writeFile(join(dist, 'index.html'), INDEX);
  await writeFile(join(dist, 'assets', 'index-abc123.js'), 'console.log("portal");\n');
  await writeFile(join(dist, 'assets', '.hidden'), 'dotfile\n');
  await writeFile(join(dist, 'reference.html'), '<!doctype html><p>frame</p>');
  await writeFile(join(dist, 'reference.js'), "window.parent.postMessage('ready', '*');\n");
  // Next to dist, where a traversal would land.
  await writeFile(join(dir, 'secret.txt'), 'TOP SECRET\n');
  await mkdir(join(dir, 'vendor'));
  await writeFile(join(dir, 'vendor', 'renderer.js'), 'window.Renderer = {};\n');

  app = Fastify();
  // Stands for the gateway's own 404, to prove the portal's files never claim /portal/v1/….
  app.setNotFoundHandler((_req, reply) => reply.code(404).type('application/problem+json').send({ type: 'app-404', status: 404 }));
  await registerPortalStatic(app, { distDir: dist, vendor: { 'scalar/standalone.js': join(dir, 'vendor', 'renderer.js') } });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

function expectSecurityHeaders(headers: Record<string, unknown>) {
  expect(headers['content-security-policy']).toBe(PORTAL_CSP);
  expect(headers['x-content-type-options']).toBe('nosniff');
}

function expectProblem404(res: { statusCode: number; headers: Record<string, unknown>; body: string }) {
  expect(res.statusCode).toBe(404);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(res.body)).toMatchObject({ type: 'https://concord.dev/problems/not-found', status: 404 });
  expect(res.body).not.toContain('SECRET');
}

describe('registerPortalStatic', () => {
  it('redirects /portal to /portal/, keeping the query', async () => {
    const res = await app.inject('/portal');
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/portal/');
    expect((await app.inject('/portal?x=1')).headers.location).toBe('/portal/?x=1');
  });

  it('serves index.html at /portal/, never cached, with the CSP', async () => {
    const res = await app.inject('/portal/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toBe(INDEX);
    expectSecurityHeaders(res.headers);
    expect(PORTAL_CSP).toContain("script-src 'self'");
    expect(PORTAL_CSP).toContain("frame-ancestors 'none'");
    expect(PORTAL_CSP).not.toContain('unsafe-eval');
  });

  it('serves hashed assets with a year-long immutable cache', async () => {
    const res = await app.inject('/portal/assets/index-abc123.js');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.body).toContain('portal');
    expectSecurityHeaders(res.headers);
  });

  it('serves allow-listed vendor files from their own directory, revalidated daily', async () => {
    const res = await app.inject('/portal/vendor/scalar/standalone.js');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=86400');
    expect(res.headers.etag).toBeDefined();
    expect(res.body).toContain('window.Renderer');
    expectSecurityHeaders(res.headers);
    const again = await app.inject({ url: '/portal/vendor/scalar/standalone.js', headers: { 'if-none-match': String(res.headers.etag) } });
    expect(again.statusCode).toBe(304);
  });

  it('serves the reference renderer frame with its own CSP, framed by the portal only', async () => {
    const html = await app.inject('/portal/reference.html');
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.headers['content-security-policy']).toBe(REFERENCE_FRAME_CSP);
    expect(html.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(REFERENCE_FRAME_CSP).toContain("frame-ancestors 'self'");
    expect(REFERENCE_FRAME_CSP).toContain("connect-src 'none'");
    const js = await app.inject('/portal/reference.js');
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers unknown files with 404 problem+json', async () => {
    expectProblem404(await app.inject('/portal/assets/nope-123.js'));
    expectProblem404(await app.inject('/portal/assets/'));
    expectProblem404(await app.inject('/portal/assets/.hidden'));
    expectProblem404(await app.inject('/portal/vendor/scalar/other.js'));
    expectProblem404(await app.inject('/portal/vendor/asyncapi/standalone.js'));
  });

  it.each([
    '/portal/assets/../../secret.txt',
    '/portal/assets/%2e%2e/%2e%2e/secret.txt',
    '/portal/assets/..%2f..%2fsecret.txt',
    '/portal/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/portal/assets/..\\..\\secret.txt',
    '/portal/assets//etc/passwd',
    '/portal/assets/./index-abc123.js/../../../secret.txt',
    '/portal/vendor/scalar/..%2f..%2fsecret.txt',
    '/portal/vendor/..%2f..%2fsecret.txt/standalone.js',
  ])('refuses the traversal %s', async (url) => {
    const res = await app.inject(url);
    expect(res.statusCode).not.toBe(200);
    expect(res.body).not.toContain('SECRET');
    expect(res.body).not.toContain('root:');
    expect(res.statusCode).toBe(404);
  });

  it('registers nothing under /portal/v1/: that is the portal API', async () => {
    for (const url of ['/portal/v1/session', '/portal/v1/apis', '/portal/x']) {
      const res = await app.inject(url);
      expect(res.statusCode).toBe(404);
      expect(JSON.parse(res.body)).toEqual({ type: 'app-404', status: 404 });
    }
    const routes = app.printRoutes({ commonPrefix: false });
    expect(routes).not.toMatch(/portal\/v1/);
  });

  it('answers 503 problem+json while the app is not built', async () => {
    const empty = Fastify();
    await registerPortalStatic(empty, { distDir: join(dir, 'missing-dist'), vendor: {} });
    const res = await empty.inject('/portal/');
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body)).toMatchObject({ type: 'https://concord.dev/problems/portal-not-built' });
    expectProblem404(await empty.inject('/portal/assets/index-abc123.js'));
    await empty.close();
  });

  it('points the default vendor files at the renderers installed in node_modules', () => {
    const files = defaultVendorFiles();
    expect(Object.keys(files).sort()).toEqual(['asyncapi/default.min.css', 'asyncapi/standalone.js', 'scalar/standalone.js']);
    for (const file of Object.values(files)) expect(existsSync(file)).toBe(true);
  });
});

describe('ensurePortalBuilt', () => {
  it('builds portal/web with Vite when dist is missing, then only when portal/web changed', async () => {
    const distDir = join(dir, 'built');
    const log = { info: jest.fn() };
    const first = await ensurePortalBuilt({ webDir: PORTAL_WEB_DIR, distDir, log });
    expect(first).toMatchObject({ built: true, reason: 'not built yet' });
    const html = await readFile(join(distDir, 'index.html'), 'utf8');
    expect(existsSync(join(distDir, 'reference.html'))).toBe(true);
    expect(existsSync(join(distDir, 'reference.js'))).toBe(true);
    const script = /src="\/portal\/assets\/(index-[\w-]+\.js)"/.exec(html);
    expect(script).not.toBeNull();
    expect(existsSync(join(distDir, 'assets', script![1]!))).toBe(true);
    expect(log.info).toHaveBeenCalledWith(expect.stringContaining('building the developer portal'));

    expect(await ensurePortalBuilt({ webDir: PORTAL_WEB_DIR, distDir })).toMatchObject({ built: false, reason: 'up to date' });

    // dist older than a source file: rebuilt.
    const old = new Date('2001-01-01T00:00:00Z');
    await utimes(join(distDir, 'index.html'), old, old);
    expect(await ensurePortalBuilt({ webDir: PORTAL_WEB_DIR, distDir })).toMatchObject({ built: true, reason: 'portal/web changed since the last build' });
    expect(existsSync(join(distDir, 'index.html'))).toBe(true);
  });

  it('shares one build between concurrent callers and fails loudly on a broken app', async () => {
    const distDir = join(dir, 'shared');
    const [a, b] = await Promise.all([ensurePortalBuilt({ webDir: PORTAL_WEB_DIR, distDir }), ensurePortalBuilt({ webDir: PORTAL_WEB_DIR, distDir })]);
    expect(a).toBe(b);

    const broken = join(dir, 'broken-web');
    await mkdir(join(broken, 'src'), { recursive: true });
    await writeFile(join(broken, 'vite.config.mts'), "export default { logLevel: 'silent' };\n");
    await writeFile(join(broken, 'index.html'), '<script type="module" src="./src/main.ts"></script>');
    await writeFile(join(broken, 'src', 'main.ts'), "import './does-not-exist';\n");
    await expect(ensurePortalBuilt({ webDir: broken, distDir: join(dir, 'broken-dist') })).rejects.toThrow(/developer portal build failed/);
    expect(existsSync(join(dir, 'broken-dist'))).toBe(false);
  });
});

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PACKAGE_ROOT } from '../../platform/package-root';
import { PROBLEM_CONTENT_TYPE, problem } from '../../platform/server/problem';

/** The developer portal's web app (portal/web) and where its build goes. */
export const PORTAL_WEB_DIR = join(PACKAGE_ROOT, 'portal', 'web');
export const PORTAL_DIST_DIR = join(PACKAGE_ROOT, 'portal', 'dist');

/**
 * The portal's Content-Security-Policy: only its own scripts (the app's bundle and the renderers' standalone
 * builds under /portal/vendor/), calls to its own origin only, no framing. Styles allow 'unsafe-inline' because
 * both renderers inject <style> elements and set style attributes at run time.
 */
export const PORTAL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The reference renderer frame's CSP (reference.html, embedded sandboxed by the portal page): the renderers'
 * scripts, plus 'unsafe-eval' for the AsyncAPI parser's schema compiler (ajv); no network, framed by the portal
 * only. The portal page itself never allows eval.
 */
export const REFERENCE_FRAME_CSP = [
  "default-src 'none'",
  "script-src 'self' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

/** Files of the reference frame, copied verbatim by Vite (portal/web/public), with their content types. */
const FRAME_FILES: Record<string, string> = {
  'reference.html': 'text/html; charset=utf-8',
  'reference.js': 'text/javascript; charset=utf-8',
};

/**
 * The reference-doc renderers' browser builds, served from node_modules under /portal/vendor/<key>. A fixed
 * allow-list: nothing else under node_modules is reachable.
 */
export function defaultVendorFiles(): Record<string, string> {
  const scalar = packageDir('@scalar/api-reference');
  const asyncapi = packageDir('@asyncapi/react-component');
  return {
    'scalar/standalone.js': join(scalar, 'dist/browser/standalone.js'),
    'asyncapi/standalone.js': join(asyncapi, 'browser/standalone/index.js'),
    'asyncapi/default.min.css': join(asyncapi, 'styles/default.min.css'),
  };
}

/** A package's root directory, found from its main entry (not every package exports its package.json). */
function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  const suffix = join('node_modules', name);
  while (!dir.endsWith(suffix)) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the directory of ${name}`);
    dir = up;
  }
  return dir;
}

export interface PortalStaticOptions {
  /** The Vite build output: index.html and assets/. */
  distDir: string;
  /** Files served under /portal/vendor/: key (e.g. `scalar/standalone.js`) → absolute path. Default: defaultVendorFiles(). */
  vendor?: Record<string, string>;
}

function notFound(req: FastifyRequest, reply: FastifyReply): void {
  void reply
    .code(404)
    .type(PROBLEM_CONTENT_TYPE)
    .send(problem('not-found', 404, 'Not found', { detail: `No route for ${req.method} ${req.url.split('?')[0]}`, correlationId: req.id }));
}

/** Refused paths (traversal, non-canonical forms) answer exactly as missing files do; other errors go up. */
function refuseAsNotFound(err: Error & { code?: string; status?: number; statusCode?: number }, req: FastifyRequest, reply: FastifyReply): void {
  // @fastify/static's own refusal, or @fastify/send's 403 for a malicious path (an encoded `/`, a `..`).
  if (err.code === 'FST_STATIC_FORBIDDEN_PATH' || err.status === 403 || err.statusCode === 403) return notFound(req, reply);
  throw err;
}

async function securityHeaders(_req: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.header('Content-Security-Policy', PORTAL_CSP);
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('Referrer-Policy', 'same-origin');
  reply.header('X-Frame-Options', 'DENY');
  reply.header('Cross-Origin-Opener-Policy', 'same-origin');
}

function frameHeaders(reply: FastifyReply): void {
  reply.header('Content-Security-Policy', REFERENCE_FRAME_CSP);
  reply.header('X-Frame-Options', 'SAMEORIGIN');
}

/**
 * Serves the developer portal's web app:
 * - `GET /portal` redirects to `/portal/`, which is the app's index.html (never cached: it names the current
 *   hashed assets);
 * - `/portal/assets/*`: the hashed bundles, cached for a year;
 * - `/portal/reference.html` and `.js`: the sandboxed frame the reference renderers run in, with its own CSP;
 * - `/portal/vendor/*`: the allow-listed renderer bundles, straight from node_modules.
 * Nothing is registered under `/portal/v1/` (the portal API). Unknown files are 404 problem+json.
 */
export async function registerPortalStatic(app: FastifyInstance, options: PortalStaticOptions): Promise<void> {
  const distDir = resolve(options.distDir);
  const vendor = new Map(Object.entries(options.vendor ?? defaultVendorFiles()).map(([k, v]) => [k, resolve(v)]));

  await app.register(async (scope) => {
    scope.addHook('onRequest', securityHeaders);
    scope.get('/portal', async (req, reply) => {
      const query = req.url.indexOf('?');
      return reply.redirect(query === -1 ? '/portal/' : `/portal/${req.url.slice(query)}`, 301);
    });
    const index = async (req: FastifyRequest, reply: FastifyReply) => {
      const html = await readFile(join(distDir, 'index.html')).catch(() => undefined);
      if (!html) {
        return reply
          .code(503)
          .header('Retry-After', '5')
          .type(PROBLEM_CONTENT_TYPE)
          .send(problem('portal-not-built', 503, 'The developer portal is not built', { detail: 'Run `npm run portal:build`, or restart Concord.', correlationId: req.id }));
      }
      return reply.header('Cache-Control', 'no-cache').type('text/html; charset=utf-8').send(html);
    };
    scope.get('/portal/', index);
    scope.get('/portal/index.html', index);
    for (const [name, type] of Object.entries(FRAME_FILES)) {
      scope.get(`/portal/${name}`, async (req, reply) => {
        const body = await readFile(join(distDir, name)).catch(() => undefined);
        if (!body) return notFound(req, reply);
        frameHeaders(reply);
        return reply.header('Cache-Control', 'no-cache').type(type).send(body);
      });
    }
  });

  // The hashed bundles: a file name changes whenever its content does, so they are immutable.
  await app.register(
    async (scope) => {
      scope.addHook('onRequest', securityHeaders);
      scope.setNotFoundHandler(notFound);
      scope.setErrorHandler(refuseAsNotFound);
      await scope.register(fastifyStatic, {
        root: join(distDir, 'assets'),
        // Built after the routes are registered on start-up (in parallel with the contracts and the database).
        suppressWarning: true,
        prefix: '/',
        wildcard: true,
        index: false,
        list: false,
        dotfiles: 'deny',
        serveDotFiles: false,
        redirect: false,
        immutable: true,
        maxAge: '365d',
        decorateReply: false,
      });
    },
    { prefix: '/portal/assets' },
  );

  // The renderers: an allow-list, never a path into node_modules.
  await app.register(
    async (scope) => {
      scope.addHook('onRequest', securityHeaders);
      scope.setNotFoundHandler(notFound);
      scope.setErrorHandler(refuseAsNotFound);
      // Only for reply.sendFile (ETag, Last-Modified, ranges, HEAD); each file names its own root.
      await scope.register(fastifyStatic, { root: __dirname, serve: false, decorateReply: true });
      scope.get<{ Params: { pkg: string; file: string } }>('/:pkg/:file', async (req, reply) => {
        const file = vendor.get(`${req.params.pkg}/${req.params.file}`);
        if (!file) return notFound(req, reply);
        // Not hashed, so revalidated daily (ETag); a Concord upgrade brings new files at the same URLs.
        return reply.sendFile(basename(file), dirname(file), { maxAge: '1d', immutable: false, dotfiles: 'deny' });
      });
    },
    { prefix: '/portal/vendor' },
  );
}

// ---------------------------------------------------------------- build on start

export interface EnsurePortalBuiltOptions {
  webDir?: string;
  distDir?: string;
  log?: { info(msg: string): void; warn?(msg: string): void };
  /** Build even when dist looks fresh. */
  force?: boolean;
}

export interface PortalBuildResult {
  built: boolean;
  /** Why it was (re)built, or why not. */
  reason: string;
  ms: number;
}

/** The newest modification time of any file under dir (node_modules and dot-directories skipped). */
async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    const time = entry.isDirectory() ? await newestMtime(path) : (await stat(path)).mtimeMs;
    if (time > newest) newest = time;
  }
  return newest;
}

const building = new Map<string, Promise<PortalBuildResult>>();

/**
 * Builds the portal with Vite when dist is missing or older than any file in portal/web. The build runs in a
 * child process (Vite is ESM-only and heavy; this keeps it out of the server's heap and works under Jest), into
 * a temporary directory that then replaces dist, so a reader never sees half a build. Concurrent calls in one
 * process share one build.
 */
export function ensurePortalBuilt(options: EnsurePortalBuiltOptions = {}): Promise<PortalBuildResult> {
  const webDir = resolve(options.webDir ?? PORTAL_WEB_DIR);
  const distDir = resolve(options.distDir ?? PORTAL_DIST_DIR);
  const key = `${webDir}\0${distDir}`;
  let pending = building.get(key);
  if (!pending) {
    pending = ensureBuilt(webDir, distDir, options).finally(() => building.delete(key));
    building.set(key, pending);
  }
  return pending;
}

async function ensureBuilt(webDir: string, distDir: string, options: EnsurePortalBuiltOptions): Promise<PortalBuildResult> {
  const started = Date.now();
  const builtAt = await stat(join(distDir, 'index.html')).then(
    (s) => s.mtimeMs,
    () => undefined,
  );
  const sourcesAt = await newestMtime(webDir);
  if (!options.force && builtAt !== undefined && builtAt >= sourcesAt) {
    return { built: false, reason: 'up to date', ms: Date.now() - started };
  }
  const reason = options.force ? 'forced' : builtAt === undefined ? 'not built yet' : 'portal/web changed since the last build';
  options.log?.info(`building the developer portal (${reason})`);
  const tmp = `${distDir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await runViteBuild(webDir, tmp);
    await replaceDir(tmp, distDir);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  const ms = Date.now() - started;
  options.log?.info(`developer portal built in ${ms} ms`);
  return { built: true, reason, ms };
}

/** `vite.build()` in a child Node process, with the web app's own config and the given output directory. */
function runViteBuild(webDir: string, outDir: string): Promise<void> {
  const viteEntry = pathToFileURL(join(packageDirOfExported('vite'), 'dist/node/index.js')).href;
  const configFile = join(webDir, 'vite.config.mts');
  const script = `
    const [entry, root, configFile, outDir] = process.argv.slice(1);
    const { build } = await import(entry);
    await build({ root, configFile, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  `;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, viteEntry, webDir, configFile, outDir], {
      cwd: webDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production', VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`the developer portal build failed (exit ${code}):\n${output.trim().slice(-4000)}`));
    });
  });
}

/** vite exports its package.json; resolve it to find the package root. */
function packageDirOfExported(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/** Moves `from` to `to`, replacing what is there. Another process that won the race is as fresh: keep its build. */
async function replaceDir(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') throw err;
  }
  const old = `${to}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
  await rename(to, old).catch(() => undefined);
  await rename(from, to).catch(() => undefined);
  await rm(old, { recursive: true, force: true });
}

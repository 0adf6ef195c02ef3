'use strict';
// Concord's build (ADR 0014): the TypeScript sources compiled to CommonJS under dist/ (esbuild, one output file
// per source file, no bundling), then the developer portal's Vite build and the embedded database's migrated
// template. `npm ci` / `npm install` run it through `prepare`; bin/concord.js recompiles dist/ on its own when a
// source changed since (`staleness` below is the cheap check it runs on every call).
//
//   node scripts/build.js            compile, then portal and template when stale (what prepare runs)
//   node scripts/build.js --if-stale compile only when stale, then portal and template when stale
const { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } = require('node:fs');
const { dirname, join, relative, sep } = require('node:path');

const ROOT = join(__dirname, '..');
/** The folders the server and the CLI run from; bench/, examples/ and test/ stay on tsx and ts-jest. */
const SOURCE_DIRS = ['platform', 'codegen', 'gateway', 'process-apis', 'system-apis', 'pact', 'governance', 'portal/server', 'generated'];
const STAMP = '.build-stamp';

const isSource = (name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts');
// JSON a module requires (e.g. the catalogue's JSON Schema): esbuild leaves the require, so the file goes alongside.
const isAsset = (name) => name.endsWith('.json');
const skipDir = (name) => name === 'node_modules' || name === 'fixtures' || name === 'pacts' || name.startsWith('.');

/**
 * Walks the source folders once: the source files, and the newest modification time of any of them or of their
 * folders (a folder's time moves when a file is added, removed or renamed in it). Stats only, no reading: a few
 * milliseconds for the whole tree.
 */
function scanSources(root) {
  const files = [];
  const assets = [];
  let newest = 0;
  const walk = (dir) => {
    const dirTime = statSync(dir).mtimeMs;
    if (dirTime > newest) newest = dirTime;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skipDir(entry.name)) walk(path);
      } else if (isSource(entry.name) || isAsset(entry.name)) {
        (isAsset(entry.name) ? assets : files).push(path);
        const time = statSync(path).mtimeMs;
        if (time > newest) newest = time;
      }
    }
  };
  for (const d of SOURCE_DIRS) if (existsSync(join(root, d))) walk(join(root, d));
  return { files, assets, newest };
}

/** Why dist/ must be (re)compiled, or undefined when it is up to date. */
function staleness(root = ROOT) {
  let builtAt;
  try {
    builtAt = statSync(join(root, 'dist', STAMP)).mtimeMs;
  } catch {
    return 'dist/ is not built yet';
  }
  return scanSources(root).newest > builtAt ? 'sources changed since the last build' : undefined;
}

/**
 * Compiles every source file to dist/<same path>.js. Each output file is written next to its place and renamed
 * over it, so a concurrent reader (another CLI call) sees the old or the new file, never half of one; both
 * builds write the same bytes. Outputs whose source is gone are removed. The stamp carries the time the build
 * started: a file saved during the build is newer, so the next call compiles again.
 */
function compile(root = ROOT) {
  const started = Date.now();
  const { files, assets } = scanSources(root);
  const outdir = join(root, 'dist');
  const esbuild = require('esbuild');
  const result = esbuild.buildSync({
    entryPoints: files,
    outdir,
    outbase: root,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    bundle: false,
    write: false,
    logLevel: 'error',
  });
  const written = new Set();
  const outputs = [
    ...result.outputFiles.map((o) => ({ path: o.path, contents: o.contents })),
    ...assets.map((a) => ({ path: join(outdir, relative(root, a)), contents: readFileSync(a) })),
  ];
  for (const out of outputs) {
    mkdirSync(dirname(out.path), { recursive: true });
    const tmp = `${out.path}.tmp-${process.pid}`;
    writeFileSync(tmp, out.contents);
    renameSync(tmp, out.path);
    written.add(out.path);
  }
  pruneOrphans(outdir, written);
  const stamp = join(outdir, STAMP);
  writeFileSync(stamp, `${new Date(started).toISOString()}\n`);
  utimesSync(stamp, new Date(started), new Date(started));
  return { files: written.size, ms: Date.now() - started };
}

function pruneOrphans(dir, keep) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) pruneOrphans(path, keep);
    else if ((entry.name.endsWith('.js') || entry.name.endsWith('.json')) && !keep.has(path)) rmSync(path, { force: true });
  }
}

/** Compiles when stale; says so on stderr, since it delays the command the user ran. */
function ensureCompiled(root = ROOT, log = (msg) => process.stderr.write(`${msg}\n`)) {
  const reason = staleness(root);
  if (!reason) return undefined;
  log(`concord: compiling TypeScript to dist/ (${reason})`);
  const r = compile(root);
  log(`concord: compiled ${r.files} files in ${r.ms} ms`);
  return r;
}

/** The portal's Vite build and the database template, both skipped when up to date. Needs dist/. */
async function buildAssets(root = ROOT, log = (msg) => process.stderr.write(`${msg}\n`)) {
  const dist = (path) => join(root, 'dist', ...path.split('/'));
  const { ensurePortalBuilt } = require(dist('portal/server/static'));
  const { BARE_TEMPLATE, ensurePgliteTemplate } = require(dist('platform/db/pglite-template'));
  const { concordTemplate } = require(dist('platform/server/migrations'));
  const portal = await ensurePortalBuilt({ log: { info: (m) => log(`concord: ${m}`) } });
  if (!portal.built) log('concord: developer portal up to date');
  // Concord's schema for `concord start`, and a bare cluster for tests that open PGlite and migrate themselves.
  for (const [what, template] of [['bare database template', BARE_TEMPLATE], ['database template', concordTemplate()]]) {
    const r = await ensurePgliteTemplate(template);
    log(`concord: ${what} ${r.built ? `built in ${r.ms} ms` : 'up to date'} (${relative(root, r.file).split(sep).join('/')})`);
  }
}

module.exports = { SOURCE_DIRS, staleness, compile, ensureCompiled, buildAssets };

if (require.main === module) {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale) ensureCompiled();
  else {
    const r = compile();
    process.stderr.write(`concord: compiled ${r.files} files to dist/ in ${r.ms} ms\n`);
  }
  buildAssets().catch((err) => {
    process.stderr.write(`concord: build failed: ${err instanceof Error ? err.message : err}\n`);
    process.exit(1);
  });
}

'use strict';
// Jest's module system cannot run dynamic import() without --experimental-vm-modules, and that flag makes Jest
// load ESM-only packages (jose, cookie) as ES modules that CommonJS cannot require. PGlite's CommonJS build only
// dynamically imports Node built-ins, so here those calls go through the module's own require, captured before
// PGlite's emscripten code declares a `require` of its own further down.
const { createHash } = require('node:crypto');

const BUILTIN_IMPORT = /\bimport\((["'])((?:node:)?[a-z_/]+)\1\)/g;

module.exports = {
  process(source) {
    return { code: `const __concordRequire = require;\n${source.replace(BUILTIN_IMPORT, 'Promise.resolve(__concordRequire("$2"))')}` };
  },
  getCacheKey(source, path) {
    return createHash('sha256').update('pglite-jest-transform-1').update(path).update(source).digest('hex');
  },
};

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const webDir = fileURLToPath(new URL('.', import.meta.url));
/** Where `npm start` runs Concord; `npm run portal:dev` proxies the API calls there. */
const backend = process.env.CONCORD_URL ?? `http://127.0.0.1:${process.env.PORT ?? '8080'}`;

// The developer portal: React 19, bundled by Vite. Served by the gateway at /portal (portal/server/static.ts).
export default defineConfig({
  root: webDir,
  base: '/portal/',
  // Vite's own JSX transform (Oxc): the automatic React runtime, no Babel.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  // Copied as is: the sandboxed reference-renderer frame (reference.html, reference.js). The renderers
  // themselves are served from node_modules under /portal/vendor/.
  publicDir: 'public',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    host: '127.0.0.1',
    proxy: Object.fromEntries(['/portal/v1', '/admin/v1', '/oauth', '/v1', '/v2', '/portal/vendor'].map((p) => [p, backend])),
  },
});

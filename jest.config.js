/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/bench/', '/.concord/'],
  transform: {
    '/node_modules/@electric-sql/pglite/dist/.+\\.cjs$': '<rootDir>/test/pglite-jest-transform.js',
    // Transpile only: `npm run typecheck` is the type check, so tests start fast.
    '^.+\\.(t|j|mj)s$': [
      'ts-jest',
      {
        tsconfig: { module: 'commonjs', moduleResolution: 'node10', target: 'es2022', esModuleInterop: true, allowJs: true, isolatedModules: true },
      },
    ],
  },
  // Compiled to CommonJS for Jest's module system: ESM-only dependencies (Node itself loads them with
  // require(esm)), and PGlite (see test/pglite-jest-transform.js).
  // Pact's proxy agents are ESM-only too, nested under @pact-foundation/pact; so is @fastify/static's content-disposition.
  transformIgnorePatterns: ['/node_modules/(?!(openapi-fetch|jose|cookie|@electric-sql/pglite|https-proxy-agent|agent-base|proxy-agent-negotiate|@pact-foundation/pact/node_modules/(https-proxy-agent|agent-base)|content-disposition|@fastify/static/node_modules/content-disposition)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  // A guard against hangs, not a speed check: generous, since suites share two cores with PostgreSQL, Redis and NATS.
  testTimeout: 180000,
  globalSetup: '<rootDir>/test/global-setup.js',
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};

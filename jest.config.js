/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/bench/', '/.concord/'],
  transform: {
    // Transpile only: `npm run typecheck` is the type check, so tests start fast.
    '^.+\\.(t|j|mj)s$': [
      'ts-jest',
      {
        tsconfig: { module: 'commonjs', moduleResolution: 'node10', target: 'es2022', esModuleInterop: true, allowJs: true, isolatedModules: true },
      },
    ],
  },
  // ESM-only dependencies are compiled to CommonJS for Jest's module system (Node itself loads them with require(esm)).
  transformIgnorePatterns: ['/node_modules/(?!(openapi-fetch|jose)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/global-setup.js',
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};

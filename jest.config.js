/**
 * `npm test`: every suite but the integration tier (__tests__/setup/tiers.cjs), which
 * jest.integration.config.js runs. Tests run TypeScript through swc: no type-checking here (that is
 * `npm run typecheck`).
 */
const { INTEGRATION_SUITES, NOT_THE_PROJECT } = require('./__tests__/setup/tiers.cjs');

module.exports = {
  testEnvironment: 'node',
  // The whole project, so that `jest --findRelatedTests lib/...` maps a source file to its tests.
  roots: ['<rootDir>'],
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: [...NOT_THE_PROJECT, ...INTEGRATION_SUITES.map((suite) => `<rootDir>/${suite}`)],
  modulePathIgnorePatterns: NOT_THE_PROJECT,
  // Every temporary folder of a run goes below one folder, removed when the run ends (__tests__/setup).
  globalSetup: '<rootDir>/__tests__/setup/global-setup.cjs',
  globalTeardown: '<rootDir>/__tests__/setup/global-teardown.cjs',
  // Jest's own cache defaults to a folder in TMPDIR that outlives the run: keep it in the ignored .build.
  cacheDirectory: '<rootDir>/.build/jest-cache',
  // One worker per core. Jest's default leaves one core free, which on a 2-core machine runs every
  // file in turn, although the slow ones mostly wait for their child processes (terraform, cdktf).
  maxWorkers: '100%',
  // Tests that start servers and child processes take seconds on a machine shared by several people;
  // the benchmark (npm run bench), not a timeout, is what measures speed.
  testTimeout: 30_000,
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
    // jose ships ES modules only; compiled like our sources, `verify`'s token checks run inside the test
    // process (where mutation testing sees them), not only through the command in a child process.
    '/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
};

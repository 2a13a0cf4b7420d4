// Mutation testing (`npm run test:mutation`): Stryker changes one line at a time in the code where a
// wrong line is a security or data-loss bug, and counts the changes no test notices. The scope is the
// `mutate` list; docs/testing.md records the score and what is left.

/** Line ranges: only the parts of these files that place the client secret, check the configuration or guard local state. */
const SECRET_WIRING = ['lib/key-insight-stack.ts:37-55', 'lib/key-insight-stack.ts:128-152'];
const CONFIG_REFINEMENTS = [
  'lib/config/schema.ts:70-72',
  'lib/config/schema.ts:218-227',
  'lib/config/schema.ts:238-251',
  'lib/config/schema.ts:279-288',
  'lib/config/schema.ts:358-360',
  'lib/config/schema.ts:402-404',
  'lib/config/schema.ts:420-432',
  'lib/config/schema.ts:440-440',
  'lib/config/schema.ts:445-609',
];
const LOCAL_STATE_GUARD = ['lib/synthesize.ts:87-151'];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    'lib/trust-policy.ts',
    'lib/aws-oidc-trust.ts',
    'lib/scanning-policy.ts',
    'lib/review/**/*.ts',
    'lib/key-insight-app.ts',
    ...SECRET_WIRING,
    'lib/client-secret-mode.ts',
    ...CONFIG_REFINEMENTS,
    'cli/verify/token-claims.ts',
    'cli/verify/token-signature.ts',
    'cli/rotate-secret.ts',
    'cli/redactor.ts',
    ...LOCAL_STATE_GUARD,
    'cli/verify/http.ts',
    'cli/status/armor-api.ts',
    'scripts/ci/**/*.ts',
  ],
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    config: {
      // Left out: the Terraform tests (minutes of `terraform plan` for each mutant), the property tests,
      // and the tests that run the tool or the app in a child process, where no mutant's coverage is
      // seen. The CLI's e2e tests call its commands in this process (__tests__/cli/helpers/run-cli.ts)
      // and are kept.
      testPathIgnorePatterns: [
        '/node_modules/',
        '\\.(terraform|property)\\.test\\.ts$',
        '/__tests__/(main|install|bin|workflow)\\.e2e\\.test\\.ts$',
        '/__tests__/scripts/(app|bench|build-app)\\.e2e\\.test\\.ts$',
        '/__tests__/setup/',
      ],
    },
  },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  // A static mutant changes a value set once when a module loads (a constant, a rule's text): no
  // per-test coverage says which tests reach it, so each runs every test. On a 2-core machine they are
  // about 80% of the time for fewer than half of the mutants; `--ignoreStatic false` includes them.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  // A machine of two cores, shared.
  concurrency: 2,
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: 85 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};

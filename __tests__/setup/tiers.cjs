/**
 * The two tiers of the suite (docs/testing.md). `npm test` runs every suite but these long scenario
 * suites, which chain many Terraform runs each; `npm run test:integration` runs only these. CI runs both.
 */
const INTEGRATION_SUITES = [
  '__tests__/cli/rename-stack-local.terraform.test.ts',
  '__tests__/cli/rename-stack-s3.terraform.test.ts',
  '__tests__/lib/adoption.terraform.test.ts',
  '__tests__/lib/plan-only.terraform.test.ts',
  '__tests__/scripts/ci/drift.terraform.test.ts',
  '__tests__/scripts/ci/plan.terraform.test.ts',
  '__tests__/workflow.e2e.test.ts',
];

/** Folders below the project that hold copies of it or build output, never its tests or sources. */
const NOT_THE_PROJECT = ['<rootDir>/node_modules/', '<rootDir>/.build/', '<rootDir>/.stryker-tmp/', '<rootDir>/cdktf.out/', '<rootDir>/.scratch/', '<rootDir>/reports/'];

module.exports = { INTEGRATION_SUITES, NOT_THE_PROJECT };

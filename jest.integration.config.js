/** `npm run test:integration`: the long scenario suites that `npm test` leaves out (__tests__/setup/tiers.cjs). */
const { INTEGRATION_SUITES, NOT_THE_PROJECT } = require('./__tests__/setup/tiers.cjs');
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: INTEGRATION_SUITES.map((suite) => `<rootDir>/${suite}`),
  testPathIgnorePatterns: NOT_THE_PROJECT,
};

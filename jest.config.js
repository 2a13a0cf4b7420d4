/** Tests run TypeScript through swc: no type-checking here (that is `npm run typecheck`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // One worker per core. Jest's default leaves one core free, which on a 2-core machine runs every
  // file in turn, although the slow ones mostly wait for their child processes (terraform, cdktf).
  maxWorkers: '100%',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
};

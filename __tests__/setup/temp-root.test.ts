/**
 * Where a test run's temporary folders go: one folder per run (__tests__/setup/temp-root.cjs), below the
 * TMPDIR the run started with, which the run's teardown removes (clean-tmpdir.e2e.test.ts checks that;
 * temp-root.e2e.test.ts checks child processes).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Testing } from 'cdktf';

const runRoot = process.env.KEY_INSIGHT_TEST_TMPDIR!;

it("is a key-insight-tests-* folder directly below the TMPDIR the run started with", () => {
  expect(basename(runRoot)).toMatch(/^key-insight-tests-\w{6}$/);
  expect(dirname(runRoot)).toBe(process.env.KEY_INSIGHT_TEST_TMPDIR_PARENT);
});

it("is this worker's os.tmpdir(), where the tests' own mkdtemp folders go", () => {
  expect(tmpdir()).toBe(runRoot);
  expect(dirname(mkdtempSync(join(tmpdir(), 'ki-where-')))).toBe(runRoot);
});

it("holds cdktf's own cdktf.outdir.* folders", () => {
  expect(dirname(Testing.app().outdir)).toBe(runRoot);
});

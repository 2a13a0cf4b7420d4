/**
 * A test run leaves its TMPDIR as it found it: jest, run on test files that make temporary folders of
 * every kind (mkdtemp folders of the tests, cdktf's cdktf.outdir.*, jest's own), with TMPDIR pointed at
 * an empty folder, leaves that folder empty.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/config';

const TEST_FILES = [
  // asserts that os.tmpdir(), cdktf's outdirs and child processes use the run's folder below TMPDIR
  '__tests__/setup/temp-root.test.ts',
  // make ki-state-* and cdktf.outdir.* folders and never remove them themselves
  '__tests__/lib/local-state.test.ts',
  '__tests__/lib/key-insight-stack.test.ts',
];

it('leaves an empty TMPDIR empty after a run whose tests made temporary folders in it', () => {
  // GIVEN an empty folder as TMPDIR
  const emptyTmpdir = mkdtempSync(join(tmpdir(), 'ki-empty-tmpdir-'));

  // WHEN jest runs test files that write temporary folders
  const run = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--json', '--maxWorkers=2', ...TEST_FILES], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: emptyTmpdir },
    encoding: 'utf8',
    timeout: 120_000,
  });

  // THEN every test passed, the location tests among them, and the folder is empty again
  const report = JSON.parse(run.stdout);
  expect(report.numFailedTests).toBe(0);
  expect(report.testResults.map((file: { name: string }) => file.name.slice(ROOT.length + 1)).sort()).toEqual([...TEST_FILES].sort());
  expect(report.numPassedTests).toBeGreaterThan(4);
  expect(readdirSync(emptyTmpdir)).toEqual([]);
}, 150_000);

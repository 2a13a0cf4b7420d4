/**
 * A test run leaves its TMPDIR as it found it: jest, run on test files that make temporary folders (the
 * tests' own mkdtemp folders, cdktf's cdktf.outdir.*, child processes' files), with TMPDIR pointed at an
 * empty folder, makes one folder there, the run's own, and leaves the folder empty.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/config';

const TEST_FILES = [
  // assert that os.tmpdir(), cdktf's outdirs and child processes use the run's folder below TMPDIR
  '__tests__/setup/temp-root.test.ts',
  '__tests__/setup/temp-root.e2e.test.ts',
  // make ki-state-* and cdktf.outdir.* folders and never remove them themselves
  '__tests__/lib/local-state.test.ts',
  '__tests__/lib/key-insight-stack.test.ts',
];

function runJest(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--json', '--maxWorkers=2', ...TEST_FILES], { cwd: ROOT, env });
  const stdout: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.resume();
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout).toString('utf8') }));
  });
}

it('makes only its own folder in an empty TMPDIR, and leaves it empty, after tests that made temporary folders', async () => {
  // GIVEN an empty folder as TMPDIR, watched for every entry made in it
  const emptyTmpdir = mkdtempSync(join(tmpdir(), 'ki-empty-tmpdir-'));
  const made = new Set<string>();
  const watcher = watch(emptyTmpdir, (_event, name) => {
    if (name) made.add(name);
  });

  // WHEN jest runs test files that write temporary folders
  const run = await runJest({ ...process.env, TMPDIR: emptyTmpdir });
  watcher.close();

  // THEN every test passed, the one entry made in TMPDIR was the run's folder, and it is gone
  const report = JSON.parse(run.stdout);
  expect(report.numFailedTests).toBe(0);
  expect(report.testResults.map((file: { name: string }) => file.name.slice(ROOT.length + 1)).sort()).toEqual([...TEST_FILES].sort());
  expect([...made]).toEqual([expect.stringMatching(/^key-insight-tests-\w{6}$/)]);
  expect(readdirSync(emptyTmpdir)).toEqual([]);
}, 150_000);

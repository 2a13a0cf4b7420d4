/**
 * A child process a test starts with the environment makes its temporary files in the run's folder
 * (__tests__/setup/temp-root.cjs), which the run's teardown removes.
 */
import { spawnSync } from 'node:child_process';

const runRoot = process.env.KEY_INSIGHT_TEST_TMPDIR!;

it('is the temporary folder of a child process started with the environment', () => {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(require("node:os").tmpdir())'], { encoding: 'utf8' });
  expect(child.stdout).toBe(runRoot);
});

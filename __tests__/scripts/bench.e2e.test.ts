/**
 * `npm run bench` writes docs/benchmarks.md only from a clean checkout: the file names the commit it
 * measured. Run in a scratch git repository holding the bench scripts, where the refusal comes before
 * any measurement.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/config';

const repo = mkdtempSync(join(tmpdir(), 'ki-bench-checkout-'));
afterAll(() => rmSync(repo, { recursive: true, force: true }));

function git(...args: string[]) {
  const result = spawnSync('git', args, { cwd: repo, encoding: 'utf8', env: { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR, HOME: repo, GIT_CONFIG_NOSYSTEM: '1' } });
  expect({ args, status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ args, status: 0, stderr: '' });
  return result.stdout.trim();
}

function bench(...args: string[]) {
  return spawnSync(process.execPath, ['scripts/bench.mjs', ...args], { cwd: repo, encoding: 'utf8', env: { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR, HOME: repo }, timeout: 30_000 });
}

beforeAll(() => {
  cpSync(join(ROOT, 'scripts'), join(repo, 'scripts'), { recursive: true });
  git('init', '--quiet');
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'add', '.');
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'commit', '--quiet', '-m', 'scripts');
});

/** requireCleanCommit (scripts/bench/checkout.mjs) in a child node: the module is ESM. */
function checkCheckout(before?: { commit: string }) {
  const source = `import(${JSON.stringify(join(repo, 'scripts', 'bench', 'checkout.mjs'))}).then((m) => {
    try { process.stdout.write(JSON.stringify(m.requireCleanCommit(${JSON.stringify(repo)}, 'report.md', ${JSON.stringify(before)}))); }
    catch (error) { process.stdout.write(JSON.stringify({ error: error.message })); }
  });`;
  const result = spawnSync(process.execPath, ['-e', source], { encoding: 'utf8' });
  return JSON.parse(result.stdout);
}

it('accepts a clean checkout and gives its commit', () => {
  expect(checkCheckout()).toEqual({ commit: git('rev-parse', 'HEAD'), changes: [] });
});

it('refuses at the end of the run when the checkout moved to another commit', () => {
  expect(checkCheckout({ commit: '0000000000000000000000000000000000000000' })).toEqual({
    error: `refusing to write report.md: the checkout moved from 0000000000000000000000000000000000000000 to ${git('rev-parse', 'HEAD')} during the run`,
  });
});

it('refuses, before measuring, to write docs/benchmarks.md from a checkout with uncommitted changes', () => {
  // GIVEN an untracked file in the checkout
  writeFileSync(join(repo, 'notes.txt'), 'not committed');

  // WHEN the benchmark starts
  const result = bench();

  // THEN it stops with the reason and the ways out, and writes nothing
  expect(result.status).toBe(1);
  expect(result.stderr).toContain(
    `[bench] Error: refusing to write ${join(repo, 'docs', 'benchmarks.md')} from a checkout with uncommitted changes (?? notes.txt): commit or stash them, or run with --no-write or --quick to print the numbers only`,
  );
  expect(result.stderr).not.toContain('work folder');
  expect(existsSync(join(repo, 'docs', 'benchmarks.md'))).toBe(false);
});

it('names the options it takes when given another', () => {
  const result = bench('--fast');

  expect(result.status).toBe(1);
  expect(result.stderr).toContain('unknown arguments --fast; allowed: --quick, --no-write, --no-organization, --rounds=N, --test-runs=N');
});

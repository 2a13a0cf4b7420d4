/**
 * `npm run check:aws` on what the app synthesized: it validates and plans the AWS half of every stack
 * with real Terraform, offline and without credentials, in copies, and leaves cdktf.out as it was.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesBelow, runApp } from '../helpers/app';
import { configWith, minimalStack, ROOT, withValue } from '../helpers/config';
import { requireTerraform } from '../helpers/terraform';

const config = configWith(
  minimalStack({ name: 'ki-one' }),
  withValue(minimalStack({ name: 'ki-many' }), 'aws.accounts', [{ accountId: '222222222222', assumeRoleArn: 'arn:aws:iam::222222222222:role/deploy' }]),
);

function checkAws(args: string[]) {
  // Without AWS credentials: the check needs none.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', 'check-aws.ts'), ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 280_000,
  });
}

it('plans the AWS half of every stack that has one, skips the Okta-only stacks, and writes only in its scratch folder', () => {
  requireTerraform();
  // GIVEN a synthesized single-account environment and an environment with an account stack
  const synth = runApp(config);
  expect(synth.status).toBe(0);
  const before = filesBelow(synth.outdir);
  const scratch = mkdtempSync(join(tmpdir(), 'ki-check-scratch-'));

  // WHEN the check runs on it
  const run = checkAws(['--outdir', synth.outdir, '--scratch', scratch, '--parallel', '2']);

  // THEN each stack has its line, the command succeeds, and nothing is left but what was there
  expect(run.stdout.split('\n').filter((line) => /^(ok|skipped|FAILED) /.test(line)).sort()).toEqual([
    'ok      ki-many-222222222222: plans 4 to create, 0 to update, 0 to destroy',
    'ok      ki-one: plans 4 to create, 0 to update, 0 to destroy',
    'skipped ki-many-secret: no AWS half (only Okta, which this check cannot plan)',
    'skipped ki-many: no AWS half (only Okta, which this check cannot plan)',
    'skipped ki-one-secret: no AWS half (only Okta, which this check cannot plan)',
  ]);
  expect(run.status).toBe(0);
  expect(filesBelow(synth.outdir)).toEqual(before);
  expect(readdirSync(scratch)).toEqual([]);
}, 300_000);

it('says what to do when nothing was synthesized', () => {
  const empty = mkdtempSync(join(tmpdir(), 'ki-check-empty-'));

  const run = checkAws(['--outdir', join(empty, 'cdktf.out')]);

  expect(run.stderr).toBe(`${join(empty, 'cdktf.out', 'manifest.json')} does not exist: synthesize first (npx cdktf synth or npm run synth)\n`);
  expect(run.status).toBe(2);
});

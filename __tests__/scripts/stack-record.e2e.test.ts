/**
 * Both synth paths (`npx cdktf synth` and `npm run synth`, scripts/app.cjs) in a clean clone of a project
 * that committed its key-insight.stacks.json: an account of an s3 environment removed without being
 * retired first is refused, and retiring it synthesizes.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configWith, minimalStack, ROOT, withValue } from '../helpers/config';

const work = mkdtempSync(join(tmpdir(), 'ki-record-e2e-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
writeFileSync(join(work, 'terraform.rc'), '');

const S3 = { type: 's3', bucket: 'acme-state', keyPrefix: 'ki', region: 'eu-west-1' };
const withAccounts = (accounts: object[]) => configWith(withValue(withValue(minimalStack({ name: 'ki-prod' }), 'backend', S3), 'aws.accounts', accounts));

/** A project folder whose cdktf.json runs this project's app. */
function project(): string {
  const dir = mkdtempSync(join(work, 'project-'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: `node ${join(ROOT, 'scripts', 'app.cjs')}` }));
  return dir;
}
const env = (dir: string) => ({ PATH: process.env.PATH, TMPDIR: process.env.TMPDIR, HOME: dir, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: join(work, 'terraform.rc') });
const synthCli = (dir: string) => spawnSync(join(ROOT, 'node_modules', '.bin', 'cdktf'), ['synth'], { cwd: dir, env: env(dir), encoding: 'utf8', timeout: 120_000 });
const synthDirect = (dir: string) => spawnSync(process.execPath, [join(ROOT, 'scripts', 'app.cjs')], { cwd: dir, env: env(dir), encoding: 'utf8', timeout: 120_000 });

/** What a fresh clone holds after the first synth was committed: the configuration and the record, no cdktf.out. */
function cleanCloneAfterFirstSynth(): string {
  const first = project();
  writeFileSync(join(first, 'key-insight.config.json'), JSON.stringify(withAccounts([{ accountId: '111111111111' }, { accountId: '222222222222' }])));
  expect(synthDirect(first).status).toBe(0);
  const clone = project();
  for (const file of ['key-insight.config.json', 'key-insight.stacks.json']) copyFileSync(join(first, file), join(clone, file));
  return clone;
}

const REFUSAL =
  'Refusing to synthesize: key-insight.stacks.json records these stacks, which are no longer configured and were not retired first, ' +
  'so their state may still hold resources that nothing would manage any more (nothing was written):\n' +
  '  - ki-prod-222222222222 (s3 state s3://acme-state/ki/ki-prod-222222222222.tfstate): retire it first: set "retired": true on account 222222222222 in stacks[].aws.accounts of environment "ki-prod", ' +
  'synthesize and deploy ki-prod-222222222222 (npx cdktf deploy ki-prod-222222222222), which destroys its resources, then remove the account\n';

describe.each([
  ['npx cdktf synth', synthCli],
  ['npm run synth', synthDirect],
])('%s in a clean clone', (_path, synth) => {
  it('exits 1 naming the stack of an account removed without being retired, and writes no stack', () => {
    const clone = cleanCloneAfterFirstSynth();
    writeFileSync(join(clone, 'key-insight.config.json'), JSON.stringify(withAccounts([{ accountId: '111111111111' }])));

    const result = synth(clone);

    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toContain(REFUSAL);
    expect(existsSync(join(clone, 'cdktf.out', 'stacks', 'ki-prod'))).toBe(false);
  }, 240_000);

  it('synthesizes the account retired, without resources in its stack, and records it as retired', () => {
    const clone = cleanCloneAfterFirstSynth();
    writeFileSync(join(clone, 'key-insight.config.json'), JSON.stringify(withAccounts([{ accountId: '111111111111' }, { accountId: '222222222222', retired: true }])));

    const result = synth(clone);

    expect(result.status).toBe(0);
    expect(JSON.parse(readFileSync(join(clone, 'cdktf.out', 'stacks', 'ki-prod-222222222222', 'cdk.tf.json'), 'utf8')).resource).toBeUndefined();
    expect(JSON.parse(readFileSync(join(clone, 'key-insight.stacks.json'), 'utf8')).stacks['ki-prod-222222222222'].retired).toBe(true);
  }, 240_000);
});

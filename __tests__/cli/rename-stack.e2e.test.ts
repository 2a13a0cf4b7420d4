import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configWith, minimalStack, withValue } from '../helpers/config';
import { startS3StandIn } from '../helpers/s3-stand-in';
import { OFFLINE_AWS_ENV } from '../helpers/terraform';
import { makeTempDir, removeTempDirs, runCli } from './helpers/run-cli';

// `key-insight rename-stack` with the local backend, on state files in a project folder, and with
// the s3 backend against a loopback STAND-IN of Amazon S3 (helpers/s3-stand-in.ts).
// (__tests__/lib/rename-stack.terraform.test.ts plans the renamed stacks against the moved states.)

afterAll(removeTempDirs);

/** A state file's text; each file gets its own, so that a test sees which file went where. */
const stateText = (label: string) => JSON.stringify({ version: 4, serial: 1, lineage: label, outputs: {}, resources: [] });

/** A project folder with this configuration and these files. */
function project(config: unknown, files: Record<string, string>): string {
  const dir = makeTempDir();
  writeFileSync(join(dir, 'key-insight.config.json'), JSON.stringify(config));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const renamed = (stack: Record<string, unknown> = {}) =>
  configWith(withValue(withValue(minimalStack({ name: 'ki-new', ...stack }), 'aws.accounts', [{ accountId: '111111111111' }]), 'aws.role.name', 'ki-old-scanner'));

const OLD_STATES = {
  'terraform.ki-old.tfstate': stateText('environment'),
  'terraform.ki-old.tfstate.backup': stateText('environment backup'),
  'terraform.ki-old-secret.tfstate': stateText('secret'),
  'terraform.ki-old-111111111111.tfstate': stateText('account 1'),
  'terraform.ki-old-222222222222.tfstate': stateText('retired account 2'),
  'terraform.ki-older.tfstate': stateText('another environment'),
};

describe('key-insight rename-stack with local state', () => {
  it("moves the environment's, its secret stack's and every account stack's state (and a backup), printing each move", async () => {
    // GIVEN the states of ki-old, and a configuration where the environment is now ki-new
    const dir = project(renamed(), OLD_STATES);

    // WHEN rename-stack runs
    const run = await runCli(['rename-stack', 'ki-old', 'ki-new'], { cwd: dir });

    // THEN each state of ki-old's stacks is under the new name with its own content, and the other environment's is untouched
    expect([run.exitCode, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toBe(
      'moved terraform.ki-old.tfstate to terraform.ki-new.tfstate\n' +
        'moved terraform.ki-old.tfstate.backup to terraform.ki-new.tfstate.backup\n' +
        'moved terraform.ki-old-111111111111.tfstate to terraform.ki-new-111111111111.tfstate\n' +
        'moved terraform.ki-old-222222222222.tfstate to terraform.ki-new-222222222222.tfstate\n' +
        'moved terraform.ki-old-secret.tfstate to terraform.ki-new-secret.tfstate\n' +
        '\nNext: `npx cdktf diff ki-new` (and each moved stack) should show no change; then deploy as usual.\n',
    );
    const lineage = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')).lineage;
    expect(
      ['ki-new', 'ki-new-secret', 'ki-new-111111111111', 'ki-new-222222222222', 'ki-older'].map((stack) => lineage(`terraform.${stack}.tfstate`)),
    ).toEqual(['environment', 'secret', 'account 1', 'retired account 2', 'another environment']);
    expect(lineage('terraform.ki-new.tfstate.backup')).toBe('environment backup');
    expect(readdirSync(dir).filter((name) => name.includes('ki-old')).sort()).toEqual(['terraform.ki-older.tfstate']);
  });

  it('says that the default role name changes with the environment, and how to keep the role', async () => {
    // GIVEN a renamed environment whose role name is the default
    const dir = project(configWith(minimalStack({ name: 'ki-new' })), { 'terraform.ki-old.tfstate': stateText('environment') });

    // WHEN rename-stack runs
    const run = await runCli(['rename-stack', 'ki-old', 'ki-new'], { cwd: dir });

    // THEN it moves the state and names the role's old and new names
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      '\nThe role\'s default name follows the environment\'s: the next deploy would replace role "ki-old-scanner" with "ki-new-scanner", and Key Insight would need the new role ARN. To keep the role, set stacks[0].aws.role.name to "ki-old-scanner".\n',
    );
  });

  it('refuses, moving nothing, when a new name already has a state', async () => {
    // GIVEN a state under one of the new names
    const dir = project(renamed(), { ...OLD_STATES, 'terraform.ki-new-secret.tfstate': stateText('in the way') });

    // WHEN rename-stack runs
    const run = await runCli(['rename-stack', 'ki-old', 'ki-new'], { cwd: dir });

    // THEN it exits 1 naming the file, and every state is where it was
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe('key-insight: rename-stack: refusing to move any state of "ki-old" (nothing was moved): terraform.ki-new-secret.tfstate already exists\n');
    expect(existsSync(join(dir, 'terraform.ki-old.tfstate'))).toBe(true);
    expect(existsSync(join(dir, 'terraform.ki-new.tfstate'))).toBe(false);
  });

  it('refuses, moving nothing, while Terraform holds a lock on a state', async () => {
    // GIVEN the lock information Terraform's local backend writes beside a state it has locked
    const dir = project(renamed(), { ...OLD_STATES, '.terraform.ki-old-111111111111.tfstate.lock.info': '{"ID":"x","Operation":"OperationTypeApply"}' });

    // WHEN rename-stack runs
    const run = await runCli(['rename-stack', 'ki-old', 'ki-new'], { cwd: dir });

    // THEN it exits 1 naming the lock, and nothing moved
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      'key-insight: rename-stack: refusing to move any state of "ki-old" (nothing was moved): terraform.ki-old-111111111111.tfstate is locked by a Terraform run (.terraform.ki-old-111111111111.tfstate.lock.info exists)\n',
    );
    expect(existsSync(join(dir, 'terraform.ki-old.tfstate'))).toBe(true);
  });

  it('exits 1 when the old environment has no state', async () => {
    const dir = project(renamed(), { 'terraform.ki-older.tfstate': stateText('another environment') });

    const run = await runCli(['rename-stack', 'ki-old', 'ki-new'], { cwd: dir });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      `key-insight: rename-stack: no local state of environment "ki-old" in ${dir}: looked for terraform.ki-old.tfstate, terraform.ki-old-secret.tfstate and terraform.ki-old-<account ID>.tfstate; nothing was moved\n`,
    );
  });

  it('asks for the rename in the configuration first', async () => {
    const dir = project(configWith(minimalStack({ name: 'ki-old' })), OLD_STATES);

    const run = await runCli(['rename-stack', 'ki-old', 'ki-new'], { cwd: dir });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      `key-insight: stack "ki-new" is not in ${join(dir, 'key-insight.config.json')}: rename the environment there first (stacks[].name "ki-old" to "ki-new"), then run rename-stack\n`,
    );
    expect(existsSync(join(dir, 'terraform.ki-old.tfstate'))).toBe(true);
  });

  it.each([
    [['rename-stack', 'ki-old'], 'key-insight: rename-stack takes two names, the environment\'s old name and its new one (rename-stack OLD NEW), but was given 1\n'],
    [['rename-stack', 'ki-old', 'ki new'], 'key-insight: rename-stack NEW is "ki new", but must be an environment\'s name: a letter, then up to 49 letters, digits, _ and -\n'],
    [['rename-stack', 'ki', 'ki'], 'key-insight: rename-stack OLD and NEW are both "ki": give the old and the new name\n'],
  ])('refuses %j with a sentence', async (args, stderr) => {
    const run = await runCli(args, { cwd: makeTempDir() });

    expect([run.exitCode, run.stderr]).toEqual([2, stderr]);
  });
});

describe('key-insight rename-stack with HCP Terraform', () => {
  it('names the workspaces to rename in HCP Terraform, and moves nothing', async () => {
    // GIVEN a renamed environment with an account, whose state is in HCP Terraform workspaces
    const dir = project(renamed({ backend: { type: 'cloud', organization: 'acme', workspacePrefix: 'ki-' } }), {});

    // WHEN rename-stack runs
    const run = await runCli(['rename-stack', 'ki-old', 'ki-new'], { cwd: dir });

    // THEN it exits 1 with HCP Terraform's procedure
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      'key-insight: rename-stack: stack "ki-new" keeps its state in HCP Terraform (backend "cloud", organization "acme"), where each stack\'s state belongs to its workspace; ' +
        "rename the workspaces in HCP Terraform (the workspace's Settings > General > Name) before the next deploy: " +
        'ki-ki-old to ki-ki-new, ki-ki-old-secret to ki-ki-new-secret, ki-ki-old-111111111111 to ki-ki-new-111111111111. Nothing was moved.\n',
    );
  });

  it("names the secret stack's workspace of an environment without AWS accounts too, whose old name would keep a copy of the secret", async () => {
    // GIVEN a renamed environment without aws.accounts, whose state is in HCP Terraform workspaces
    const dir = project(configWith(minimalStack({ name: 'ki-new', backend: { type: 'cloud', organization: 'acme', workspacePrefix: 'ki-' } })), {});

    // WHEN rename-stack runs
    const run = await runCli(['rename-stack', 'ki-old', 'ki-new'], { cwd: dir });

    // THEN the procedure names both workspaces of the environment
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      'key-insight: rename-stack: stack "ki-new" keeps its state in HCP Terraform (backend "cloud", organization "acme"), where each stack\'s state belongs to its workspace; ' +
        "rename the workspaces in HCP Terraform (the workspace's Settings > General > Name) before the next deploy: " +
        'ki-ki-old to ki-ki-new, ki-ki-old-secret to ki-ki-new-secret. Nothing was moved.\n',
    );
  });
});

describe('key-insight rename-stack with S3 state (against a loopback stand-in of S3)', () => {
  const BUCKET = 'acme-terraform-state';
  const s3Backend = { type: 's3', bucket: BUCKET, keyPrefix: 'key-insight', region: 'eu-west-1' };

  it("moves the environment's and its secret stack's state of an environment without AWS accounts", async () => {
    const s3 = await startS3StandIn(BUCKET);
    try {
      // GIVEN the two states of ki-old in the bucket, and a configuration where the environment without accounts is now ki-new
      for (const name of ['key-insight/ki-old.tfstate', 'key-insight/ki-old-secret.tfstate']) s3.objects.set(name, Buffer.from(stateText(name)));
      const dir = project(configWith(minimalStack({ name: 'ki-new', backend: s3Backend })), {});

      // WHEN rename-stack runs
      const run = await runCli(['rename-stack', 'ki-old', 'ki-new'], { cwd: dir, env: { ...OFFLINE_AWS_ENV, AWS_ENDPOINT_URL_S3: s3.endpoint } });

      // THEN both states are under the new keys with their own content, and no old key is left
      expect([run.exitCode, run.stderr]).toEqual([0, '']);
      expect(run.stdout.split('\n').filter((line) => line.startsWith('moved '))).toEqual([
        `moved s3://${BUCKET}/key-insight/ki-old.tfstate to s3://${BUCKET}/key-insight/ki-new.tfstate (copied, compared, deleted)`,
        `moved s3://${BUCKET}/key-insight/ki-old-secret.tfstate to s3://${BUCKET}/key-insight/ki-new-secret.tfstate (copied, compared, deleted)`,
      ]);
      expect([...s3.objects.keys()].sort()).toEqual(['key-insight/ki-new-secret.tfstate', 'key-insight/ki-new.tfstate']);
      expect(s3.objects.get('key-insight/ki-new-secret.tfstate')?.toString()).toBe(stateText('key-insight/ki-old-secret.tfstate'));
    } finally {
      await s3.stop();
    }
  });

  it.each([
    [
      'a lock file of an old state',
      'key-insight/ki-old-111111111111.tfstate.tflock',
      `s3://${BUCKET}/key-insight/ki-old-111111111111.tfstate is locked (s3://${BUCKET}/key-insight/ki-old-111111111111.tfstate.tflock exists)`,
    ],
    ['a state under a new name', 'key-insight/ki-new.tfstate', `s3://${BUCKET}/key-insight/ki-new.tfstate already exists`],
  ])('refuses, moving nothing, when the bucket holds %s', async (_what, key, problem) => {
    const s3 = await startS3StandIn(BUCKET);
    try {
      // GIVEN the states of ki-old in the bucket, and the object in the way
      for (const name of ['key-insight/ki-old.tfstate', 'key-insight/ki-old-111111111111.tfstate', key]) s3.objects.set(name, Buffer.from(stateText(name)));
      const before = [...s3.objects.keys()].sort();
      const dir = project(renamed({ backend: s3Backend }), {});

      // WHEN rename-stack runs
      const run = await runCli(['rename-stack', 'ki-old', 'ki-new'], { cwd: dir, env: { ...OFFLINE_AWS_ENV, AWS_ENDPOINT_URL_S3: s3.endpoint } });

      // THEN it exits 1 naming the object, and the bucket holds what it held
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toBe(`key-insight: rename-stack: refusing to move any state of "ki-old" (nothing was moved): ${problem}\n`);
      expect([...s3.objects.keys()].sort()).toEqual(before);
      expect(s3.requests.filter((request) => !request.startsWith('GET') && !request.startsWith('HEAD'))).toEqual([]);
    } finally {
      await s3.stop();
    }
  });
});

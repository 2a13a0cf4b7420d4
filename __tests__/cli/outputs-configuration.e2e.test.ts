import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minimalStack } from '../helpers/config';
import { deployedOutputs } from '../helpers/deployed-outputs';
import { CLIENT_ID, CLIENT_SECRET } from './helpers/authorization-server';
import { expectNoSecrets } from './helpers/no-secrets';
import { dirWithOutputsFile, removeTempDirs, runCli } from './helpers/run-cli';

// `key-insight outputs` compares the outputs file with the configuration next to it, through
// bin/key-insight.cjs; the outputs file is what a deploy of the first configuration writes.

const [A, B, C] = ['111111111111', '222222222222', '333333333333'] as const;
const prod = (accounts: Array<Record<string, unknown>>) => minimalStack({ name: 'ki-prod', aws: { region: 'eu-west-1', accounts } });
const DEPLOYED = deployedOutputs(
  { stacks: [prod([{ accountId: A }, { accountId: B }]), minimalStack({ name: 'ki-dev' })] },
  { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, issuer: 'https://dev-123456.okta.com/oauth2/aus1', environmentAccountId: C },
);

afterAll(removeTempDirs);

/** Runs `outputs --stack ki-prod` where the outputs file was deployed from DEPLOYED's configuration and the configuration is now `config`. */
async function outputsWith(config: unknown, args: string[] = [], env: Record<string, string> = {}) {
  const cwd = dirWithOutputsFile(DEPLOYED);
  if (config !== undefined) writeFileSync(join(cwd, 'key-insight.config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  const run = await runCli(['outputs', '--stack', 'ki-prod', ...args], { cwd, env });
  expectNoSecrets(run);
  return run;
}

describe('key-insight outputs and the configuration', () => {
  it('says nothing when the file holds every stack of the configuration', async () => {
    const run = await outputsWith({ stacks: [prod([{ accountId: A }, { accountId: B }]), minimalStack({ name: 'ki-dev' })] });

    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('names a configured account whose stack the file lacks, and the command that writes the file with it', async () => {
    const run = await outputsWith({ stacks: [prod([{ accountId: A }, { accountId: B }, { accountId: C }]), minimalStack({ name: 'ki-dev' })] });

    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe(
      `key-insight: warning: key-insight.outputs.json has no role of the configured account ${C} of stack "ki-prod" (key-insight.config.json), so Key Insight is not told about it: deploy its stack, then write the file again with npx cdktf output ki-prod ki-prod-secret ki-prod-${A} ki-prod-${B} ki-prod-${C} --outputs-file key-insight.outputs.json --outputs-file-include-sensitive-outputs\n`,
    );
    expect(run.stdout).toContain('role ARN to assume (2 accounts)');
  });

  it('says nothing of a retired account the file lacks', async () => {
    const run = await outputsWith({ stacks: [prod([{ accountId: A }, { accountId: B }, { accountId: C, retired: true }]), minimalStack({ name: 'ki-dev' })] });

    expect(run.stderr).toBe('');
  });

  it('leaves out the role of a retired account that the file still holds, and says why and what to do', async () => {
    // GIVEN account A retired in the configuration, its role still in the outputs file (the retirement not yet deployed)
    const run = await outputsWith({ stacks: [prod([{ accountId: A, retired: true }, { accountId: B }]), minimalStack({ name: 'ki-dev' })] });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`role ARN to assume (one account):\n  account ${B}  arn:aws:iam::${B}:role/ki-prod-scanner\n\n`);
    expect(run.stdout).not.toContain(`arn:aws:iam::${A}:`);
    expect(run.stderr).toBe(
      `key-insight: warning: key-insight.outputs.json holds the role of account ${A} of stack "ki-prod", which key-insight.config.json retires, so it is left out: deploy ki-prod-${A} to delete it, then write the file again with npx cdktf output ki-prod ki-prod-secret ki-prod-${B} --outputs-file key-insight.outputs.json --outputs-file-include-sensitive-outputs\n`,
    );
  });

  it('leaves the roles of retired accounts out of --format env and json too', async () => {
    const retiredBoth = { stacks: [prod([{ accountId: A, retired: true }, { accountId: B, retired: true }]), minimalStack({ name: 'ki-dev' })] };
    const env = await outputsWith(retiredBoth, ['--format', 'env']);
    const json = await outputsWith(retiredBoth, ['--format', 'json']);

    expect(env.stdout).toContain("KEY_INSIGHT_AWS_ROLE_ARNS=''\n");
    expect(JSON.parse(json.stdout).awsRoles).toEqual([]);
    expect(json.stderr).toBe(
      'The client secret is left out; add --show-secret to include it.\n' +
        `key-insight: warning: key-insight.outputs.json holds the roles of accounts ${A}, ${B} of stack "ki-prod", which key-insight.config.json retires, so they are left out: deploy ki-prod-${A} ki-prod-${B} to delete them, then write the file again with npx cdktf output ki-prod ki-prod-secret --outputs-file key-insight.outputs.json --outputs-file-include-sensitive-outputs\n`,
    );
  });

  it('names the stacks of an environment the configuration no longer has, on stderr only with --format json', async () => {
    const run = await outputsWith({ stacks: [prod([{ accountId: A }, { accountId: B }])] }, ['--format', 'json']);

    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout).stack).toBe('ki-prod');
    expect(run.stderr).toBe(
      'The client secret is left out; add --show-secret to include it.\nkey-insight: warning: key-insight.outputs.json holds stacks "ki-dev", "ki-dev-secret" that key-insight.config.json no longer has: their outputs are left from an earlier deploy, and what they deployed stays until destroyed; write the file again with the configured stacks only\n',
    );
  });

  it('names an account stack whose entry was removed from the configuration', async () => {
    const run = await outputsWith({ stacks: [prod([{ accountId: A }]), minimalStack({ name: 'ki-dev' })] });

    expect(run.stderr).toBe(
      `key-insight: warning: key-insight.outputs.json holds stack "ki-prod-${B}" that key-insight.config.json no longer has: its outputs are left from an earlier deploy, and what it deployed stays until destroyed; write the file again with the configured stacks only\n`,
    );
  });

  it('reads the configuration KEY_INSIGHT_CONFIG names', async () => {
    const cwd = dirWithOutputsFile(DEPLOYED);
    writeFileSync(join(cwd, 'team.json'), JSON.stringify({ stacks: [prod([{ accountId: A }, { accountId: B }, { accountId: C }]), minimalStack({ name: 'ki-dev' })] }));

    const run = await runCli(['outputs', '--stack', 'ki-prod'], { cwd, env: { KEY_INSIGHT_CONFIG: 'team.json' } });

    expect(run.stderr).toContain(`has no role of the configured account ${C} of stack "ki-prod" (team.json)`);
  });

  it('compares nothing, and says nothing, without a configuration', async () => {
    const run = await outputsWith(undefined);

    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('warns that it cannot compare, and still prints the outputs, when the configuration is broken', async () => {
    const run = await outputsWith('{ "stacks": [ }');

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Key Insight settings from stack "ki-prod"');
    expect(run.stderr).toMatch(/^key-insight: warning: cannot compare key-insight\.outputs\.json with the configuration: \S+key-insight\.config\.json is not valid JSON at line 1, column 15: /);
  });
});

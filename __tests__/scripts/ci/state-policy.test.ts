import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ciMain } from '../../../scripts/ci/main';
import { configWith, minimalStack } from '../../helpers/config';
import { synthConfig } from '../../helpers/synth';

// `key-insight-ci state-policy`, checked against the state keys and workspaces the real synth writes.

const CONFIG = configWith(
  minimalStack({ name: 'ki-prod', aws: { region: 'eu-west-1', accounts: [{ accountId: '111111111111' }] }, backend: { type: 's3', bucket: 'acme-tf-state', keyPrefix: 'key-insight', region: 'eu-west-1' } }),
  minimalStack({ name: 'ki-stage', aws: { region: 'us-east-1', accounts: [{ accountId: '222222222222' }] }, backend: { type: 's3', bucket: 'acme-stage-state', keyPrefix: 'a/b', region: 'us-east-1' } }),
  minimalStack({ name: 'ki-hcp', aws: { region: 'eu-west-1', accounts: [{ accountId: '333333333333' }] }, backend: { type: 'cloud', organization: 'acme', workspacePrefix: 'ws-' } }),
  minimalStack({ name: 'ki-dev', aws: { region: 'eu-west-1', accounts: [{ accountId: '444444444444' }] } }),
);

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function statePolicy(config: unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'ki-state-policy-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const out = { stdout: '', stderr: '' };
  const exitCode = await ciMain(['state-policy'], { KEY_INSIGHT_CONFIG: join(dir, 'config.json') }, {
    stdout: (text) => (out.stdout += text),
    stderr: (text) => (out.stderr += text),
  });
  return { exitCode, ...out };
}

describe('the plan role policy', () => {
  it('denies reading exactly the state objects the synth writes for the <env>-secret stacks kept in S3, every version of them', async () => {
    const stacks = synthConfig(CONFIG);
    const secretObjects = Object.entries(stacks)
      .filter(([name, stack]) => name.endsWith('-secret') && stack.terraform.backend?.s3 !== undefined)
      .map(([, stack]) => `arn:aws:s3:::${stack.terraform.backend.s3.bucket}/${stack.terraform.backend.s3.key}`);

    const run = await statePolicy(CONFIG);

    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'DenyReadingClientSecretState', Effect: 'Deny', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: secretObjects }],
    });
    expect(secretObjects).toEqual(['arn:aws:s3:::acme-tf-state/key-insight/ki-prod-secret.tfstate', 'arn:aws:s3:::acme-stage-state/a/b/ki-stage-secret.tfstate']);
  });

  it("names the HCP Terraform workspace of each cloud environment's secret stack, as the synth writes it, and the local ones", async () => {
    const workspace = synthConfig(CONFIG)['ki-hcp-secret']!.terraform.cloud.workspaces.name;

    const run = await statePolicy(CONFIG);

    expect(workspace).toBe('ws-ki-hcp-secret');
    expect(run.stderr).toBe(
      `ki-hcp: state in HCP Terraform; give the team whose token is TF_PLAN_API_TOKEN no access to workspace ${workspace} (organization acme)\n` +
        'ki-dev: state in a local file (terraform.ki-dev-secret.tfstate); no CI job reads it\n',
    );
  });

  it('prints no policy, and says so, when no environment keeps its state in S3', async () => {
    const run = await statePolicy(configWith(minimalStack()));

    expect(run).toEqual({
      exitCode: 0,
      stdout: '',
      stderr: 'ki-test: state in a local file (terraform.ki-test-secret.tfstate); no CI job reads it\nNo environment keeps its state in S3, so the plan role needs no policy for it.\n',
    });
  });

  it('stops with exit code 2 and the configuration problem on an invalid configuration', async () => {
    const run = await statePolicy({ stacks: [] });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^key-insight-ci state-policy: Invalid configuration in .*config\.json/);
  });
});

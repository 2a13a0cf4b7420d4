import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SynthesizedStack } from '../../../scripts/ci/synthesized-stacks';
import { initArgs, terraformEnv, tokenVariable } from '../../../scripts/ci/terraform';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ki-ci-init-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'cdktf.out'));
  return dir;
}

const cloudStack = (hostname: string): SynthesizedStack => ({ name: 'ki-hcp', dir: '/x', dependencies: [], state: { kind: 'cloud', hostname, organization: 'acme', workspace: 'ki-hcp' } });
const s3Stack: SynthesizedStack = { name: 'ki-prod', dir: '/x', dependencies: [], state: { kind: 's3', bucket: 'b', key: 'k' } };

describe('terraform init in CI', () => {
  it('installs whatever the registry offers while no lock file is committed', () => {
    expect(initArgs(join(project(), 'cdktf.out'))).toEqual(['init', '-input=false', '-no-color']);
  });

  it('installs exactly the committed lock file, or fails, once it exists beside cdktf.out', () => {
    const dir = project();
    writeFileSync(join(dir, '.terraform.lock.hcl'), '# lock\n');

    expect(initArgs(join(dir, 'cdktf.out'))).toEqual(['init', '-input=false', '-no-color', '-lockfile=readonly']);
  });
});

describe("Terraform's environment for one stack", () => {
  const job = { PATH: '/bin', TF_API_TOKEN: 'SENTINEL-deploy', TF_TOKEN_app_terraform_io: 'SENTINEL-inherited', TF_PLAN_API_TOKEN: 'SENTINEL-plan' };

  it('names the token variable as Terraform reads it: dots become _, hyphens __', () => {
    expect(tokenVariable('app.terraform.io')).toBe('TF_TOKEN_app_terraform_io');
    expect(tokenVariable('tfe.example-corp.com')).toBe('TF_TOKEN_tfe_example__corp_com');
  });

  it("gives a cloud stack the given token for its host, and none of the job's tokens", () => {
    expect(terraformEnv(job, cloudStack('tfe.example.com'), 'SENTINEL-given')).toEqual({ PATH: '/bin', TF_TOKEN_tfe_example_com: 'SENTINEL-given', TF_IN_AUTOMATION: '1' });
  });

  it('gives an S3 stack no token at all', () => {
    expect(terraformEnv(job, s3Stack, 'SENTINEL-given')).toEqual({ PATH: '/bin', TF_IN_AUTOMATION: '1' });
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { parseConfig } from '../../../lib/config';
import { addEnvironments } from '../../../lib/key-insight-app';
import { ciMain } from '../../../scripts/ci/main';
import { configWith, minimalStack } from '../../helpers/config';

// `key-insight-ci hcp-token`: the HCP Terraform token under the variable of the host the real synth's cloud block names.

const TOKEN = 'SENTINEL-hcp-token';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const CONFIG = configWith(
  minimalStack({ name: 'ki-tfe', backend: { type: 'cloud', organization: 'acme', hostname: 'tfe.example-corp.com' } }),
  minimalStack({ name: 'ki-hcp', backend: { type: 'cloud', organization: 'acme' } }),
  minimalStack({ name: 'ki-s3', backend: { type: 's3', bucket: 'acme-tf-state', keyPrefix: 'key-insight', region: 'eu-west-1' } }),
);

/** Synthesizes a configuration into <temporary folder>/cdktf.out, beside an empty GITHUB_ENV file. */
function synthesized(config: unknown): { outdir: string; githubEnv: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ki-hcp-token-'));
  dirs.push(dir);
  const app = new App({ outdir: join(dir, 'cdktf.out'), stackTraces: false, skipValidation: true });
  addEnvironments(app, parseConfig(config));
  app.synth();
  writeFileSync(join(dir, 'github-env'), '');
  return { outdir: app.outdir, githubEnv: join(dir, 'github-env') };
}

const project = synthesized(CONFIG);

async function hcpToken(env: NodeJS.ProcessEnv) {
  writeFileSync(project.githubEnv, '');
  const out = { stdout: '', stderr: '' };
  const exitCode = await ciMain(['hcp-token'], { CDKTF_OUTDIR: project.outdir, GITHUB_ENV: project.githubEnv, ...env }, {
    stdout: (text) => (out.stdout += text),
    stderr: (text) => (out.stderr += text),
  });
  return { exitCode, ...out, githubEnv: readFileSync(project.githubEnv, 'utf8') };
}

describe('the HCP Terraform token', () => {
  it('goes to the variable Terraform reads for the Terraform Enterprise host the backend names, and is never printed', async () => {
    const run = await hcpToken({ STACKS: 'ki-tfe*', HCP_TOKEN: TOKEN });

    expect(run).toEqual({
      exitCode: 0,
      stdout: 'TF_TOKEN_tfe_example__corp_com: the token for tfe.example-corp.com (stacks ki-tfe, ki-tfe-secret)\n',
      stderr: '',
      githubEnv: `TF_TOKEN_tfe_example__corp_com=${TOKEN}\n`,
    });
  });

  it("goes to app.terraform.io's variable when the backend names no host", async () => {
    const run = await hcpToken({ STACKS: 'ki-hcp', HCP_TOKEN: TOKEN });

    expect(run.githubEnv).toBe(`TF_TOKEN_app_terraform_io=${TOKEN}\n`);
  });

  it('goes to each host of the selected stacks, once', async () => {
    const run = await hcpToken({ HCP_TOKEN: TOKEN });

    expect(run.githubEnv.split('\n').sort()).toEqual(['', `TF_TOKEN_app_terraform_io=${TOKEN}`, `TF_TOKEN_tfe_example__corp_com=${TOKEN}`]);
    expect(run.stdout).not.toContain(TOKEN);
  });

  it('goes nowhere when no selected stack keeps its state in HCP Terraform', async () => {
    const run = await hcpToken({ STACKS: 'ki-s3*', HCP_TOKEN: TOKEN });

    expect(run).toEqual({ exitCode: 0, stdout: 'No stack STACKS selects keeps its state in HCP Terraform: no token is passed on.\n', stderr: '', githubEnv: '' });
  });

  it('fails naming the stacks and the host when the token is empty', async () => {
    const run = await hcpToken({ STACKS: 'ki-tfe', HCP_TOKEN: '' });

    expect(run).toEqual({
      exitCode: 1,
      stdout: '::error::HCP_TOKEN is empty, but stacks ki-tfe keep their state in HCP Terraform (tfe.example-corp.com): set the secret the step passes as HCP_TOKEN\n',
      stderr: '',
      githubEnv: '',
    });
  });

  it('refuses a token with a line break, which would set other variables of the later steps', async () => {
    const run = await hcpToken({ STACKS: 'ki-hcp', HCP_TOKEN: `${TOKEN}\nNODE_OPTIONS=--require=/tmp/x` });

    expect(run).toEqual({ exitCode: 2, stdout: '', stderr: 'key-insight-ci hcp-token: HCP_TOKEN holds a line break, but must be one API token\n', githubEnv: '' });
  });

  it('refuses to run outside GitHub Actions, where GITHUB_ENV is not set', async () => {
    const run = await hcpToken({ STACKS: 'ki-hcp', HCP_TOKEN: TOKEN, GITHUB_ENV: '' });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe("key-insight-ci hcp-token: GITHUB_ENV is not set, but must name the file GitHub Actions reads the later steps' variables from\n");
  });
});

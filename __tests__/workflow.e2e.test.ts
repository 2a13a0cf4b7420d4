/**
 * The GitHub Actions workflow (.github/workflows/key-insight.yml): valid for GitHub, as the real
 * validator from npm sees it; triggers, permissions and concurrency as intended; and its shell
 * steps, run here with bash as GitHub runs them, keep the client secret out of logs and artifacts.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { OUTPUT_NAMES } from '../lib/outputs';
import { accountStackName } from '../lib/stack-names';

const ROOT = resolve(__dirname, '..');
const WORKFLOW_FILE = join(ROOT, '.github', 'workflows', 'key-insight.yml');
const VALIDATOR = join(ROOT, 'node_modules', '.bin', 'action-validator');
const OUTPUTS_FILE = 'key-insight.outputs.json';
/** hashicorp/setup-terraform must install at least this version: S3 native state locking needs 1.10. */
const MIN_TERRAFORM = [1, 10] as const;

type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };


interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, YamlValue>;
  readonly env?: Record<string, string>;
}

interface Job {
  readonly needs?: string;
  readonly if?: string;
  readonly environment?: string;
  readonly permissions?: Record<string, string>;
  readonly concurrency?: Record<string, YamlValue>;
  readonly env?: Record<string, string>;
  readonly steps: readonly Step[];
}

interface Workflow {
  readonly on: Record<string, YamlValue>;
  readonly permissions: Record<string, string>;
  readonly env: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

const workflowText = readFileSync(WORKFLOW_FILE, 'utf8');
const workflow = parse(workflowText, { uniqueKeys: true }) as Workflow;

function job(id: string): Job {
  const found = workflow.jobs[id];
  if (found === undefined) throw new Error(`the workflow has no job "${id}"; it has ${Object.keys(workflow.jobs).join(', ')}`);
  return found;
}

function stepIndex(jobId: string, name: string): number {
  const index = job(jobId).steps.findIndex((step) => step.name === name);
  if (index < 0) throw new Error(`job "${jobId}" has no step named "${name}"`);
  return index;
}

function step(jobId: string, name: string): Step {
  return job(jobId).steps[stepIndex(jobId, name)]!;
}

function script(jobId: string, name: string): string {
  const { run } = step(jobId, name);
  if (run === undefined) throw new Error(`step "${name}" of job "${jobId}" runs no script`);
  return run;
}

const allSteps = Object.entries(workflow.jobs).flatMap(([jobId, { steps }]) => steps.map((s) => ({ jobId, ...s })));
const allScripts = allSteps.flatMap((s) => (s.run === undefined ? [] : [s.run]));

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

function validate(file: string) {
  return spawnSync(VALIDATOR, [file], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
}

function brokenCopy(mutate: (text: string) => string): string {
  const broken = mutate(workflowText);
  expect(broken).not.toBe(workflowText);
  const file = join(tempDir('workflow-'), 'key-insight.yml');
  writeFileSync(file, broken);
  return file;
}

/**
 * Runs a step's script as GitHub's default shell does (`bash -e {0}`), in a fresh folder. Commands
 * that would reach Okta, AWS or the registry (npx, terraform) are replaced by a recording fake put
 * first on PATH: it logs its arguments, one call a line, and fails when its arguments match
 * FAKE_FAIL_WHEN.
 */
function runScript(source: string, env: Record<string, string> = {}, setUp: (cwd: string) => void = () => {}) {
  const cwd = tempDir('workflow-step-');
  const fakeBin = join(cwd, '.fake-bin');
  mkdirSync(fakeBin);
  const callLog = join(fakeBin, 'calls.log');
  writeFileSync(callLog, '');
  const fake = `#!/usr/bin/env bash
echo "$(basename "$0") $*" >> "${callLog}"
if [ -n "\${FAKE_FAIL_WHEN:-}" ] && [[ "$*" == *"$FAKE_FAIL_WHEN"* ]]; then echo "fake failure" >&2; exit 1; fi
echo "fake output of $(basename "$0") $*"
`;
  for (const command of ['npx', 'terraform']) {
    writeFileSync(join(fakeBin, command), fake);
    chmodSync(join(fakeBin, command), 0o755);
  }
  setUp(cwd);
  const result = spawnSync('bash', ['-e', '-c', source], {
    cwd,
    encoding: 'utf8',
    timeout: 30_000,
    env: { PATH: `${fakeBin}:${process.env.PATH ?? ''}`, TMPDIR: process.env.TMPDIR, HOME: cwd, ...env },
  });
  const calls = readFileSync(callLog, 'utf8').split('\n').filter((line) => line !== '');
  return { ...result, cwd, calls };
}

function writeOutputs(outputs: object): (cwd: string) => void {
  return (cwd) => writeFileSync(join(cwd, OUTPUTS_FILE), JSON.stringify(outputs));
}

function writeStacks(backends: Record<string, object | undefined>): (cwd: string) => void {
  return (cwd) => {
    for (const [stack, backend] of Object.entries(backends)) {
      mkdirSync(join(cwd, 'cdktf.out', 'stacks', stack), { recursive: true });
      const terraform = backend === undefined ? {} : { backend };
      writeFileSync(join(cwd, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'), JSON.stringify({ terraform }));
    }
  };
}

const SECRET_ONE = 'fake-client-secret-one-7Qx_2';
const SECRET_TWO = 'fake-client-secret-two-Lm9-4';
/** Two environments, one of them with an account stack, as `cdktf deploy --outputs-file` writes them. */
const { clientId, clientSecret, awsRoleArn } = OUTPUT_NAMES;
const DEPLOYED_OUTPUTS = {
  'ki-dev': { [clientId]: '0oadev', [clientSecret]: SECRET_ONE, [awsRoleArn]: 'arn:aws:iam::111111111111:role/ki-dev-scanner' },
  'ki-prod': { [clientId]: '0oaprod', [clientSecret]: SECRET_TWO },
  [accountStackName('ki-prod', '222222222222')]: { [awsRoleArn]: 'arn:aws:iam::222222222222:role/ki-prod-scanner' },
};

describe('validation with action-validator', () => {
  it('accepts the workflow', () => {
    const result = validate(WORKFLOW_FILE);

    expect(result.error).toBeUndefined();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('rejects a copy whose deploy job has no runs-on, so the check above cannot pass by default', () => {
    const file = brokenCopy((text) => text.replace(/(\n  deploy:\n(?: {4}.*\n)*?) {4}runs-on: .*\n/, '$1'));

    const result = validate(file);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('"path": "/jobs/deploy/runs-on"');
  });

  it('rejects a copy with a key GitHub does not know', () => {
    const file = brokenCopy((text) => text.replace('\n    environment: key-insight\n', '\n    environment: key-insight\n    retries: 3\n'));

    const result = validate(file);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Additional property 'retries' is not allowed");
  });
});

describe('triggers', () => {
  it('run for pull requests, pushes to main, and by hand with a stacks pattern that defaults to every stack', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push', 'workflow_dispatch']);
    expect(workflow.on.push).toEqual({ branches: ['main'] });
    expect(workflow.on.workflow_dispatch).toMatchObject({ inputs: { stacks: { type: 'string', required: false, default: '*' } } });
  });
});

describe('tests and tools on GitHub', () => {
  it('type-check and run every test but the Terraform plans instead of npm test, whose Terraform tests need the local provider mirror', () => {
    const runs = job('test').steps.flatMap((s) => (s.run === undefined ? [] : [s.run]));

    expect(runs).toEqual(['npm ci --no-audit --no-fund', 'npm run test:no-terraform', 'npx cdktf synth']);
    expect(allScripts.filter((run) => /\bnpm (run )?test\b(?!:)/.test(run))).toEqual([]);
    expect(workflowText).toMatch(/# Not `npm test`/);
  });

  it('install one Terraform version in every job, without the wrapper that rewrites its output', () => {
    const setups = Object.entries(workflow.jobs).map(([jobId, { steps }]) => ({
      jobId,
      with: steps.find((s) => s.uses?.startsWith('hashicorp/setup-terraform@'))?.with,
    }));

    expect(setups).toEqual(
      Object.keys(workflow.jobs).map((jobId) => ({
        jobId,
        with: { terraform_version: '${{ env.TERRAFORM_VERSION }}', terraform_wrapper: false },
      })),
    );
  });

  it(`install Terraform ${MIN_TERRAFORM.join('.')} or newer`, () => {
    const [major, minor] = String(workflow.env.TERRAFORM_VERSION).split('.').map(Number);

    expect(major).toBe(MIN_TERRAFORM[0]);
    expect(minor).toBeGreaterThanOrEqual(MIN_TERRAFORM[1]);
  });

  it('turn off Terraform and cdktf telemetry', () => {
    expect(workflow.env.CHECKPOINT_DISABLE).toBe('1');
  });

  it('pin every action to a major version', () => {
    const actions = [...new Set(allSteps.flatMap((s) => (s.uses === undefined ? [] : [s.uses])))].sort();

    expect(actions).toEqual([
      'actions/checkout@v4',
      'actions/setup-node@v4',
      'actions/upload-artifact@v4',
      'aws-actions/configure-aws-credentials@v4',
      'hashicorp/setup-terraform@v3',
    ]);
  });
});

describe('permissions and secrets', () => {
  it('default to reading the repository', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
  });

  it('give an OIDC token exactly to the jobs that assume an AWS role, and nothing else writable', () => {
    const byJob = Object.entries(workflow.jobs).map(([jobId, { steps, permissions }]) => ({
      jobId,
      assumesRole: steps.some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@')),
      permissions: permissions ?? null,
    }));

    expect(byJob).toEqual([
      { jobId: 'test', assumesRole: false, permissions: null },
      { jobId: 'plan', assumesRole: true, permissions: { contents: 'read', 'id-token': 'write' } },
      { jobId: 'deploy', assumesRole: true, permissions: { contents: 'read', 'id-token': 'write' } },
    ]);
  });

  it('reach only the plan and deploy jobs', () => {
    const usesSecrets = (value: unknown) => JSON.stringify(value).includes('secrets.');

    expect(usesSecrets(workflow.env)).toBe(false);
    expect(usesSecrets(job('test'))).toBe(false);
    expect(job('deploy').env?.OKTA_API_TOKEN).toBe('${{ secrets.OKTA_API_TOKEN }}');
  });

  it("never reach the plan job's pull-request code with the deploy job's Okta or AWS credentials", () => {
    const planJob = JSON.stringify(job('plan'));

    expect(planJob).not.toMatch(/secrets\.OKTA_API_TOKEN|secrets\.OKTA_API_PRIVATE_KEY\b|vars\.OKTA_API_CLIENT_ID|AWS_DEPLOY_ROLE_ARN/);
    expect(job('plan').env).not.toHaveProperty('OKTA_API_TOKEN');
  });

  it('give the plan job its own Okta API Services app, asking only for read scopes', () => {
    expect(job('plan').env).toMatchObject({
      OKTA_API_CLIENT_ID: '${{ vars.OKTA_PLAN_API_CLIENT_ID }}',
      OKTA_API_PRIVATE_KEY: '${{ secrets.OKTA_PLAN_API_PRIVATE_KEY }}',
      OKTA_API_PRIVATE_KEY_ID: '${{ vars.OKTA_PLAN_API_PRIVATE_KEY_ID }}',
      OKTA_API_SCOPES: 'okta.apps.read,okta.authorizationServers.read',
    });
  });

  it('take the deploy role and region from repository variables', () => {
    const credentials = job('deploy').steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));

    expect(credentials?.with).toMatchObject({
      'role-to-assume': '${{ vars.AWS_DEPLOY_ROLE_ARN }}',
      'aws-region': '${{ vars.AWS_REGION }}',
    });
  });

  it('never paste an expression into a script, so no input or pull request text can become a command', () => {
    expect(allScripts.filter((run) => run.includes('${{'))).toEqual([]);
  });

  it('never print the outputs file', () => {
    const printing = new RegExp(`\\b(cat|head|tail|less|more|jq|echo|printf)\\b[^\\n]*${OUTPUTS_FILE.replace(/\./g, '\\.')}`);

    expect(allScripts.filter((run) => printing.test(run))).toEqual([]);
  });
});

describe('the plan job', () => {
  it('runs only for pull requests from this repository, whose runs get the secrets, after the tests', () => {
    expect(job('plan').needs).toBe('test');
    expect(job('plan').if).toBe(
      "github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository",
    );
  });

  it('assumes the plan role, and no other role', () => {
    const credentials = job('plan').steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));

    expect(credentials?.with).toEqual({
      'role-to-assume': '${{ vars.AWS_PLAN_ROLE_ARN }}',
      'aws-region': '${{ vars.AWS_REGION }}',
      'role-session-name': 'key-insight-plan',
    });
  });

  it('skips the plan with a notice when no plan role is set', () => {
    // GIVEN no AWS_PLAN_ROLE_ARN variable (GitHub gives an unset variable as an empty string)
    const run = runScript(script('plan', 'Check for the read-only plan role'), { AWS_PLAN_ROLE_ARN: '', GITHUB_OUTPUT: 'github-output' }, (cwd) =>
      writeFileSync(join(cwd, 'github-output'), ''),
    );

    // THEN the step succeeds, says why there is no plan, and tells the later steps not to run
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      '::notice::no plan: set the repository variable AWS_PLAN_ROLE_ARN to a read-only AWS role to plan pull requests (the deploy role is never used for them)\n',
    );
    expect(readFileSync(join(run.cwd, 'github-output'), 'utf8')).toBe('configured=false\n');
  });

  it('plans when the plan role is set', () => {
    const run = runScript(
      script('plan', 'Check for the read-only plan role'),
      { AWS_PLAN_ROLE_ARN: 'arn:aws:iam::111111111111:role/key-insight-plan', GITHUB_OUTPUT: 'github-output' },
      (cwd) => writeFileSync(join(cwd, 'github-output'), ''),
    );

    expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 0, stdout: '' });
    expect(readFileSync(join(run.cwd, 'github-output'), 'utf8')).toBe('configured=true\n');
  });

  it('runs every step after the check only when the plan role is set, and takes the role from the variable', () => {
    const steps = job('plan').steps;
    const check = stepIndex('plan', 'Check for the read-only plan role');

    expect(check).toBe(0);
    expect(job('plan').env?.AWS_PLAN_ROLE_ARN).toBe('${{ vars.AWS_PLAN_ROLE_ARN }}');
    expect(steps.slice(1).map((s) => s.if)).toEqual(
      steps.slice(1).map((s) =>
        s.name === 'Keep the plans' ? "always() && steps.plan-role.outputs.configured == 'true'" : "steps.plan-role.outputs.configured == 'true'",
      ),
    );
    expect(steps[check]!.id).toBe('plan-role');
  });

  it('plans every synthesized stack as text, without a plan file or the state lock, and fails if one plan fails', () => {
    // GIVEN two synthesized stacks, the first of which cannot be planned
    // WHEN the plan step runs
    const run = runScript(script('plan', 'Plan each stack'), { FAKE_FAIL_WHEN: 'ki-bad/ plan', PLAN_DIR: 'plans' }, writeStacks({ 'ki-bad': {}, ki: {} }));

    expect(run.status).toBe(1);
    expect(run.calls).toEqual([
      'terraform -chdir=cdktf.out/stacks/ki-bad/ init -input=false -no-color',
      'terraform -chdir=cdktf.out/stacks/ki-bad/ plan -input=false -no-color -lock=false',
      'terraform -chdir=cdktf.out/stacks/ki/ init -input=false -no-color',
      'terraform -chdir=cdktf.out/stacks/ki/ plan -input=false -no-color -lock=false',
    ]);
    expect(readdirSync(join(run.cwd, 'plans')).sort()).toEqual(['ki-bad.txt', 'ki.txt']);
    expect(readFileSync(join(run.cwd, 'plans', 'ki.txt'), 'utf8')).toContain('fake output of terraform -chdir=cdktf.out/stacks/ki/ plan');
    expect(run.stdout).toContain('::error::terraform could not plan stack ki-bad');
  });

  it('uploads the plan texts, even after a failed plan, and nothing else', () => {
    const upload = step('plan', 'Keep the plans');
    const path = String(upload.with?.path);

    expect(upload.if).toBe("always() && steps.plan-role.outputs.configured == 'true'");
    expect(path).toBe('${{ runner.temp }}/key-insight-plans/*.txt');
    expect(step('plan', 'Plan each stack').env?.PLAN_DIR).toBe('${{ runner.temp }}/key-insight-plans');
    expect(path).not.toMatch(/outputs|tfstate|\.terraform|tfplan|cdktf\.out/);
  });
});

describe('the deploy job', () => {
  it('runs from main only, after the tests, in an environment that can require approval', () => {
    expect(job('deploy').needs).toBe('test');
    expect(job('deploy').if).toMatch(/^github\.ref == 'refs\/heads\/main' && /);
    expect(job('deploy').environment).toBe('key-insight');
  });

  it('is one at a time for the whole repository and never cancels a deploy under way', () => {
    expect(job('deploy').concurrency).toEqual({ group: 'key-insight-deploy', 'cancel-in-progress': false });
  });

  it('deploys the stacks input, every stack on a push, through the environment rather than the script text', () => {
    expect(job('deploy').env?.STACKS).toBe("${{ inputs.stacks || '*' }}");
  });

  it('refuses stacks whose state is a local file on the runner, before deploying', () => {
    // GIVEN stacks with S3 state, local state, and no backend at all (Terraform's local default)
    const run = runScript(
      script('deploy', 'Refuse stacks whose state would stay on the runner'),
      {},
      writeStacks({ 'ki-prod': { s3: { bucket: 'state' } }, 'ki-dev': { local: { path: 'x' } }, 'ki-test': undefined }),
    );

    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^::error::these stacks keep their state in a local file: (ki-dev, ki-test|ki-test, ki-dev);/);
    expect(stepIndex('deploy', 'Refuse stacks whose state would stay on the runner')).toBeLessThan(stepIndex('deploy', 'Deploy'));
  });

  it('lets stacks with S3 or HCP Terraform state through', () => {
    const run = runScript(
      script('deploy', 'Refuse stacks whose state would stay on the runner'),
      {},
      writeStacks({ 'ki-prod': { s3: { bucket: 'state' } }, 'ki-dev': { cloud: { organization: 'org' } } }),
    );

    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('deploys with auto-approve and the sensitive outputs in key-insight.outputs.json, patterns unexpanded by the shell', () => {
    // GIVEN a file in the working folder that the pattern ki-prod* would match as a shell glob
    const run = runScript(script('deploy', 'Deploy'), { STACKS: 'ki-prod* ki-dev' }, (cwd) => writeFileSync(join(cwd, 'ki-prod-file'), ''));

    expect(run.status).toBe(0);
    expect(run.calls).toEqual([
      `npx cdktf deploy ki-prod* ki-dev --skip-synth --no-color --parallelism 4 --auto-approve --outputs-file ${OUTPUTS_FILE} --outputs-file-include-sensitive-outputs`,
    ]);
  });

  it('refuses a stacks input that is not stack patterns, without deploying', () => {
    const run = runScript(script('deploy', 'Deploy'), { STACKS: 'ki-prod; curl evil.example' });

    expect(run.status).toBe(2);
    expect(run.calls).toEqual([]);
    expect(run.stdout).toContain('::error::stacks input "ki-prod; curl evil.example" must be stack names or patterns');
  });

  it('masks every client secret in the outputs file right after the deploy, and prints nothing else', () => {
    const run = runScript(script('deploy', 'Mask the client secrets'), {}, writeOutputs(DEPLOYED_OUTPUTS));

    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`::add-mask::${SECRET_ONE}\n::add-mask::${SECRET_TWO}\n`);
    expect(stepIndex('deploy', 'Mask the client secrets')).toBe(stepIndex('deploy', 'Deploy') + 1);
  });

  it('verifies each environment stack of the outputs file after the deploy, not the account stacks', () => {
    const run = runScript(script('deploy', 'Verify the client-credentials flow of each environment'), {}, writeOutputs(DEPLOYED_OUTPUTS));

    expect(run.status).toBe(0);
    expect(run.calls).toEqual([
      `npx key-insight verify --outputs-file ${OUTPUTS_FILE} --stack ki-dev`,
      `npx key-insight verify --outputs-file ${OUTPUTS_FILE} --stack ki-prod`,
    ]);
    expect(stepIndex('deploy', 'Verify the client-credentials flow of each environment')).toBeGreaterThan(stepIndex('deploy', 'Deploy'));
  });

  it('verifies every environment even when one fails, then fails, without printing a secret', () => {
    // GIVEN the check of the first environment fails
    const run = runScript(
      script('deploy', 'Verify the client-credentials flow of each environment'),
      { FAKE_FAIL_WHEN: '--stack ki-dev' },
      writeOutputs(DEPLOYED_OUTPUTS),
    );

    expect(run.status).toBe(1);
    expect(run.calls).toHaveLength(2);
    expect(run.stdout + run.stderr).not.toMatch(new RegExp(`${SECRET_ONE}|${SECRET_TWO}`));
  });

  it('deletes the outputs file as its last step, whatever happened before', () => {
    const steps = job('deploy').steps;
    const last = steps[steps.length - 1]!;

    expect(last).toEqual({ name: 'Delete the outputs file', if: 'always()', run: `rm -f ${OUTPUTS_FILE}` });
  });
});

/**
 * The GitHub Actions workflows (.github/workflows/): valid for GitHub, as the real validator from npm
 * sees them; credentials only where needed; actions pinned by commit; and their steps, as written in
 * the YAML, run with bash against what the real synth writes (`npx cdktf synth`, the workflow's own
 * synth step) for configurations with local, S3 and HCP Terraform state, both client-secret modes,
 * accounts and an organization.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROTATED_CLIENT_SECRET_OUTPUT } from '../lib/client-secret-mode';
import { OUTPUT_NAMES } from '../lib/outputs';
import { accountIdOfStack } from '../lib/stack-names';
import { AUDIENCE, AUTHORIZATION_SERVERS, CLIENT_SECRET, GRANTED_SCOPES, environmentOutputs, MANAGEMENT_API_TOKEN, startAuthorizationServer, type AuthorizationServerFixture } from './cli/helpers/authorization-server';
import { configWith, minimalStack, ROOT } from './helpers/config';
import { threeEnvironments } from './helpers/environments';
import { organizationStack } from './helpers/organization';
import { jobOf, projectWith, readWorkflow, removeProjects, runStep, stepOf, WORKFLOWS_DIR, type Step } from './helpers/workflow';

const VALIDATOR = join(ROOT, 'node_modules', '.bin', 'action-validator');
const OUTPUTS_FILE = 'key-insight.outputs.json';
/** hashicorp/setup-terraform must install at least this version: S3 native state locking needs 1.10. */
const MIN_TERRAFORM = [1, 10] as const;
/**
 * The first major of each action that runs on the node24 runtime (its action.yml `runs.using`, read in
 * the actions' repositories: checkout v5, setup-node v5, upload-artifact v6, setup-terraform v4,
 * configure-aws-credentials v6; the majors before run on node20).
 */
const FIRST_NODE24_MAJOR: Record<string, number> = {
  'actions/checkout': 5,
  'actions/setup-node': 5,
  'actions/upload-artifact': 6,
  'hashicorp/setup-terraform': 4,
  'aws-actions/configure-aws-credentials': 6,
};

const main = readWorkflow('key-insight.yml');
const drift = readWorkflow('key-insight-drift.yml');
const workflows = { 'key-insight.yml': main, 'key-insight-drift.yml': drift };
const allJobs = Object.entries(workflows).flatMap(([file, { workflow }]) => Object.entries(workflow.jobs).map(([jobId, job]) => ({ file, jobId, job })));
const allSteps = allJobs.flatMap(({ file, jobId, job }) => job.steps.map((step) => ({ file, jobId, ...step })));
const mainJob = (id: string) => jobOf(main.workflow, id);

const tempDirs: string[] = [];
afterAll(() => {
  tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  removeProjects();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

function validate(file: string) {
  return spawnSync(VALIDATOR, [file], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
}

function brokenCopy(mutate: (text: string) => string): string {
  const broken = mutate(main.text);
  expect(broken).not.toBe(main.text);
  const file = join(tempDir('workflow-'), 'key-insight.yml');
  writeFileSync(file, broken);
  return file;
}

describe('validation with action-validator', () => {
  it.each(Object.keys(workflows))('accepts %s', (file) => {
    const result = validate(join(WORKFLOWS_DIR, file));

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
    const file = brokenCopy((text) => text.replace('\n    environment: key-insight-plan\n', '\n    environment: key-insight-plan\n    retries: 3\n'));

    const result = validate(file);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Additional property 'retries' is not allowed");
  });
});

describe('triggers', () => {
  it('run for pull requests, pushes to main, and by hand with a stacks pattern that defaults to every stack', () => {
    expect(Object.keys(main.workflow.on).sort()).toEqual(['pull_request', 'push', 'workflow_dispatch']);
    expect(main.workflow.on.push).toEqual({ branches: ['main'] });
    expect(main.workflow.on.workflow_dispatch).toMatchObject({ inputs: { stacks: { type: 'string', required: false, default: '*' } } });
  });

  it('check for drift every night and on demand', () => {
    expect(Object.keys(drift.workflow.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(drift.workflow.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }]);
  });
});

describe('tests and tools on GitHub', () => {
  it('type-check and run every test but the Terraform plans instead of npm test, whose Terraform tests need the local provider mirror', () => {
    const runs = mainJob('test').steps.flatMap((s) => (s.run === undefined ? [] : [s.run]));

    expect(runs).toEqual(['npm ci --no-audit --no-fund', 'npm run test:no-terraform', 'npx cdktf synth']);
    expect(allSteps.filter((s) => /\bnpm (run )?test\b(?!:)/.test(s.run ?? ''))).toEqual([]);
    expect(main.text).toMatch(/# Not `npm test`/);
  });

  it('install one Terraform version in every job but the environment lists, which read only the configuration, without the wrapper that rewrites its output', () => {
    const setups = allJobs.map(({ jobId, job }) => ({ jobId, with: job.steps.find((s) => s.uses?.startsWith('hashicorp/setup-terraform@'))?.with }));
    const terraform = { terraform_version: '${{ env.TERRAFORM_VERSION }}', terraform_wrapper: false };

    expect(setups).toEqual(allJobs.map(({ jobId }) => ({ jobId, with: jobId === 'environments' ? undefined : terraform })));
  });

  it.each(Object.keys(workflows))(`%s installs Terraform ${MIN_TERRAFORM.join('.')} or newer, Node 24, and turns off telemetry`, (file) => {
    const { env } = workflows[file as keyof typeof workflows].workflow;
    const [major, minor] = String(env.TERRAFORM_VERSION).split('.').map(Number);

    expect(major).toBe(MIN_TERRAFORM[0]);
    expect(minor).toBeGreaterThanOrEqual(MIN_TERRAFORM[1]);
    expect(env.NODE_VERSION).toBe('24');
    expect(env.CHECKPOINT_DISABLE).toBe('1');
  });

  it('keeps the project working on Node 20.19 and newer', () => {
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).engines).toEqual({ node: '>=20.19' });
  });

  it('pins every action to a full commit SHA, with its version in a comment, on a major that runs on node24', () => {
    const lines = Object.values(workflows).flatMap(({ text }) => text.split('\n').filter((line) => /^\s+(- )?uses: /.test(line)));
    const pins = lines.map((line) => /uses: ([\w-]+\/[\w-]+)@([0-9a-f]{40}) # v(\d+)\.\d+\.\d+$/.exec(line));

    expect(lines.filter((_, index) => pins[index] === null)).toEqual([]);
    for (const pin of pins) {
      const [, action, , major] = pin!;
      expect({ action, major: Number(major) >= (FIRST_NODE24_MAJOR[action!] ?? Infinity) }).toEqual({ action, major: true });
    }
    expect(new Set(pins.map((pin) => pin![1])).size).toBe(Object.keys(FIRST_NODE24_MAJOR).length);
  });

  it('pins each action to one commit everywhere', () => {
    const commits = new Map<string, Set<string>>();
    for (const { uses } of allSteps) {
      if (uses === undefined) continue;
      const [action, commit] = uses.split('@') as [string, string];
      commits.set(action, (commits.get(action) ?? new Set()).add(commit));
    }
    expect([...commits.values()].map((set) => set.size)).toEqual([...commits.keys()].map(() => 1));
  });

  it('has Dependabot keep the npm packages and the pinned actions current', () => {
    const dependabot = parse(readFileSync(join(ROOT, '.github', 'dependabot.yml'), 'utf8'));

    expect(dependabot.version).toBe(2);
    expect(dependabot.updates.map((update: { 'package-ecosystem': string; directory: string }) => [update['package-ecosystem'], update.directory]).sort()).toEqual([
      ['github-actions', '/'],
      ['npm', '/'],
    ]);
  });

  it('keeps every script a short call of a project command, not an inline program', () => {
    const long = allSteps.filter((s) => s.run !== undefined && s.run.trim().split('\n').length > 2);

    expect(long.map((s) => `${s.jobId}: ${s.name}`)).toEqual([]);
    expect(allSteps.filter((s) => /\bnode -e\b|<<|\bfor\b|\bif \[/.test(s.run ?? '')).map((s) => s.name)).toEqual([]);
  });
});

describe('permissions and credentials', () => {
  it.each(Object.keys(workflows))('%s defaults to reading the repository', (file) => {
    expect(workflows[file as keyof typeof workflows].workflow.permissions).toEqual({ contents: 'read' });
  });

  it('give an OIDC token exactly to the jobs that assume an AWS role, and nothing else writable', () => {
    const byJob = allJobs.map(({ jobId, job }) => ({
      jobId,
      assumesRole: job.steps.some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@')),
      permissions: job.permissions ?? null,
    }));

    expect(byJob).toEqual([
      { jobId: 'test', assumesRole: false, permissions: null },
      { jobId: 'plan', assumesRole: true, permissions: { contents: 'read', 'id-token': 'write' } },
      { jobId: 'environments', assumesRole: false, permissions: null },
      { jobId: 'deploy', assumesRole: true, permissions: { contents: 'read', 'id-token': 'write' } },
      { jobId: 'environments', assumesRole: false, permissions: null },
      { jobId: 'drift', assumesRole: true, permissions: { contents: 'read', 'id-token': 'write' } },
    ]);
  });

  it('set no secret and no Okta or HCP Terraform variable on a workflow or a job: only on the steps that use them', () => {
    const levels = [...Object.values(workflows).map(({ workflow }) => workflow.env), ...allJobs.map(({ job }) => job.env ?? {})];

    expect(levels.filter((env) => /secrets\.|OKTA_|TF_TOKEN|TF_API_TOKEN|TF_PLAN_API_TOKEN|ARMOR/.test(JSON.stringify(env)))).toEqual([]);
  });

  it.each(allJobs.map(({ jobId }) => jobId))('%s runs npm ci before any credential exists in the job', (jobId) => {
    const { job } = allJobs.find((entry) => entry.jobId === jobId)!;
    const install = job.steps.findIndex((s) => s.run === 'npm ci --no-audit --no-fund');
    const firstCredential = job.steps.findIndex((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@') || /secrets\./.test(JSON.stringify(s)));

    expect(install).toBeGreaterThanOrEqual(0);
    if (firstCredential >= 0) expect(install).toBeLessThan(firstCredential);
    expect(job.steps.filter((s) => s.uses?.startsWith('actions/checkout@')).map((s) => s.with)).toEqual([{ 'persist-credentials': false }]);
  });

  it('give the pull-request plan neither the deploy token, the deploy role nor the deploy Okta credentials', () => {
    const plan = JSON.stringify(mainJob('plan'));

    expect(plan).not.toContain('TF_API_TOKEN');
    expect(plan).not.toContain('AWS_DEPLOY_ROLE_ARN');
    expect(plan).not.toMatch(/secrets\.OKTA_API_TOKEN|secrets\.OKTA_API_PRIVATE_KEY\b|vars\.OKTA_API_CLIENT_ID/);
  });

  it('give HCP Terraform plans only TF_PLAN_API_TOKEN, and the pull-request plan and drift check only read scopes of their own Okta app', () => {
    for (const step of [stepOf(mainJob('plan'), 'Plan each stack'), stepOf(jobOf(drift.workflow, 'drift'), 'Plan every deployed stack and report drift')]) {
      expect(step.env).toMatchObject({
        TF_PLAN_API_TOKEN: '${{ secrets.TF_PLAN_API_TOKEN }}',
        OKTA_API_CLIENT_ID: '${{ vars.OKTA_PLAN_API_CLIENT_ID }}',
        OKTA_API_PRIVATE_KEY: '${{ secrets.OKTA_PLAN_API_PRIVATE_KEY }}',
        OKTA_API_SCOPES: 'okta.apps.read,okta.authorizationServers.read',
      });
      expect(Object.keys(step.env ?? {}).filter((name) => name.startsWith('TF_TOKEN_'))).toEqual([]);
    }
  });

  it('assume the plan role in the plan and drift jobs and the deploy role only in the deploy job', () => {
    const roles = allJobs.flatMap(({ jobId, job }) => job.steps.filter((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@')).map((s) => [jobId, s.with?.['role-to-assume']]));

    expect(roles).toEqual([
      ['plan', '${{ vars.AWS_PLAN_ROLE_ARN }}'],
      ['deploy', '${{ vars.AWS_DEPLOY_ROLE_ARN }}'],
      ['drift', '${{ vars.AWS_PLAN_ROLE_ARN }}'],
    ]);
  });

  it('use no dependency cache in the jobs that hold credentials or decide where they go', () => {
    const caches = allJobs
      .filter(({ jobId }) => jobId !== 'test')
      .map(({ jobId, job }) => [jobId, job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.['package-manager-cache']]);

    expect(caches).toEqual([
      ['plan', false],
      ['environments', false],
      ['deploy', false],
      ['environments', false],
      ['drift', false],
    ]);
  });

  it('never paste an expression into a script, so no input or pull request text can become a command', () => {
    expect(allSteps.filter((s) => (s.run ?? '').includes('${{'))).toEqual([]);
  });

  it('never print the outputs file', () => {
    const printing = /\b(cat|head|tail|less|more|jq|echo|printf)\b[^\n]*outputs/;

    expect(allSteps.filter((s) => printing.test(s.run ?? ''))).toEqual([]);
  });
});

describe('the plan and deploy jobs', () => {
  it('plan only pull requests from this repository, whose runs get the secrets, after the tests, in an environment whose approval gates them', () => {
    expect(mainJob('plan').needs).toBe('test');
    expect(mainJob('plan').environment).toBe('key-insight-plan');
    expect(mainJob('plan').if).toBe("github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository");
  });

  it('synthesize the pull-request plan in plan-only mode, and the deploy without it', () => {
    expect(stepOf(mainJob('plan'), 'Synthesize for planning').env?.KEY_INSIGHT_PLAN_ONLY).toBe('1');
    expect(JSON.stringify(mainJob('deploy'))).not.toContain('KEY_INSIGHT_PLAN_ONLY');
    expect(JSON.stringify(jobOf(drift.workflow, 'drift'))).not.toContain('KEY_INSIGHT_PLAN_ONLY');
  });

  it('assume the plan role only when it is set, and upload the plan texts whatever happened, and nothing else', () => {
    const upload = stepOf(mainJob('plan'), 'Keep the plans');
    const path = String(upload.with?.path);

    expect(mainJob('plan').steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))?.if).toBe("vars.AWS_PLAN_ROLE_ARN != ''");
    expect(upload.if).toBe('always()');
    expect(path).toBe('${{ runner.temp }}/key-insight-plans/*.txt');
    expect(stepOf(mainJob('plan'), 'Plan each stack').env?.PLAN_DIR).toBe('${{ runner.temp }}/key-insight-plans');
  });

  it('list the environments from main only, after the tests, without a GitHub environment, for the stacks pattern given', () => {
    const list = mainJob('environments');

    expect(list.needs).toBe('test');
    expect(list.if).toBe("github.ref == 'refs/heads/main' && (github.event_name == 'push' || github.event_name == 'workflow_dispatch')");
    expect(list.environment).toBeUndefined();
    expect(list.env?.STACKS).toBe("${{ inputs.stacks || '*' }}");
    expect(stepOf(list, 'List the environments STACKS selects')).toMatchObject({ id: 'list', run: 'npx key-insight-ci environments' });
    expect(list.outputs).toEqual({ matrix: '${{ steps.list.outputs.matrix }}' });
  });

  it('deploy each listed environment in its own GitHub environment, which can require approval, one at a time per environment, none cancelling another', () => {
    const deploy = mainJob('deploy');

    expect(deploy.needs).toBe('environments');
    expect(deploy.if).toBe(mainJob('environments').if);
    expect(deploy.environment).toBe('key-insight-deploy-${{ matrix.environment }}');
    expect(deploy.strategy).toEqual({ matrix: '${{ fromJSON(needs.environments.outputs.matrix) }}', 'fail-fast': false });
    expect(deploy.concurrency).toEqual({ group: 'key-insight-deploy-${{ matrix.environment }}', 'cancel-in-progress': false });
    expect(deploy.env?.STACKS).toBe('${{ matrix.stacks }}');
  });

  it('check the deployed stacks before taking the deploy role, pass the HCP token after it, deploy, mask, verify, and delete the outputs file last whatever happened', () => {
    const steps = mainJob('deploy').steps;
    const order = ['Refuse stacks whose state would stay on the runner', "Pass the HCP Terraform token to the backend's host", 'Deploy', 'Mask the client secrets', 'Verify the client-credentials flow of each environment', 'Delete the outputs file'];
    const indexes = order.map((name) => steps.findIndex((s) => s.name === name));
    const role = steps.findIndex((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));

    expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
    expect(indexes[0]).toBeLessThan(role);
    expect(role).toBeLessThan(indexes[1]!);
    expect(steps[steps.length - 1]).toEqual({ name: 'Delete the outputs file', if: 'always()', run: `rm -f ${OUTPUTS_FILE}` });
  });

  it('deploy with auto-approve and the sensitive outputs in key-insight.outputs.json created readable by its owner only, patterns unexpanded by the shell, and the deploy token', () => {
    const deploy = stepOf(mainJob('deploy'), 'Deploy');

    expect(deploy.run).toBe(
      `set -f; umask 077\nnpx cdktf deploy $STACKS --skip-synth --no-color --parallelism 4 --auto-approve --outputs-file ${OUTPUTS_FILE} --outputs-file-include-sensitive-outputs\n`,
    );
    expect(Object.keys(deploy.env ?? {}).filter((name) => name.startsWith('TF_'))).toEqual([]);
    expect(stepOf(mainJob('deploy'), "Pass the HCP Terraform token to the backend's host")).toMatchObject({
      env: { HCP_TOKEN: '${{ secrets.TF_API_TOKEN }}' },
      run: 'npx key-insight-ci hcp-token',
    });
  });
});

describe('the drift job', () => {
  const job = jobOf(drift.workflow, 'drift');

  it('lists the environments whose state CI can read, without a GitHub environment, only where the plan role is set', () => {
    const list = jobOf(drift.workflow, 'environments');

    expect(list.if).toBe("vars.AWS_PLAN_ROLE_ARN != ''");
    expect(list.environment).toBeUndefined();
    expect(stepOf(list, 'List the environments whose state CI can read')).toMatchObject({ id: 'list', run: 'npx key-insight-ci environments --remote-state' });
  });

  it('checks each listed environment in its own GitHub environment, none cancelling another', () => {
    
    expect(job.needs).toBe('environments');
    expect(job.environment).toBe('key-insight-drift-${{ matrix.environment }}');
    expect(job.strategy).toEqual({ matrix: '${{ fromJSON(needs.environments.outputs.matrix) }}', 'fail-fast': false });
    expect(job.env?.STACKS).toBe('${{ matrix.stacks }}');
  });

  it('plans the deployed stacks, then checks Key Insight when its credentials are set, with the plan token for the backend host', () => {
    const status = stepOf(job, "Check Key Insight's connections and scans");
    const token = stepOf(job, "Pass the HCP Terraform plan token to the backend's host");

    expect(stepOf(job, 'Plan every deployed stack and report drift').run).toBe('npx key-insight-ci drift');
    expect(status.if).toBe("${{ !cancelled() && vars.FORTANIX_ARMOR_APP_ID != '' }}");
    expect(status.env).toMatchObject({
      FORTANIX_ARMOR_APP_ID: '${{ vars.FORTANIX_ARMOR_APP_ID }}',
      FORTANIX_ARMOR_API_KEY: '${{ secrets.FORTANIX_ARMOR_API_KEY }}',
      FORTANIX_ARMOR_URL: '${{ vars.FORTANIX_ARMOR_URL }}',
    });
    expect(Object.keys(status.env ?? {}).filter((name) => name.startsWith('TF_'))).toEqual([]);
    expect(token).toMatchObject({ if: status.if, env: { HCP_TOKEN: '${{ secrets.TF_PLAN_API_TOKEN }}' }, run: 'npx key-insight-ci hcp-token' });
    expect(job.steps.indexOf(token)).toBe(job.steps.indexOf(status) - 1);
    expect(status.run).toBe(
      'npx cdktf output $(npx key-insight-ci deployed-stacks) --skip-synth --outputs-file "$OUTPUTS_FILE"\nnpx key-insight status --outputs-file "$OUTPUTS_FILE"\n',
    );
  });
});

// ---- The steps, run on what the real synth writes ----

/** Local state, S3 state over three accounts, HCP Terraform state with one account; client secrets kept by Terraform. */
const EVERY_BACKEND = threeEnvironments();
/**
 * A rotated environment with S3 state and an account, whose audience and scope are those of the test's
 * authorization server; an organization with HCP Terraform state; and a local sandbox.
 */
const ROTATED_AND_ORGANIZATION = configWith(
  minimalStack({
    name: 'ki-rot',
    okta: { authorizationServer: { audience: AUDIENCE }, scopes: GRANTED_SCOPES.map((name) => ({ name })), app: { clientSecret: 'rotated' } },
    aws: { region: 'eu-west-1', accounts: [{ accountId: '555555555555' }] },
    backend: { type: 's3', bucket: 'acme-tf-state', keyPrefix: 'key-insight', region: 'eu-west-1' },
  }),
  organizationStack({}, { name: 'ki-org', backend: { type: 'cloud', organization: 'acme' } }),
  minimalStack({ name: 'ki-sandbox' }),
);

const synthStep = stepOf(mainJob('deploy'), 'Synthesize');
const deployCheck = stepOf(mainJob('deploy'), 'Refuse stacks whose state would stay on the runner');
const maskStep = stepOf(mainJob('deploy'), 'Mask the client secrets');
const verifyStep = stepOf(mainJob('deploy'), 'Verify the client-credentials flow of each environment');
const planStep = stepOf(mainJob('plan'), 'Plan each stack');
const listStep = stepOf(mainJob('environments'), 'List the environments STACKS selects');
const driftListStep = stepOf(jobOf(drift.workflow, 'environments'), 'List the environments whose state CI can read');
const hcpTokenStep = stepOf(mainJob('deploy'), "Pass the HCP Terraform token to the backend's host");
const planSynthStep = stepOf(mainJob('plan'), 'Synthesize for planning');

/** Runs a step with the workflow's own variables (no expressions among them), as GitHub does. */
function runWorkflowStep(step: Step, cwd: string, env: Record<string, string> = {}) {
  return runStep(step, cwd, { ...main.workflow.env, ...env });
}

/** A project holding `config`, synthesized by the workflow's own synth step. */
async function synthesized(config: unknown): Promise<string> {
  const dir = projectWith(config);
  const synth = await runWorkflowStep(synthStep, dir);
  if (synth.status !== 0) throw new Error(`the synth step failed (${synth.status}):\n${synth.stderr}\n${synth.stdout}`);
  return dir;
}

type Outputs = Record<string, Record<string, unknown>>;

/**
 * The outputs file `cdktf deploy --outputs-file F --outputs-file-include-sensitive-outputs` would
 * write for these stacks of the real synth: every output each stack's cdk.tf.json declares, its
 * literal value where the synth wrote one (audience, scopes, the rotated client_secret sentence), otherwise the value a
 * deploy would give it, from `known` (the Okta values of the test's authorization server) or, for the
 * role and OIDC provider ARNs, from the synthesized role's name, the issuer and the stack's account. The cross-stack outputs cdktf
 * adds are left out: nothing reads them from this file.
 */
function deployedOutputs(project: string, environment: string, stacks: readonly string[], known: Record<string, unknown>): Outputs {
  return Object.fromEntries(
    stacks.map((stack) => {
      const tf = JSON.parse(readFileSync(join(project, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      const outputs = Object.entries<{ value: unknown }>(tf.output ?? {})
        .filter(([name]) => !name.startsWith('cross-stack-output-'))
        .map(([name, { value }]) => {
          if (!JSON.stringify(value).includes('${')) return [name, value];
          if (name === OUTPUT_NAMES.awsRoleArn) {
            const [role] = Object.values<{ name: string }>(tf.resource.aws_iam_role);
            return [name, `arn:aws:iam::${accountIdOfStack(environment, stack)}:role/${role!.name}`];
          }
          if (name === OUTPUT_NAMES.awsOidcProviderArn) {
            return [name, `arn:aws:iam::${accountIdOfStack(environment, stack)}:oidc-provider/${String(known[OUTPUT_NAMES.issuer]).replace(/^https?:\/\//, '')}`];
          }
          if (!(name in known)) throw new Error(`no value for output ${name} of stack ${stack}`);
          return [name, known[name]];
        });
      return [stack, Object.fromEntries(outputs)];
    }),
  );
}

function withOutputsFile(project: string, outputs: Outputs): string {
  // The deploy step writes it under umask 077.
  writeFileSync(join(project, OUTPUTS_FILE), JSON.stringify(outputs, null, 2), { mode: 0o600 });
  return project;
}

jest.setTimeout(240_000);

let everyBackend: string;
let rotatedAndOrganization: string;
let server: AuthorizationServerFixture;

beforeAll(async () => {
  [everyBackend, rotatedAndOrganization, server] = await Promise.all([synthesized(EVERY_BACKEND), synthesized(ROTATED_AND_ORGANIZATION), startAuthorizationServer()]);
}, 240_000);

afterAll(async () => {
  await server?.stop();
});

describe('the deploy check, on the real synth', () => {
  it('refuses a deploy of every stack when one environment keeps local state, naming only its stacks', async () => {
    const run = await runWorkflowStep(deployCheck, everyBackend, { STACKS: '*' });

    expect(run.status).toBe(1);
    expect(run.stdout).toBe(
      '::error::these stacks keep their state in a local file: ki-preview, ki-preview-secret; give their environments an s3 or cloud backend in the configuration, or leave them out of STACKS, before deploying from GitHub Actions\n',
    );
  });

  it('lets the S3 and HCP Terraform stacks through when STACKS selects only them, as cdktf matches patterns', async () => {
    const run = await runWorkflowStep(deployCheck, everyBackend, { STACKS: 'ki-prod* ki-hcp*' });

    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout.split('\n').filter((line) => line !== '')).toEqual([
      'ki-hcp: state in HCP Terraform workspace ki-ki-hcp (app.terraform.io)',
      'ki-hcp-444444444444: state in HCP Terraform workspace ki-ki-hcp-444444444444 (app.terraform.io)',
      'ki-hcp-secret: state in HCP Terraform workspace ki-ki-hcp-secret (app.terraform.io)',
      'ki-prod: state in s3://acme-tf-state/key-insight/ki-prod.tfstate',
      'ki-prod-111111111111: state in s3://acme-tf-state/key-insight/ki-prod-111111111111.tfstate',
      'ki-prod-222222222222: state in s3://acme-tf-state/key-insight/ki-prod-222222222222.tfstate',
      'ki-prod-333333333333: state in s3://acme-tf-state/key-insight/ki-prod-333333333333.tfstate',
      'ki-prod-secret: state in s3://acme-tf-state/key-insight/ki-prod-secret.tfstate',
    ]);
  });

  it('passes a rotated S3 environment and an HCP Terraform organization, and refuses the local sandbox', async () => {
    const [passed, refused] = await Promise.all([
      runWorkflowStep(deployCheck, rotatedAndOrganization, { STACKS: 'ki-rot* ki-org*' }),
      runWorkflowStep(deployCheck, rotatedAndOrganization, { STACKS: 'ki-sandbox' }),
    ]);

    expect(passed.status).toBe(0);
    expect(passed.stdout).toContain('ki-org: state in HCP Terraform workspace ki-org (app.terraform.io)\n');
    expect(passed.stdout).toContain('ki-rot-secret: state in s3://acme-tf-state/key-insight/ki-rot-secret.tfstate\n');
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain('::error::these stacks keep their state in a local file: ki-sandbox;');
  });

  it('refuses a STACKS value that is not stack patterns, and a pattern no stack matches, with exit code 2', async () => {
    const [injected, unknown] = await Promise.all([
      runWorkflowStep(deployCheck, everyBackend, { STACKS: 'ki-prod; curl evil.example' }),
      runWorkflowStep(deployCheck, everyBackend, { STACKS: 'ki-staging*' }),
    ]);

    expect([injected.status, unknown.status]).toEqual([2, 2]);
    expect(injected.stderr).toBe(
      'key-insight-ci deploy-check: STACKS is "ki-prod; curl evil.example", but must be stack names or patterns (letters, digits, _ - * ?) separated by single spaces\n',
    );
    expect(unknown.stderr).toContain('key-insight-ci deploy-check: no stack matches "ki-staging*" (stacks: ki-hcp, ');
  });

  it('makes the later steps run terraform init -lockfile=readonly once the provider lock file is committed', async () => {
    const project = await synthesized(configWith(minimalStack({ name: 'ki-locked', backend: { type: 's3', bucket: 'acme-tf-state', keyPrefix: 'ki', region: 'eu-west-1' } })));
    writeFileSync(join(project, 'github-env'), '');
    const before = await runWorkflowStep(deployCheck, project, { GITHUB_ENV: join(project, 'github-env') });
    const unlocked = readFileSync(join(project, 'github-env'), 'utf8');
    writeFileSync(join(project, '.terraform.lock.hcl'), '# lock file\n');

    const after = await runWorkflowStep(deployCheck, project, { GITHUB_ENV: join(project, 'github-env') });

    expect([before.status, after.status]).toEqual([0, 0]);
    expect(unlocked).toBe('');
    expect(readFileSync(join(project, 'github-env'), 'utf8')).toBe('TF_CLI_ARGS_init=-lockfile=readonly\n');
  });
});

describe('one deploy job per environment, on the real synth', () => {
  /** Runs a listing step as GitHub does, and returns the matrix it wrote as its step output. */
  async function matrixOf(step: Step, project: string, env: Record<string, string> = {}, expectedStderr = '') {
    const githubOutput = join(tempDir('github-output-'), 'output');
    writeFileSync(githubOutput, '');
    const run = await runWorkflowStep(step, project, { GITHUB_OUTPUT: githubOutput, ...env });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: expectedStderr });
    const output = readFileSync(githubOutput, 'utf8');
    expect(output).toMatch(/^matrix=\{.*\}\n$/);
    return JSON.parse(output.slice('matrix='.length)) as { include: Array<{ environment: string; stacks: string }> };
  }

  it('lists every stack of the synth once, under the environment the GitHub environment is named after', async () => {
    const manifest = JSON.parse(readFileSync(join(everyBackend, 'cdktf.out', 'manifest.json'), 'utf8'));

    const { include } = await matrixOf(listStep, everyBackend, { STACKS: '*' });

    expect(include.map((entry) => `key-insight-deploy-${entry.environment}`)).toEqual(['key-insight-deploy-ki-preview', 'key-insight-deploy-ki-prod', 'key-insight-deploy-ki-hcp']);
    expect(include.flatMap((entry) => entry.stacks.split(' ')).sort()).toEqual(Object.keys(manifest.stacks).sort());
  });

  it("gives each environment's deploy check only its own stacks: the local one refused, the others let through", async () => {
    const { include } = await matrixOf(listStep, everyBackend, { STACKS: '*' });

    const checks = await Promise.all(include.map((entry) => runWorkflowStep(deployCheck, everyBackend, { STACKS: entry.stacks })));

    expect(checks.map((run) => run.status)).toEqual([1, 0, 0]);
    expect(checks[0]!.stdout).toContain('these stacks keep their state in a local file: ki-preview, ki-preview-secret;');
    expect(checks[2]!.stdout.split('\n').filter((line) => line !== '')).toEqual([
      'ki-hcp: state in HCP Terraform workspace ki-ki-hcp (app.terraform.io)',
      'ki-hcp-444444444444: state in HCP Terraform workspace ki-ki-hcp-444444444444 (app.terraform.io)',
      'ki-hcp-secret: state in HCP Terraform workspace ki-ki-hcp-secret (app.terraform.io)',
    ]);
  });

  it('runs only the environments a Run workflow pattern selects, with only the stacks it selects', async () => {
    const { include } = await matrixOf(listStep, everyBackend, { STACKS: 'ki-prod-1*' });

    expect(include).toEqual([{ environment: 'ki-prod', stacks: 'ki-prod-111111111111' }]);
  });

  it('leaves the local environment out of the drift jobs, with a notice', async () => {
    const { include } = await matrixOf(driftListStep, everyBackend, {}, '::notice::not listed: ki-preview: its state is a local file, which no CI job holds\n');

    expect(include.map((entry) => entry.environment)).toEqual(['ki-prod', 'ki-hcp']);
  });

  it("passes the deploy token to the HCP Terraform host of the environment's backend only, without printing it", async () => {
    const token = 'SENTINEL-deploy-token';
    const { include } = await matrixOf(listStep, rotatedAndOrganization, { STACKS: '*' });
    const runs = await Promise.all(
      include.map(async (entry) => {
        const githubEnv = join(tempDir('github-env-'), 'env');
        writeFileSync(githubEnv, '');
        const run = await runWorkflowStep(hcpTokenStep, rotatedAndOrganization, { STACKS: entry.stacks, HCP_TOKEN: token, GITHUB_ENV: githubEnv });
        return { environment: entry.environment, status: run.status, printed: `${run.stdout}${run.stderr}`.includes(token), githubEnv: readFileSync(githubEnv, 'utf8') };
      }),
    );

    expect(runs).toEqual([
      { environment: 'ki-rot', status: 0, printed: false, githubEnv: '' },
      { environment: 'ki-org', status: 0, printed: false, githubEnv: `TF_TOKEN_app_terraform_io=${token}\n` },
      { environment: 'ki-sandbox', status: 0, printed: false, githubEnv: '' },
    ]);
  });
});

describe('the steps after the deploy, on outputs derived from the real synth', () => {
  const oktaOutputs = () => environmentOutputs(server.issuer(AUTHORIZATION_SERVERS.main));

  it('masks every client secret Terraform keeps, and prints nothing else', async () => {
    const project = withOutputsFile(everyBackend, {
      ...deployedOutputs(everyBackend, 'ki-prod', ['ki-prod', 'ki-prod-secret', 'ki-prod-111111111111'], oktaOutputs()),
      ...deployedOutputs(everyBackend, 'ki-hcp', ['ki-hcp', 'ki-hcp-secret'], { ...oktaOutputs(), [OUTPUT_NAMES.clientSecret]: 'SENTINEL-hcp-secret' }),
    });

    const run = await runWorkflowStep(maskStep, project);

    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`::add-mask::${CLIENT_SECRET}\n::add-mask::SENTINEL-hcp-secret\n`);
  });

  it('masks nothing for a rotated environment, whose outputs hold no secret', async () => {
    const outputs = deployedOutputs(rotatedAndOrganization, 'ki-rot', ['ki-rot', 'ki-rot-secret', 'ki-rot-555555555555'], oktaOutputs());
    expect(outputs['ki-rot-secret']).toEqual({ [OUTPUT_NAMES.clientSecret]: ROTATED_CLIENT_SECRET_OUTPUT });

    const run = await runWorkflowStep(maskStep, withOutputsFile(rotatedAndOrganization, outputs));

    expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 0, stdout: '' });
  });

  it("verifies a rotated environment's whole token flow with the secret read through Okta's management API", async () => {
    const outputs = deployedOutputs(rotatedAndOrganization, 'ki-rot', ['ki-rot', 'ki-rot-secret', 'ki-rot-555555555555'], oktaOutputs());
    const project = withOutputsFile(rotatedAndOrganization, outputs);

    const run = await runWorkflowStep(verifyStep, project, { OKTA_ORG_URL: server.orgUrl, OKTA_API_TOKEN: MANAGEMENT_API_TOKEN });

    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toContain('Verifying stack "ki-rot" from key-insight.outputs.json');
    expect(run.stdout).toContain("  PASS  Client secret read through Okta's management API (the app's newest ACTIVE secret)\n");
    expect(run.stdout).toContain('All 14 checks passed.');
    expect(run.stdout + run.stderr).not.toContain(CLIENT_SECRET);
    expect(run.stdout + run.stderr).not.toContain(MANAGEMENT_API_TOKEN);
  });

  it('verifies the rest of a rotated environment without Okta credentials, naming the check it skipped', async () => {
    const outputs = deployedOutputs(rotatedAndOrganization, 'ki-rot', ['ki-rot', 'ki-rot-secret', 'ki-rot-555555555555'], oktaOutputs());

    const run = await runWorkflowStep(verifyStep, withOutputsFile(rotatedAndOrganization, outputs));

    expect(run.status).toBe(0);
    expect(run.stdout).toContain("  SKIP  Client secret read through Okta's management API (the app's newest ACTIVE secret)\n        skipped: ");
    expect(run.stdout).toContain('5 of 14 checks passed and none failed');
  });

  it('verifies each environment even when one fails, then fails', async () => {
    const outputs = {
      ...deployedOutputs(everyBackend, 'ki-prod', ['ki-prod', 'ki-prod-secret'], oktaOutputs()),
      ...deployedOutputs(everyBackend, 'ki-hcp', ['ki-hcp', 'ki-hcp-secret'], { ...oktaOutputs(), [OUTPUT_NAMES.clientSecret]: 'SENTINEL-wrong-secret' }),
    };

    const run = await runWorkflowStep(verifyStep, withOutputsFile(everyBackend, outputs));

    expect(run.status).toBe(1);
    expect(run.stdout).toContain('Verifying stack "ki-hcp"');
    expect(run.stdout).toContain('Verifying stack "ki-prod"');
    expect(run.stdout).toContain('::error::the client-credentials flow of ki-hcp failed verification (exit code 1)');
    expect(run.stdout + run.stderr).not.toMatch(/SENTINEL-wrong-secret|SENTINEL-client-secret/);
  });
});

describe('the pull-request plan, on the real synth', () => {
  /**
   * A RECORDING STAND-IN for terraform, first on PATH: S3 and HCP Terraform cannot be reached here, so
   * the test sees which stacks the step plans, with which arguments and which tokens, not the plans.
   * `onPlan` is bash run after each call is recorded, to make the stand-in fail as Terraform would.
   */
  function recordingTerraform(onPlan = ''): { bin: string; log: string } {
    const bin = tempDir('fake-terraform-');
    const log = join(bin, 'calls.log');
    writeFileSync(log, '');
    writeFileSync(
      join(bin, 'terraform'),
      `#!/usr/bin/env bash\necho "$(basename "$PWD") $* tokens=$(env | grep -E '^(TF_TOKEN_[^=]*|TF_API_TOKEN|TF_PLAN_API_TOKEN)=' | sort | tr '\\n' ' ')" >> "${log}"\n${onPlan}echo "planned $(basename "$PWD")"\n`,
      { mode: 0o755 },
    );
    return { bin, log };
  }

  /** The configuration with every backend, synthesized by the plan job's own synth step (plan-only). */
  let planOnly: string;

  beforeAll(async () => {
    planOnly = projectWith(EVERY_BACKEND);
    const synth = await runWorkflowStep(planSynthStep, planOnly, { KEY_INSIGHT_PLAN_ONLY: String(planSynthStep.env?.KEY_INSIGHT_PLAN_ONLY) });
    if (synth.status !== 0) throw new Error(`the plan job's synth step failed (${synth.status}):\n${synth.stderr}\n${synth.stdout}`);
  }, 240_000);

  async function plan(env: Record<string, string>, project = planOnly, onPlan = '') {
    const { bin, log } = recordingTerraform(onPlan);
    const planDir = tempDir('plans-');
    const run = await runWorkflowStep(planStep, project, { PATH: `${bin}:${process.env.PATH}`, PLAN_DIR: planDir, ...env });
    return { run, calls: readFileSync(log, 'utf8').split('\n').filter((line) => line !== ''), planDir };
  }

  it('skips the secret stacks, saying so, and gives HCP Terraform stacks TF_PLAN_API_TOKEN and nothing else', async () => {
    const { run, calls, planDir } = await plan({ AWS_PLAN_ROLE_ARN: 'arn:aws:iam::111111111111:role/plan', TF_PLAN_API_TOKEN: 'SENTINEL-plan-token', TF_API_TOKEN: 'SENTINEL-deploy-token' });

    expect(run.status).toBe(0);
    expect(run.stdout).toContain('::notice::not planned: ki-prod-secret: it holds the client secret, which a pull request must not be able to read\n');
    expect(run.stdout).toContain('::notice::not planned: ki-hcp-secret: it holds the client secret');
    expect(run.stdout).toContain('::notice::not planned: ki-preview-secret: it holds the client secret');
    expect(calls).toEqual([
      'ki-hcp init -input=false -no-color tokens=TF_TOKEN_app_terraform_io=SENTINEL-plan-token ',
      'ki-hcp plan -input=false -no-color tokens=TF_TOKEN_app_terraform_io=SENTINEL-plan-token ',
      'ki-hcp-444444444444 init -input=false -no-color tokens=TF_TOKEN_app_terraform_io=SENTINEL-plan-token ',
      'ki-hcp-444444444444 plan -input=false -no-color tokens=TF_TOKEN_app_terraform_io=SENTINEL-plan-token ',
      'ki-preview init -input=false -no-color tokens=',
      'ki-preview plan -input=false -no-color -lock=false tokens=',
      ...['ki-prod', 'ki-prod-111111111111', 'ki-prod-222222222222', 'ki-prod-333333333333'].flatMap((stack) => [
        `${stack} init -input=false -no-color tokens=`,
        `${stack} plan -input=false -no-color -lock=false tokens=`,
      ]),
    ]);
    expect(run.stdout).toContain('Planned 7 of 10 stacks.');
    expect(readdirSync(planDir).sort()).toEqual(['ki-hcp-444444444444.txt', 'ki-hcp.txt', 'ki-preview.txt', 'ki-prod-111111111111.txt', 'ki-prod-222222222222.txt', 'ki-prod-333333333333.txt', 'ki-prod.txt']);
    expect(readFileSync(join(planDir, 'ki-prod.txt'), 'utf8')).toBe('planned ki-prod\nplanned ki-prod\n');
  });

  it('plans again with -var environment_deployed=false only a stack of the plan-only synth that declares it and whose environment state is missing', async () => {
    // Every plan fails as Terraform's terraform_remote_state does on a missing state (checked with real
    // Terraform in __tests__/lib/plan-only.terraform.test.ts).
    const missingState = 'if [ "$1" = plan ]; then echo "Error: Unable to find remote state" >&2; exit 1; fi\n';
    const role = { AWS_PLAN_ROLE_ARN: 'arn:aws:iam::111111111111:role/plan' };

    const planOnlySynth = await plan({ ...role, STACKS: 'ki-prod ki-prod-111111111111' }, planOnly, missingState);
    const deploySynth = await plan({ ...role, STACKS: 'ki-prod-111111111111' }, everyBackend, missingState);

    expect(planOnlySynth.calls).toEqual([
      'ki-prod init -input=false -no-color tokens=',
      'ki-prod plan -input=false -no-color -lock=false tokens=',
      'ki-prod-111111111111 init -input=false -no-color tokens=',
      'ki-prod-111111111111 plan -input=false -no-color -lock=false tokens=',
      'ki-prod-111111111111 plan -input=false -no-color -lock=false -var environment_deployed=false tokens=',
    ]);
    expect(planOnlySynth.run.stdout).toContain('::notice::ki-prod-111111111111: its environment stack ki-prod has no state yet (not deployed)');
    expect(deploySynth.calls).toEqual([
      'ki-prod-111111111111 init -input=false -no-color tokens=',
      'ki-prod-111111111111 plan -input=false -no-color -lock=false tokens=',
    ]);
    expect(deploySynth.run.stdout).not.toContain('::notice::');
    expect(deploySynth.run.stdout).toContain('::error::terraform could not plan stack ki-prod-111111111111\n');
    expect(deploySynth.run.status).toBe(1);
  });

  it('skips HCP Terraform stacks with a notice without TF_PLAN_API_TOKEN, and every other stack without the plan role', async () => {
    const { run, calls, planDir } = await plan({ AWS_PLAN_ROLE_ARN: '', TF_PLAN_API_TOKEN: '', TF_API_TOKEN: 'SENTINEL-deploy-token' });

    expect(run.status).toBe(0);
    expect(calls).toEqual([]);
    expect(run.stdout).toContain(
      '::notice::not planned: ki-hcp: its state is in HCP Terraform: set the repository secret TF_PLAN_API_TOKEN to a team token with plan permission to plan it (the deploy token TF_API_TOKEN is never used for pull requests)\n',
    );
    expect(run.stdout).toContain(
      '::notice::not planned: ki-prod: set the repository variable AWS_PLAN_ROLE_ARN to a read-only AWS role to plan it (the deploy role is never used for pull requests)\n',
    );
    expect(run.stdout).toContain('Planned 0 of 10 stacks.');
    expect(readdirSync(planDir)).toEqual([]);
  });
});

describe('a step whose stacks folder is missing', () => {
  it('says to synthesize first, with exit code 2', async () => {
    const project = projectWith(EVERY_BACKEND);

    const run = await runWorkflowStep(deployCheck, project);

    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`key-insight-ci deploy-check: ${join(project, 'cdktf.out', 'manifest.json')} does not exist: run \`npx cdktf synth\` (or \`npm run synth\`) first\n`);
  });
});

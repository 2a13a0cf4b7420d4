/**
 * The pull-request plan (`npx key-insight-ci plan`, the plan job's step) of a pull request that adds an
 * environment with an account: the plan job's own synth step (plan-only) writes the stacks, and real
 * Terraform plans the account stack with hashicorp/aws 5.100.0 from this machine's mirror, offline.
 *
 * What cannot be reached here is supplied by the test, and only that: an override file beside the
 * account stack tells the AWS provider not to call AWS (Terraform merges `*_override.tf.json` into the
 * stack; cdk.tf.json is left as the synth wrote it). STACKS selects the account stack: the environment
 * stack needs the Okta provider, which this machine does not have.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configWith, minimalStack } from '../../helpers/config';
import { OFFLINE_AWS_PROVIDER, offlineTerraformEnv, requireTerraform } from '../../helpers/terraform';
import { jobOf, projectWith, readWorkflow, removeProjects, runStep, stepOf, type StepRun } from '../../helpers/workflow';

const ENVIRONMENT = 'ki-new';
const ACCOUNT = 'ki-new-888888888888';
const ISSUER = 'https://acme.okta.com/oauth2/aus1a2b3c4';
const CONFIG = configWith(minimalStack({ name: ENVIRONMENT, aws: { region: 'eu-west-1', accounts: [{ accountId: '888888888888' }] } }));

const { workflow } = readWorkflow('key-insight.yml');
const job = jobOf(workflow, 'plan');
const synthStep = stepOf(job, 'Synthesize for planning');

/** The environment stack's state as its first deploy leaves it: the outputs its account stacks read. */
const environmentState = () =>
  JSON.stringify({
    version: 4,
    terraform_version: '1.11.4',
    serial: 1,
    lineage: ENVIRONMENT,
    outputs: { issuer: { value: ISSUER, type: 'string' }, client_id: { value: '0oa1a2b3c4d5e6f7g8h9', type: 'string' } },
    resources: [],
  });

let project: string;
const planDirs: string[] = [];

/** Runs the plan job's plan step on the account stack; the step's run and the plan text it kept. */
async function planStep(): Promise<{ run: StepRun; kept: string }> {
  const planDir = mkdtempSync(join(tmpdir(), 'ki-plans-'));
  planDirs.push(planDir);
  const run = await runStep(stepOf(job, 'Plan each stack'), project, {
    ...workflow.env,
    ...(offlineTerraformEnv(project) as Record<string, string>),
    AWS_PLAN_ROLE_ARN: 'arn:aws:iam::888888888888:role/key-insight-plan',
    PLAN_DIR: planDir,
    STACKS: ACCOUNT,
  });
  return { run, kept: readFileSync(join(planDir, `${ACCOUNT}.txt`), 'utf8') };
}

let notDeployed: { run: StepRun; kept: string };
let deployed: { run: StepRun; kept: string };

beforeAll(async () => {
  requireTerraform();
  project = projectWith(CONFIG);
  const synth = await runStep(synthStep, project, { ...workflow.env, KEY_INSIGHT_PLAN_ONLY: String(synthStep.env?.KEY_INSIGHT_PLAN_ONLY) });
  expect(synth.status).toBe(0);
  writeFileSync(
    join(project, 'cdktf.out', 'stacks', ACCOUNT, 'offline_override.tf.json'),
    JSON.stringify({ provider: { aws: [{ region: 'eu-west-1', allowed_account_ids: null, ...OFFLINE_AWS_PROVIDER }] } }),
  );
  notDeployed = await planStep();
  writeFileSync(join(project, `terraform.${ENVIRONMENT}.tfstate`), environmentState());
  deployed = await planStep();
}, 600_000);

afterAll(() => {
  removeProjects();
  for (const dir of planDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the plan of an account stack whose environment is not deployed yet', () => {
  it('succeeds', () => {
    expect(notDeployed.run.stdout).toContain('Planned 1 of 1 stacks.\n');
    expect(notDeployed.run.status).toBe(0);
  });

  it('says in the job log that it planned with placeholders because the environment stack has no state, and that the plan can never be applied', () => {
    expect(notDeployed.run.stdout).toContain(
      `::notice::${ACCOUNT}: its environment stack ki-new has no state yet (not deployed): planned with placeholder values for the issuer and client ID (-var environment_deployed=false); this plan can never be applied\n`,
    );
  });

  it("plans the account's OIDC provider with the placeholder issuer, and keeps that plan text", () => {
    expect(notDeployed.kept).toMatch(/url\s+= "https:\/\/environment-not-deployed\.invalid\/oauth2\/plan-only"/);
    expect(notDeployed.kept).toContain('Plan: 4 to add, 0 to change, 0 to destroy.');
  });
});

describe('the plan of an account stack whose environment is deployed', () => {
  it("plans with the environment's issuer, without the placeholder variable and without a notice", () => {
    expect(deployed.run.status).toBe(0);
    expect(deployed.kept).toMatch(new RegExp(`url\\s+= "${ISSUER.replace(/[./]/g, '\\$&')}"`));
    expect(deployed.kept).not.toContain('environment-not-deployed.invalid');
    expect(deployed.run.stdout).not.toContain('::notice::');
  });
});

/**
 * A pull request that adds an account: its stack planned by real Terraform (hashicorp/aws 5.100.0 from
 * this machine's mirror, offline) before the environment stack it reads is deployed, with the plan-only
 * synth and with the synth that deploys.
 *
 * The environment stack's local state file does not exist, as before its first deploy. What cannot be
 * reached here is replaced, and only that: the provider is told not to call AWS (the account check needs
 * STS).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLACEHOLDER_ENVIRONMENT_OUTPUTS, planOnlyApplyError } from '../../lib/plan-only';
import { configWith, minimalStack, withValue } from '../helpers/config';
import { synthConfig, TerraformJson } from '../helpers/synth';
import { OFFLINE_AWS_PROVIDER, PlannedChange, init, plan, removeTerraformFolders, requireTerraform, TerraformRun, terraformFolder } from '../helpers/terraform';

const ACCOUNT = 'ki-prod-111111111111';
const ISSUER = 'https://acme.okta.com/oauth2/aus9z8y7x6';
const CLIENT_ID = '0oa9z8y7x6w5v4u3t2s1';
const config = configWith(withValue(minimalStack({ name: 'ki-prod' }), 'aws.accounts', [{ accountId: '111111111111' }]));

function offline(stack: TerraformJson): TerraformJson {
  const [{ region }] = stack.provider!.aws;
  return { ...stack, provider: { aws: [{ region, ...OFFLINE_AWS_PROVIDER }] } };
}

/** The state a deployed environment stack leaves: its public outputs. */
function environmentState(): string {
  const outputs = { issuer: { value: ISSUER, type: 'string' }, client_id: { value: CLIENT_ID, type: 'string' } };
  return JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 1, lineage: 'test-environment', outputs, resources: [] });
}

const accountState = (folder: TerraformRun) => join(folder.root, `terraform.${ACCOUNT}.tfstate`);
const issuerOf = (changes: PlannedChange[]) => changes.find((change) => change.type === 'aws_iam_openid_connect_provider')!.after.url;

/** What the plan job passes for an environment whose stack has no state yet. */
const NOT_DEPLOYED = ['-var', 'environment_deployed=false'];

let planOnly: TerraformRun;
let deployable: TerraformRun;
let planned: PlannedChange[];

beforeAll(async () => {
  requireTerraform();
  planOnly = terraformFolder(offline(synthConfig(config, { planOnly: true })[ACCOUNT]), ACCOUNT);
  deployable = terraformFolder(offline(synthConfig(config)[ACCOUNT]), ACCOUNT);
  await Promise.all([init(planOnly), init(deployable)]);
  planned = await plan(planOnly, NOT_DEPLOYED);
}, 180_000);

afterAll(removeTerraformFolders);

describe('the plan-only synth (KEY_INSIGHT_PLAN_ONLY=1), before the environment is deployed', () => {
  it("plans the account's provider, role, policy and attachment, with -var environment_deployed=false", () => {
    expect(planned.map((change) => [change.type, change.actions]).sort()).toEqual([
      ['aws_iam_openid_connect_provider', ['create']],
      ['aws_iam_policy', ['create']],
      ['aws_iam_role', ['create']],
      ['aws_iam_role_policy_attachment', ['create']],
    ]);
  });

  it('plans with the placeholder issuer, which the plan shows', () => {
    expect(issuerOf(planned)).toBe('https://environment-not-deployed.invalid/oauth2/plan-only');
  });

  it('cannot apply its plan: every resource stops at its precondition, and nothing is created', async () => {
    const applied = planOnly.run(['apply', '-input=false', 'plan.tfplan']);

    await expect(applied).rejects.toThrow(planOnlyApplyError(ACCOUNT).slice(0, 60));
    const state = existsSync(accountState(planOnly)) ? JSON.parse(readFileSync(accountState(planOnly), 'utf8')) : { resources: [] };
    expect(state.resources.flatMap((resource: any) => resource.instances)).toEqual([]);
  }, 120_000);

  it('reads the missing state, and fails, unless told the environment is not deployed', async () => {
    await expect(plan(planOnly, [], 'unset.tfplan')).rejects.toThrow(/Unable to find remote state/);
  }, 120_000);
});

describe('the synth that deploys, before the environment is deployed', () => {
  it('refuses to plan: it reads the missing state and has no placeholder to fall back on', async () => {
    await expect(plan(deployable)).rejects.toThrow(/Unable to find remote state/);
  }, 120_000);

  it('refuses the variable that selects the placeholders, which it does not declare', async () => {
    await expect(plan(deployable, NOT_DEPLOYED, 'var.tfplan')).rejects.toThrow(/Value for undeclared variable/);
  }, 120_000);

  it('writes no variable, no placeholder and no precondition into the stack', () => {
    const text = JSON.stringify(synthConfig(config)[ACCOUNT]);
    expect(text).not.toContain('environment_deployed');
    expect(text).not.toContain('precondition');
    expect(text).not.toContain(PLACEHOLDER_ENVIRONMENT_OUTPUTS.issuer);
    expect(text).not.toContain(PLACEHOLDER_ENVIRONMENT_OUTPUTS.client_id);
  });
});

describe('the plan-only synth, once the environment is deployed', () => {
  it("plans with the environment's published issuer and client ID when not told otherwise", async () => {
    writeFileSync(join(planOnly.root, 'terraform.ki-prod.tfstate'), environmentState());

    const changes = await plan(planOnly, [], 'deployed.tfplan');

    expect(issuerOf(changes)).toBe(ISSUER);
  }, 120_000);
});

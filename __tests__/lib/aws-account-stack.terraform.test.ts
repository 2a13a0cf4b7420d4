/**
 * Every account stack of a three-environment configuration, checked as `npm run check:aws` checks it
 * (scripts/offline-check.ts, the same code): `terraform validate` and `plan` by real Terraform with
 * hashicorp/aws, offline. What cannot be reached here is replaced in a scratch copy, and only that: the
 * S3 and HCP Terraform backends become local state; the environment stack's remote state is read from a
 * local file that does not exist, so the `defaults` the check writes (here the issuer and client ID a
 * deployed environment stack would publish) stand for its outputs; the assumed role and the account
 * check (both need STS) are left out of the provider, which is told not to call AWS.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkStacks, providerSource, StackResult } from '../../scripts/offline-check';
import { configWith, minimalStack, ROOT, withValue } from '../helpers/config';
import { threeEnvironments } from '../helpers/environments';
import { synthConfig, TerraformJson } from '../helpers/synth';
import { OFFLINE_AWS_PROVIDER, PlannedChange, changesOf, removeTerraformFolders, requireTerraform, terraformFolder } from '../helpers/terraform';

const ISSUER = 'https://acme.okta.com/oauth2/aus9z8y7x6';
const CLIENT_ID = '0oa9z8y7x6w5v4u3t2s1';
const ACCOUNT_STACKS = ['ki-prod-111111111111', 'ki-prod-222222222222', 'ki-prod-333333333333', 'ki-hcp-444444444444'];

const plans = new Map<string, PlannedChange[]>();
let stacks: Record<string, TerraformJson>;
let results: StackResult[];
const scratch = mkdtempSync(join(tmpdir(), 'ki-check-aws-'));

const RETIRED = 'ki-retiring-555555555555';
let retiredPlan: PlannedChange[];

/** The state a deployed account stack leaves: its four resources (the attributes a plan without refresh needs). */
function deployedAccountState(): string {
  const resource = (type: string, name: string, id: string) => ({
    mode: 'managed',
    type,
    name,
    provider: 'provider["registry.terraform.io/hashicorp/aws"]',
    instances: [{ schema_version: 0, attributes: { id, arn: `arn:aws:iam::555555555555:${id}` } }],
  });
  const resources = [
    resource('aws_iam_openid_connect_provider', 'Aws_OidcProvider', 'oidc-provider/acme.okta.com/oauth2/aus9z8y7x6'),
    resource('aws_iam_role', 'Aws_Role', 'ki-retiring-scanner'),
    resource('aws_iam_policy', 'Aws_ScanningPolicy', 'policy/ki-retiring-scanner-scanning'),
    resource('aws_iam_role_policy_attachment', 'Aws_ScanningPolicyAttachment', 'ki-retiring-scanner-attachment'),
  ];
  return JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 4, lineage: 'test-retired', outputs: {}, resources });
}

/** A retired account's stack, planned without refresh (a refresh needs AWS) against the state its earlier deploys left. */
async function planRetired(): Promise<PlannedChange[]> {
  const retiring = synthConfig(
    configWith(withValue(minimalStack({ name: 'ki-retiring' }), 'aws.accounts', [{ accountId: '555555555555', retired: true }])),
  )[RETIRED];
  const [{ region }] = retiring.provider!.aws;
  const folder = terraformFolder({ ...retiring, provider: { aws: [{ region, ...OFFLINE_AWS_PROVIDER }] } }, RETIRED);
  writeFileSync(join(folder.root, `terraform.${RETIRED}.tfstate`), deployedAccountState());
  await folder.run(['init', '-input=false']);
  await folder.run(['plan', '-input=false', '-refresh=false', '-out=plan.tfplan']);
  const plan = JSON.parse(await folder.run(['show', '-json', 'plan.tfplan']));
  return plan.resource_changes.map((change: any) => ({ type: change.type, actions: change.change.actions }));
}

afterAll(() => {
  removeTerraformFolders();
  rmSync(scratch, { recursive: true, force: true });
});

beforeAll(async () => {
  requireTerraform();
  stacks = synthConfig(threeEnvironments());
  const accountStacks = Object.fromEntries(ACCOUNT_STACKS.map((name) => [name, stacks[name]]));
  await Promise.all([
    planRetired().then((plan) => {
      retiredPlan = plan;
    }),
    checkStacks(accountStacks, { scratch, source: providerSource(ROOT), parallel: ACCOUNT_STACKS.length, values: { issuer: ISSUER, client_id: CLIENT_ID } }).then(
      (checked) => {
        results = checked;
        for (const result of checked) if (result.status === 'planned') plans.set(result.stack, changesOf(result.plan));
      },
    ),
  ]);
}, 300_000);

it("destroys a retired account's OIDC provider, role, policy and attachment at its next deploy", () => {
  expect(retiredPlan.map((change) => [change.type, change.actions]).sort()).toEqual([
    ['aws_iam_openid_connect_provider', ['delete']],
    ['aws_iam_policy', ['delete']],
    ['aws_iam_role', ['delete']],
    ['aws_iam_role_policy_attachment', ['delete']],
  ]);
});

it('validates and plans every account stack', () => {
  expect(results.map((result) => [result.stack, result.status === 'failed' ? result.error : result.status])).toEqual(
    [...ACCOUNT_STACKS].sort().map((name) => [name, 'planned']),
  );
});

it.each(ACCOUNT_STACKS)('%s plans its provider, role, policy and attachment, and nothing else', (name) => {
  expect(plans.get(name)!.map((change) => [change.type, change.actions]).sort()).toEqual([
    ['aws_iam_openid_connect_provider', ['create']],
    ['aws_iam_policy', ['create']],
    ['aws_iam_role', ['create']],
    ['aws_iam_role_policy_attachment', ['create']],
  ]);
});

it.each(ACCOUNT_STACKS)("%s trusts the issuer it reads through the environment stack's remote state", (name) => {
  const provider = plans.get(name)!.find((change) => change.type === 'aws_iam_openid_connect_provider')!;
  expect(provider.after).toMatchObject({ url: ISSUER, client_id_list: ['api://key-insight-test'] });
});

it('keeps what the check replaces in its copy as the configuration says', () => {
  expect(stacks['ki-prod-222222222222'].provider!.aws[0].assume_role).toEqual([
    { role_arn: 'arn:aws:iam::222222222222:role/deploy', session_name: 'key-insight-deploy' },
  ]);
  expect(stacks['ki-prod-111111111111'].terraform.backend.s3.key).toBe('key-insight/ki-prod-111111111111.tfstate');
  expect(stacks['ki-hcp-444444444444'].terraform.cloud.workspaces.name).toBe('ki-ki-hcp-444444444444');
});

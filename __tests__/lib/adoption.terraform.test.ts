/**
 * An account stack that adopts its four AWS resources, checked by real Terraform with hashicorp/aws
 * 5.100.0 from this machine's mirror: `terraform validate`, then `terraform plan`, which imports each
 * resource through the provider's own importer and reads it back. AWS cannot be reached here, so the
 * provider's IAM endpoint is a HAND-WRITTEN STAND-IN (../cli/helpers/iam-stand-in.ts) on loopback,
 * holding resources made by hand exactly as the configuration describes them. Terraform is pointed at it
 * with AWS_ENDPOINT_URL_IAM: an `endpoints` block in the provider doubles the CPU time of every plan.
 *
 * Also supplied by the test, as in aws-account-stack.terraform.test.ts: local state instead of the
 * configured backend, and the environment stack's published outputs in a local state file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startIamStandIn, type IamStandIn, type IamStandInContents } from '../cli/helpers/iam-stand-in';
import { minimalStack } from '../helpers/config';
import { onlyResource, synthConfig, type TerraformJson } from '../helpers/synth';
import { OFFLINE_AWS_PROVIDER, removeTerraformFolders, requireTerraform, terraformFolder, type TerraformRun } from '../helpers/terraform';

const ACCOUNT = '111111111111';
const ISSUER_HOST_PATH = 'acme.okta.com/oauth2/aus1a2b3c4d5e6f7g8h9';
const CLIENT_ID = '0oa1a2b3c4d5e6f7g8h9';
const AUDIENCE = 'api://key-insight-test';
const ROLE_NAME = 'ki-test-scanner';
const POLICY_ARN = `arn:aws:iam::${ACCOUNT}:policy/ki-test-scanner-scanning`;
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER_HOST_PATH}`;

interface ResourceChange {
  type: string;
  change: { actions: string[]; importing?: { id: string } };
}

let iam: IamStandIn;
let folder: TerraformRun;
/** What the stand-in holds; a test deletes a role from it as a person would in the console. */
let handMade: { oidcProviders: IamStandInContents['oidcProviders']; roles: Array<IamStandInContents['roles'][number]>; policies: IamStandInContents['policies'] };
let validation: { valid: boolean; error_count: number; warning_count: number };
let changes: ResourceChange[];
let stack: TerraformJson & { import?: Array<{ id: string; to: string }> };

function offline(synthesized: TerraformJson): TerraformJson {
  const { backend: _backend, ...terraform } = synthesized.terraform;
  const [remoteStateName] = Object.keys(synthesized.data!.terraform_remote_state);
  return {
    ...synthesized,
    terraform: { ...terraform, backend: { local: { path: 'terraform.tfstate' } } },
    data: { terraform_remote_state: { [remoteStateName!]: { backend: 'local', config: { path: '../../../terraform.ki-test.tfstate' } } } },
    provider: { aws: [{ region: 'eu-west-1', ...OFFLINE_AWS_PROVIDER, max_retries: 1 }] },
  };
}

/** The state of the deployed environment stack: the outputs the account stack reads. */
function environmentState(): string {
  const outputs = { issuer: { value: `https://${ISSUER_HOST_PATH}`, type: 'string' }, client_id: { value: CLIENT_ID, type: 'string' } };
  return JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 1, lineage: 'test-environment', outputs, resources: [] });
}

/** The trust a role made by hand for Key Insight has, written out as IAM returns it. */
const HAND_MADE_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'KeyInsightAssumesWithOktaToken',
      Effect: 'Allow',
      Principal: { Federated: PROVIDER_ARN },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${ISSUER_HOST_PATH}:aud`]: AUDIENCE, [`${ISSUER_HOST_PATH}:sub`]: CLIENT_ID } },
    },
  ],
});

beforeAll(async () => {
  requireTerraform();
  const config = minimalStack({
    aws: {
      region: 'eu-west-1',
      accounts: [{ accountId: ACCOUNT, adopt: { aws: { oidcProviderArn: PROVIDER_ARN, roleName: ROLE_NAME, scanningPolicyArn: POLICY_ARN } } }],
    },
  });
  stack = synthConfig({ stacks: [config] })[`ki-test-${ACCOUNT}`]!;
  // What exists was made to match the configuration (README: "Make the configuration describe what exists").
  const role = onlyResource(stack, 'aws_iam_role');
  const policy = onlyResource(stack, 'aws_iam_policy');
  handMade = {
    oidcProviders: [{ arn: PROVIDER_ARN, url: ISSUER_HOST_PATH, clientIds: [AUDIENCE] }],
    roles: [{ name: ROLE_NAME, arn: `arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}`, assumeRolePolicy: HAND_MADE_TRUST, description: role.description, attachedPolicyArns: [POLICY_ARN] }],
    policies: [{ name: 'ki-test-scanner-scanning', arn: POLICY_ARN, document: policy.policy, description: policy.description }],
  };
  iam = await startIamStandIn(handMade);
  folder = terraformFolder(offline(stack), `ki-test-${ACCOUNT}`, undefined, { AWS_ENDPOINT_URL_IAM: iam.endpoint });
  writeFileSync(join(folder.root, 'terraform.ki-test.tfstate'), environmentState());
  await folder.run(['init', '-input=false']);
  validation = JSON.parse(await folder.run(['validate', '-json']));
  await folder.run(['plan', '-input=false', '-out=plan.tfplan']);
  changes = JSON.parse(await folder.run(['show', '-json', 'plan.tfplan'])).resource_changes;
}, 180_000);

afterAll(async () => {
  await iam?.stop();
  removeTerraformFolders();
});

it('passes terraform validate with the import blocks, without a warning', () => {
  expect(validation).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
});

it("imports each resource through the provider's importer with the ID the synth wrote", () => {
  expect(changes.map((change) => [change.type, change.change.importing?.id]).sort()).toEqual([
    ['aws_iam_openid_connect_provider', PROVIDER_ARN],
    ['aws_iam_policy', POLICY_ARN],
    ['aws_iam_role', ROLE_NAME],
    ['aws_iam_role_policy_attachment', `${ROLE_NAME}/${POLICY_ARN}`],
  ]);
});

it('changes nothing else when what exists matches the configuration', () => {
  expect(changes.map((change) => change.change.actions)).toEqual([['no-op'], ['no-op'], ['no-op'], ['no-op']]);
});

/**
 * After the deploy that imported them, the import blocks stay in cdk.tf.json until the adopt block is
 * removed (the synth's KI-ADOPT-DEPLOYED warning says when): what Terraform does with them then.
 */
describe('import blocks left in place after the deploy that imported', () => {
  const planChanges = async (): Promise<ResourceChange[]> => {
    await folder.run(['plan', '-input=false', '-out=again.tfplan']);
    return JSON.parse(await folder.run(['show', '-json', 'again.tfplan'])).resource_changes;
  };
  let again: ResourceChange[];
  let destroyedAndGone: string;

  beforeAll(async () => {
    await folder.run(['apply', '-input=false', 'plan.tfplan']);
    again = await planChanges();
    // The stack's resources leave the state, as after a destroy, while the import blocks stay; the role
    // made by hand is gone too.
    const addresses = (await folder.run(['state', 'list'])).split('\n').filter((address) => address !== '' && !address.startsWith('data.'));
    await folder.run(['state', 'rm', ...addresses]);
    handMade.roles.splice(0);
    destroyedAndGone = await folder.run(['plan', '-input=false']).then(
      () => 'planned',
      (error: Error) => error.message,
    );
  }, 300_000);

  it('plan no change and import nothing while the resources are in the state', () => {
    expect(again.map((change) => [change.type, change.change.actions, change.change.importing])).toEqual([
      ['aws_iam_openid_connect_provider', ['no-op'], undefined],
      ['aws_iam_policy', ['no-op'], undefined],
      ['aws_iam_role', ['no-op'], undefined],
      ['aws_iam_role_policy_attachment', ['no-op'], undefined],
    ]);
  });

  it('fail the plan once the resource is neither in the state nor in AWS', () => {
    expect(destroyedAndGone).toContain('Cannot import non-existent remote object');
  });
});

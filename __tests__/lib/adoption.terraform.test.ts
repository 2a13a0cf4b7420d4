/**
 * An account stack that adopts its four AWS resources, checked by real Terraform with hashicorp/aws
 * 5.100.0 from this machine's mirror, offline: `terraform init` and `terraform validate`, which check each
 * import block's arguments (an `id`, a `to`, no `provider` an import cannot take). Terraform 1.11 checks
 * that a `to` names a resource of the configuration only at plan; adoption.test.ts checks that on the JSON.
 * Not `terraform plan`: with import blocks, planning reads each resource from AWS, unreachable here.
 *
 * Supplied by the test, as in aws-account-stack.terraform.test.ts: local state instead of the configured
 * backend, and the environment stack's published outputs in a local state file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minimalStack } from '../helpers/config';
import { synthConfig, type TerraformJson } from '../helpers/synth';
import { OFFLINE_AWS_PROVIDER, requireTerraform, terraformFolder } from '../helpers/terraform';

const ACCOUNT = '111111111111';
const POLICY_ARN = `arn:aws:iam::${ACCOUNT}:policy/ki-test-scanner-scanning`;
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/acme.okta.com/oauth2/aus1a2b3c4d5e6f7g8h9`;

let validation: { valid: boolean; error_count: number; diagnostics: unknown[] };
let stack: TerraformJson & { import?: Array<{ id: string; to: string }> };

function offline(synthesized: TerraformJson): TerraformJson {
  const { backend: _backend, ...terraform } = synthesized.terraform;
  const [remoteStateName] = Object.keys(synthesized.data!.terraform_remote_state);
  return {
    ...synthesized,
    terraform: { ...terraform, backend: { local: { path: 'terraform.tfstate' } } },
    data: { terraform_remote_state: { [remoteStateName!]: { backend: 'local', config: { path: '../../../terraform.ki-test.tfstate' } } } },
    provider: { aws: [{ region: 'eu-west-1', ...OFFLINE_AWS_PROVIDER }] },
  };
}

beforeAll(async () => {
  requireTerraform();
  const config = minimalStack({
    aws: {
      region: 'eu-west-1',
      accounts: [{ accountId: ACCOUNT, adopt: { aws: { oidcProviderArn: PROVIDER_ARN, roleName: 'ki-test-scanner', scanningPolicyArn: POLICY_ARN } } }],
    },
  });
  stack = synthConfig({ stacks: [config] })[`ki-test-${ACCOUNT}`]!;
  const folder = terraformFolder(offline(stack), `ki-test-${ACCOUNT}`);
  writeFileSync(join(folder.root, 'terraform.ki-test.tfstate'), JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 1, lineage: 'test', outputs: {}, resources: [] }));
  await folder.run(['init', '-input=false']);
  validation = JSON.parse(await folder.run(['validate', '-json']));
}, 120_000);

it('writes the four import blocks Terraform is then given', () => {
  expect(stack.import!.map((block) => block.id).sort()).toEqual([PROVIDER_ARN, POLICY_ARN, 'ki-test-scanner', `ki-test-scanner/${POLICY_ARN}`].sort());
});

it('passes terraform validate with the import blocks, without a warning', () => {
  expect(validation).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
});

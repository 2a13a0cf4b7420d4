/**
 * The shared part of the rename-stack Terraform scenarios (rename-stack-local.terraform.test.ts,
 * rename-stack-s3.terraform.test.ts, one file each so that they run at once): the environment, the
 * offline account stack, and its deploy as far as this machine can make one.
 */
import { configWith, minimalStack, withValue } from '../../helpers/config';
import type { S3StandIn } from '../../helpers/s3-stand-in';
import type { TerraformJson } from '../../helpers/synth';
import { OFFLINE_AWS_PROVIDER, type TerraformRun } from '../../helpers/terraform';

export const ACCOUNT = '111111111111';
export const BUCKET = 'acme-terraform-state';
export const S3_BACKEND = { type: 's3', bucket: BUCKET, keyPrefix: 'key-insight', region: 'eu-west-1' };

/** The environment, named `name`, with one account; the role keeps the name it had before the rename. */
export function environment(name: string, backend?: object): unknown {
  const stack = withValue(withValue(minimalStack({ name, ...(backend ? { backend } : {}) }), 'aws.accounts', [{ accountId: ACCOUNT }]), 'aws.role.name', 'ki-old-scanner');
  return configWith(stack);
}

/** The account stack as synthesized, with a provider that calls no AWS API, and S3 settings that reach the stand-in. */
export function offline(stack: TerraformJson, s3?: S3StandIn): TerraformJson {
  const [{ region }] = stack.provider!.aws;
  const standIn = s3 && {
    endpoints: { s3: s3.endpoint },
    use_path_style: true,
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
    skip_s3_checksum: true,
  };
  const remote = stack.data!.terraform_remote_state.environment;
  return {
    ...stack,
    terraform: standIn ? { ...stack.terraform, backend: { s3: { ...stack.terraform.backend.s3, ...standIn } } } : stack.terraform,
    data: { terraform_remote_state: { environment: standIn ? { ...remote, config: { ...remote.config, ...standIn } } : remote } },
    provider: { aws: [{ region, ...OFFLINE_AWS_PROVIDER }] },
  };
}

/** The state a deployed environment stack leaves, as far as its account stacks read it: its outputs. */
export function environmentState(): string {
  const outputs = { issuer: 'https://acme.okta.com/oauth2/aus9z8y7x6', client_id: '0oa9z8y7x6w5v4u3t2s1' };
  return JSON.stringify({
    version: 4,
    terraform_version: '1.11.4',
    serial: 1,
    lineage: 'deployed-environment-stack',
    outputs: Object.fromEntries(Object.entries(outputs).map(([name, value]) => [name, { value, type: 'string' }])),
    resources: [],
  });
}

/** What AWS would assign to an attribute a plan leaves unknown. */
function assigned(type: string, attribute: string): unknown {
  if (attribute === 'tags_all') return {};
  if (['thumbprint_list', 'managed_policy_arns', 'inline_policy'].includes(attribute)) return [];
  if (attribute === 'attachment_count') return 1;
  if (attribute === 'arn' || attribute === 'policy_arn') return `arn:aws:iam::${ACCOUNT}:${type}/assigned`;
  return `${type}-${attribute}-assigned`;
}

/** A state holding the resources a saved plan would leave, unknown values filled in as AWS would. */
function stateAfter(plan: any): string {
  const changes = new Map<string, any>(plan.resource_changes.map((change: any) => [change.address, change.change]));
  const resources = plan.planned_values.root_module.resources
    .filter((resource: any) => resource.mode === 'managed')
    .map((resource: any) => {
      const attributes = { ...resource.values };
      for (const [name, unknown] of Object.entries(changes.get(resource.address)?.after_unknown ?? {})) {
        if (unknown === true) attributes[name] = assigned(resource.type, name);
      }
      return {
        mode: 'managed',
        type: resource.type,
        name: resource.name,
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [{ schema_version: resource.schema_version, attributes, sensitive_attributes: [] }],
      };
    });
  return JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 1, lineage: 'deployed-account-stack', outputs: {}, resources });
}

export async function savedPlan(folder: TerraformRun): Promise<any> {
  await folder.run(['plan', '-input=false', '-refresh=false', '-out=plan.tfplan']);
  return JSON.parse(await folder.run(['show', '-json', 'plan.tfplan']));
}

/** The actions of every resource and output change of a plan. */
export function actionsOf(plan: any): string[] {
  return [
    ...(plan.resource_changes ?? []).map((change: any) => `${change.address}: ${change.change.actions.join(',')}`),
    ...Object.entries<any>(plan.output_changes ?? {}).map(([name, change]) => `output.${name}: ${change.actions.join(',')}`),
  ];
}

export const UNCHANGED = [
  'aws_iam_openid_connect_provider.Aws_OidcProvider: no-op',
  'aws_iam_policy.Aws_ScanningPolicy: no-op',
  'aws_iam_role.Aws_Role: no-op',
  'aws_iam_role_policy_attachment.Aws_ScanningPolicyAttachment: no-op',
  'output.aws_oidc_provider_arn: no-op',
  'output.aws_role_arn: no-op',
];

/**
 * Deploys (as far as this machine can) the old account stack: plans it, writes the state the plan
 * leaves through `putState`, and plans again until nothing is left to change but outputs, which an
 * apply then writes through the stack's own backend (locking it as Terraform does).
 */
export async function deployOldAccountStack(folder: TerraformRun, putState: (text: string) => void): Promise<void> {
  await folder.run(['init', '-input=false']);
  let plan = await savedPlan(folder);
  for (let round = 0; round < 4 && (plan.resource_changes ?? []).some((change: any) => change.change.actions.join() !== 'no-op'); round++) {
    putState(stateAfter(plan));
    plan = await savedPlan(folder);
  }
  expect(actionsOf(plan).filter((line) => !line.startsWith('output.')).map(withoutSuffix)).toEqual(UNCHANGED.filter((line) => !line.startsWith('output.')));
  await folder.run(['apply', '-input=false', 'plan.tfplan']);
}

/** cdktf's logical IDs end in a hash of the construct path; the test names resources by their path. */
export function withoutSuffix(line: string): string {
  return line.replace(/_[0-9A-Fa-f]{8}:/, ':');
}

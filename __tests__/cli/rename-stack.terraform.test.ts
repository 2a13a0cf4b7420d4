/**
 * Renaming an environment with real Terraform: the AWS half (the account stack) of environment
 * "ki-old" is brought to a deployed state, the environment is renamed to "ki-new" in the
 * configuration, `key-insight rename-stack ki-old ki-new` moves the states, and `terraform plan` of
 * the renamed account stack against the moved states changes nothing. Once with the local backend, once
 * with the s3 backend against a loopback STAND-IN of Amazon S3 (helpers/s3-stand-in.ts).
 *
 * What cannot be reached here is supplied by the test, and only that: the environment stack's state
 * (its Okta resources need the Okta provider, which this machine lacks) is written as a deployed Okta
 * stack leaves it, with its outputs, since the account stack reads them; the AWS provider is told not
 * to call AWS (no account check, fake credentials), so plans run with -refresh=false; and the account
 * stack's deployed state is what Terraform plans for it, with the values only AWS would assign (ARNs,
 * IDs) filled in and planned again until the plan is empty.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configWith, minimalStack, withValue } from '../helpers/config';
import { startS3StandIn, type S3StandIn } from '../helpers/s3-stand-in';
import { synthConfig, type TerraformJson } from '../helpers/synth';
import { OFFLINE_AWS_ENV, OFFLINE_AWS_PROVIDER, removeTerraformFolders, requireTerraform, terraformFolder, type TerraformRun } from '../helpers/terraform';
import { NODE_QUIET, removeTempDirs, runCli } from './helpers/run-cli';

const ACCOUNT = '111111111111';
const BUCKET = 'acme-terraform-state';
const S3_BACKEND = { type: 's3', bucket: BUCKET, keyPrefix: 'key-insight', region: 'eu-west-1' };

/** The environment, named `name`, with one account; the role keeps the name it had before the rename. */
function environment(name: string, backend?: object): unknown {
  const stack = withValue(withValue(minimalStack({ name, ...(backend ? { backend } : {}) }), 'aws.accounts', [{ accountId: ACCOUNT }]), 'aws.role.name', 'ki-old-scanner');
  return configWith(stack);
}

/** The account stack as synthesized, with a provider that calls no AWS API, and S3 settings that reach the stand-in. */
function offline(stack: TerraformJson, s3?: S3StandIn): TerraformJson {
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
function environmentState(): string {
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

async function savedPlan(folder: TerraformRun): Promise<any> {
  await folder.run(['plan', '-input=false', '-refresh=false', '-out=plan.tfplan']);
  return JSON.parse(await folder.run(['show', '-json', 'plan.tfplan']));
}

/** The actions of every resource and output change of a plan. */
function actionsOf(plan: any): string[] {
  return [
    ...(plan.resource_changes ?? []).map((change: any) => `${change.address}: ${change.change.actions.join(',')}`),
    ...Object.entries<any>(plan.output_changes ?? {}).map(([name, change]) => `output.${name}: ${change.actions.join(',')}`),
  ];
}

const UNCHANGED = [
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
async function deployOldAccountStack(folder: TerraformRun, putState: (text: string) => void): Promise<void> {
  await folder.run(['init', '-input=false']);
  let plan = await savedPlan(folder);
  for (let round = 0; round < 4 && (plan.resource_changes ?? []).some((change: any) => change.change.actions.join() !== 'no-op'); round++) {
    putState(stateAfter(plan));
    plan = await savedPlan(folder);
  }
  expect(actionsOf(plan).filter((line) => !line.startsWith('output.')).map(withoutSuffix)).toEqual(UNCHANGED.filter((line) => !line.startsWith('output.')));
  await folder.run(['apply', '-input=false', 'plan.tfplan']);
}

// Each Terraform command loads hashicorp/aws (seconds of CPU); a test runs about ten of them.
jest.setTimeout(600_000);

beforeAll(requireTerraform);
afterAll(() => {
  removeTerraformFolders();
  removeTempDirs();
});

describe('rename-stack, then terraform plan of the renamed account stack', () => {
  it('changes nothing with the local backend', async () => {
    // GIVEN environment ki-old deployed with local state
    const old = terraformFolder(offline(synthConfig(environment('ki-old'))[`ki-old-${ACCOUNT}`]!), `ki-old-${ACCOUNT}`);
    writeFileSync(join(old.root, 'terraform.ki-old.tfstate'), environmentState());
    await deployOldAccountStack(old, (text) => writeFileSync(join(old.root, `terraform.ki-old-${ACCOUNT}.tfstate`), text));

    // WHEN the environment is renamed in the configuration and rename-stack runs
    writeFileSync(join(old.root, 'key-insight.config.json'), JSON.stringify(environment('ki-new')));
    const run = await runCli(['rename-stack', 'ki-old', 'ki-new'], { cwd: old.root });

    // THEN both states moved, and the renamed stack's plan changes nothing
    expect([run.exitCode, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toContain(`moved terraform.ki-old.tfstate to terraform.ki-new.tfstate\nmoved terraform.ki-old-${ACCOUNT}.tfstate to terraform.ki-new-${ACCOUNT}.tfstate\n`);
    const renamed = terraformFolder(offline(synthConfig(environment('ki-new'))[`ki-new-${ACCOUNT}`]!), `ki-new-${ACCOUNT}`, old.root);
    await renamed.run(['init', '-input=false']);
    expect(actionsOf(await savedPlan(renamed)).map(withoutSuffix)).toEqual(UNCHANGED);
  });

  it('changes nothing with the s3 backend (against a loopback stand-in of S3), and leaves no lock behind', async () => {
    const s3 = await startS3StandIn(BUCKET);
    try {
      // GIVEN environment ki-old deployed with its state in S3
      s3.objects.set('key-insight/ki-old.tfstate', Buffer.from(environmentState()));
      const old = terraformFolder(offline(synthConfig(environment('ki-old', S3_BACKEND))[`ki-old-${ACCOUNT}`]!, s3), `ki-old-${ACCOUNT}`);
      await deployOldAccountStack(old, (text) => s3.objects.set(`key-insight/ki-old-${ACCOUNT}.tfstate`, Buffer.from(text)));
      expect(s3.requests).toContain(`PUT key-insight/ki-old-${ACCOUNT}.tfstate.tflock`);

      // WHEN the environment is renamed in the configuration and rename-stack runs with the S3 endpoint of the stand-in
      writeFileSync(join(old.root, 'key-insight.config.json'), JSON.stringify(environment('ki-new', S3_BACKEND)));
      const run = await runCli(['rename-stack', 'ki-old', 'ki-new'], { cwd: old.root, env: { ...OFFLINE_AWS_ENV, AWS_ENDPOINT_URL_S3: s3.endpoint, ...NODE_QUIET } });

      // THEN both objects moved, none is left under the old keys or locked, and the renamed stack's plan changes nothing
      expect([run.exitCode, run.stderr]).toEqual([0, '']);
      expect(run.stdout).toContain(
        `moved s3://${BUCKET}/key-insight/ki-old.tfstate to s3://${BUCKET}/key-insight/ki-new.tfstate (copied, compared, deleted)\n` +
          `moved s3://${BUCKET}/key-insight/ki-old-${ACCOUNT}.tfstate to s3://${BUCKET}/key-insight/ki-new-${ACCOUNT}.tfstate (copied, compared, deleted)\n`,
      );
      expect([...s3.objects.keys()].sort()).toEqual([`key-insight/ki-new-${ACCOUNT}.tfstate`, 'key-insight/ki-new.tfstate']);
      const renamed = terraformFolder(offline(synthConfig(environment('ki-new', S3_BACKEND))[`ki-new-${ACCOUNT}`]!, s3), `ki-new-${ACCOUNT}`, old.root);
      await renamed.run(['init', '-input=false']);
      expect(actionsOf(await savedPlan(renamed)).map(withoutSuffix)).toEqual(UNCHANGED);
    } finally {
      await s3.stop();
    }
  });
});

/** cdktf's logical IDs end in a hash of the construct path; the test names resources by their path. */
function withoutSuffix(line: string): string {
  return line.replace(/_[0-9A-Fa-f]{8}:/, ':');
}

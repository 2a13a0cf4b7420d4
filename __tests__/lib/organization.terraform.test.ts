/**
 * The AWS half of an organization environment (the management account's provider, role and policy,
 * and the StackSet with its deployment) planned by real Terraform with hashicorp/aws 5.100.0 from
 * this machine's mirror, offline. As for the single-account half, the Okta half is left out: the
 * issuer and client ID it would supply are literals here. One init and plan per file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalBackend, Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AwsOidcTrust } from '../../lib/aws-oidc-trust';
import { memberAccountTemplate } from '../../lib/member-account-template';
import { OrganizationStackSet } from '../../lib/organization-stack-set';
import { SCANNED_SERVICES } from '../../lib/scanning-policy';
import { ORGANIZATION_READ_ACTIONS } from '../../lib/trust-policy';
import { OFFLINE_AWS_PROVIDER, PlannedChange, TerraformRun, initAndPlan, removeTerraformFolders, requireTerraform, terraformFolder } from '../helpers/terraform';

const ISSUER = 'https://example.okta.com/oauth2/aus1a2b3c4';
const AUDIENCE = 'api://fortanix-key-insight';
const CLIENT_ID = '0oa1b2c3d4e5f6g7h8i9';
const UNITS = ['ou-ab12-cd34ef56', 'r-ab12'];
const ROLE = {
  roleName: 'key-insight-scanner',
  maxSessionDurationSeconds: 3600,
  // A customer managed policy that every account has under this name: each account's ARN is its own.
  permissionsBoundary: { name: 'boundary' },
  scannedServices: [...SCANNED_SERVICES],
};
const MANAGEMENT_ACCOUNT = { partition: 'aws', accountId: '123456789012' };
const STATE_FILE = 'terraform.organization-aws-half.tfstate';
let changes: PlannedChange[];
let folder: TerraformRun;
let synthesized: any;

afterAll(removeTerraformFolders);

beforeAll(async () => {
  requireTerraform();
  const app = Testing.app();
  const stack = new TerraformStack(app, 'organization-aws-half');
  new LocalBackend(stack, { path: STATE_FILE });
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  stack.addOverride('provider.aws.0', { region: 'eu-west-1', ...OFFLINE_AWS_PROVIDER });
  const okta = { issuerUrl: ISSUER, audience: AUDIENCE, clientId: CLIENT_ID };
  new AwsOidcTrust(stack, 'Aws', { ...okta, ...ROLE, account: MANAGEMENT_ACCOUNT, extraReadActions: ORGANIZATION_READ_ACTIONS });
  new OrganizationStackSet(stack, 'Organization', {
    ...okta,
    ...ROLE,
    environmentName: 'ki-org',
    organizationalUnitIds: UNITS,
    autoDeployment: true,
    callAs: 'SELF',
    maxConcurrentPercentage: 25,
    failureTolerancePercentage: 10,
    region: 'eu-west-1',
    tags: { app: 'key-insight' },
  });
  synthesized = JSON.parse(Testing.synth(stack));
  folder = terraformFolder(synthesized);
  changes = await initAndPlan(folder);
}, 300_000);

function planned(type: string): PlannedChange {
  const found = changes.filter((change) => change.type === type);
  if (found.length !== 1) throw new Error(`expected one planned ${type}, found ${found.length}`);
  return found[0];
}

it('plans the management account half, the StackSet and its deployment, and nothing else', () => {
  expect(changes.map((change) => [change.type, change.actions]).sort()).toEqual([
    ['aws_cloudformation_stack_set', ['create']],
    ['aws_cloudformation_stack_set_instance', ['create']],
    ['aws_iam_openid_connect_provider', ['create']],
    ['aws_iam_policy', ['create']],
    ['aws_iam_role', ['create']],
    ['aws_iam_role_policy_attachment', ['create']],
  ]);
});

it('plans a service-managed StackSet with automatic deployment and the operation preferences', () => {
  expect(planned('aws_cloudformation_stack_set').after).toMatchObject({
    name: 'ki-org-key-insight',
    permission_model: 'SERVICE_MANAGED',
    auto_deployment: [{ enabled: true, retain_stacks_on_account_removal: false }],
    capabilities: ['CAPABILITY_NAMED_IAM'],
    call_as: 'SELF',
    operation_preferences: [{ max_concurrent_percentage: 25, failure_tolerance_percentage: 10 }],
    tags: { app: 'key-insight' },
  });
});

it('hands CloudFormation the template exactly as built, its ${...} left for CloudFormation to fill in', () => {
  const { template_body: body } = planned('aws_cloudformation_stack_set').after;
  expect(JSON.parse(body)).toEqual(memberAccountTemplate(ROLE));
});

it("gives the member role the boundary of its own account, which CloudFormation fills in there", () => {
  const { template_body: body } = planned('aws_cloudformation_stack_set').after;
  expect(JSON.parse(body).Resources.ScannerRole.Properties.PermissionsBoundary).toEqual({
    'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/boundary',
  });
});

it("gives the management account's role the boundary of the management account", () => {
  expect(planned('aws_iam_role').after.permissions_boundary).toBe('arn:aws:iam::123456789012:policy/boundary');
});

it('passes the issuer, its host and path, the audience and the client ID as parameters', () => {
  expect(planned('aws_cloudformation_stack_set').after.parameters).toEqual({
    IssuerUrl: ISSUER,
    IssuerHostPath: 'example.okta.com/oauth2/aus1a2b3c4',
    Audience: AUDIENCE,
    ClientId: CLIENT_ID,
  });
});

it('plans the deployment to the organizational units in the configured region', () => {
  expect(planned('aws_cloudformation_stack_set_instance').after).toMatchObject({
    stack_set_name: 'ki-org-key-insight',
    region: 'eu-west-1',
    call_as: 'SELF',
    deployment_targets: [{ organizational_unit_ids: UNITS }],
  });
});

it("plans the management account's scanning policy with the read-only Organizations actions", () => {
  const actions: string[] = JSON.parse(planned('aws_iam_policy').after.policy).Statement[0].Action;
  expect(actions.filter((action) => action.startsWith('organizations:'))).toEqual([...ORGANIZATION_READ_ACTIONS]);
});

describe('the administration role ARN that AWS reports for a service-managed StackSet', () => {
  const SERVICE_LINKED_ROLE =
    'arn:aws:iam::123456789012:role/aws-service-role/stacksets.cloudformation.amazonaws.com/AWSServiceRoleForCloudFormationStackSetsOrgAdmin';
  /** The same StackSet without ignore_changes, planned beside the configured one in one plan. */
  const WITHOUT_IGNORE = 'without_ignore_changes';
  let actions: Record<string, string[]>;

  /**
   * The state hashicorp/aws 5.100.0 leaves after creating the StackSet: what was planned, and the
   * service-linked role it reads back into administration_role_arn; held twice, for the configured
   * StackSet and for a copy without ignore_changes, so that one plan answers for both. Planned
   * without refresh, so nothing calls AWS.
   */
  beforeAll(async () => {
    const config = structuredClone(synthesized);
    const [name] = Object.keys(config.resource.aws_cloudformation_stack_set);
    const { lifecycle: _ignored, ...withoutIgnore } = config.resource.aws_cloudformation_stack_set[name];
    config.resource.aws_cloudformation_stack_set[WITHOUT_IGNORE] = withoutIgnore;
    const { after } = planned('aws_cloudformation_stack_set');
    const attributes = {
      ...after,
      id: after.name,
      arn: `arn:aws:cloudformation:eu-west-1:123456789012:stackset/${after.name}:0000`,
      stack_set_id: `${after.name}:0000`,
      administration_role_arn: SERVICE_LINKED_ROLE,
      execution_role_name: 'stacksets-exec-0000',
      tags_all: after.tags,
    };
    const deployed = (resourceName: string) => ({
      mode: 'managed',
      type: 'aws_cloudformation_stack_set',
      name: resourceName,
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [{ schema_version: 0, attributes, sensitive_attributes: [] }],
    });
    const state = {
      version: 4,
      terraform_version: '1.11.4',
      serial: 1,
      lineage: 'organization-drift',
      outputs: {},
      resources: [deployed(name), deployed(WITHOUT_IGNORE)],
    };
    writeFileSync(join(folder.dir, STATE_FILE), JSON.stringify(state));
    writeFileSync(join(folder.dir, 'cdk.tf.json'), JSON.stringify(config));
    await folder.run(['plan', '-input=false', '-refresh=false', '-out=drift.tfplan']);
    const plan = JSON.parse(await folder.run(['show', '-json', 'drift.tfplan']));
    actions = Object.fromEntries(
      plan.resource_changes
        .filter((change: any) => change.type === 'aws_cloudformation_stack_set')
        .map((change: any) => [change.name === WITHOUT_IGNORE ? 'withoutIgnore' : 'configured', change.change.actions]),
    );
  }, 300_000);

  it('would be planned as a change on every run without ignore_changes (hashicorp/aws 5.100.0)', () => {
    expect(actions.withoutIgnore).toEqual(['update']);
  });

  it('is ignored, so a deployed StackSet plans no change', () => {
    expect(actions.configured).toEqual(['no-op']);
  });
});

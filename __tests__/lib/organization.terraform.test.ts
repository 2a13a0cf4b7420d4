/**
 * The AWS half of an organization environment (the management account's provider, role and policy,
 * and the StackSet with its deployment) planned by real Terraform with hashicorp/aws 5.100.0 from
 * this machine's mirror, offline. As for the single-account half, the Okta half is left out: the
 * issuer and client ID it would supply are literals here. One init and plan per file.
 */
import { LocalBackend, Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AwsOidcTrust } from '../../lib/aws-oidc-trust';
import { memberAccountTemplate } from '../../lib/member-account-template';
import { OrganizationStackSet } from '../../lib/organization-stack-set';
import { SCANNED_SERVICES } from '../../lib/scanning-policy';
import { ORGANIZATION_READ_ACTIONS } from '../../lib/trust-policy';
import { OFFLINE_AWS_PROVIDER, PlannedChange, initValidatePlan, requireTerraform, terraformFolder } from '../helpers/terraform';

const ISSUER = 'https://example.okta.com/oauth2/aus1a2b3c4';
const AUDIENCE = 'api://fortanix-key-insight';
const CLIENT_ID = '0oa1b2c3d4e5f6g7h8i9';
const UNITS = ['ou-ab12-cd34ef56', 'r-ab12'];
const ROLE = {
  roleName: 'key-insight-scanner',
  maxSessionDurationSeconds: 3600,
  permissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/boundary',
  scannedServices: [...SCANNED_SERVICES],
};
let changes: PlannedChange[];

beforeAll(async () => {
  requireTerraform();
  const app = Testing.app();
  const stack = new TerraformStack(app, 'organization-aws-half');
  new LocalBackend(stack, { path: 'terraform.organization-aws-half.tfstate' });
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  stack.addOverride('provider.aws.0', { region: 'eu-west-1', ...OFFLINE_AWS_PROVIDER });
  const okta = { issuerUrl: ISSUER, audience: AUDIENCE, clientId: CLIENT_ID };
  new AwsOidcTrust(stack, 'Aws', { ...okta, ...ROLE, extraReadActions: ORGANIZATION_READ_ACTIONS });
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
  changes = await initValidatePlan(terraformFolder(JSON.parse(Testing.synth(stack))));
}, 120_000);

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

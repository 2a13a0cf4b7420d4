/**
 * The AWS half planned by real Terraform with hashicorp/aws 5.100.0 from this machine's mirror,
 * offline: fake credentials, and the provider told not to call AWS. One init and plan per file.
 */
import { LocalBackend, Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AwsOidcTrust } from '../../lib/aws-oidc-trust';
import { SCANNED_SERVICES, isReadOnlyAction } from '../../lib/scanning-policy';
import { OFFLINE_AWS_PROVIDER, PlannedChange, initValidatePlan, requireTerraform, terraformFolder } from '../helpers/terraform';

const ISSUER = 'https://example.okta.com/oauth2/aus1a2b3c4';
let changes: PlannedChange[];

beforeAll(async () => {
  requireTerraform();
  const app = Testing.app();
  const stack = new TerraformStack(app, 'aws-half');
  new LocalBackend(stack, { path: 'terraform.aws-half.tfstate' });
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  stack.addOverride('provider.aws.0', { region: 'us-east-1', ...OFFLINE_AWS_PROVIDER });
  new AwsOidcTrust(stack, 'Aws', {
    issuerUrl: ISSUER,
    audience: 'api://fortanix-key-insight',
    clientId: '0oa1b2c3d4e5f6g7h8i9',
    roleName: 'key-insight-scanner',
    maxSessionDurationSeconds: 3600,
    permissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/boundary',
    scannedServices: [...SCANNED_SERVICES],
    managedPolicyArns: ['arn:aws:iam::aws:policy/SecurityAudit'],
    tags: { app: 'key-insight' },
  });
  changes = await initValidatePlan(terraformFolder(JSON.parse(Testing.synth(stack))));
}, 120_000);

function planned(type: string): PlannedChange[] {
  return changes.filter((change) => change.type === type);
}

it('plans to create the provider, the role, the policy and both attachments, and nothing else', () => {
  expect(changes.map((change) => [change.type, change.actions]).sort()).toEqual([
    ['aws_iam_openid_connect_provider', ['create']],
    ['aws_iam_policy', ['create']],
    ['aws_iam_role', ['create']],
    ['aws_iam_role_policy_attachment', ['create']],
    ['aws_iam_role_policy_attachment', ['create']],
  ]);
});

it('plans the identity provider for the issuer and the audience', () => {
  const [provider] = planned('aws_iam_openid_connect_provider');
  expect(provider.after).toMatchObject({ url: ISSUER, client_id_list: ['api://fortanix-key-insight'], tags: { app: 'key-insight' } });
});

it('plans the role with its limits, and a trust that waits for the provider ARN', () => {
  const [role] = planned('aws_iam_role');
  expect(role.after).toMatchObject({
    name: 'key-insight-scanner',
    max_session_duration: 3600,
    permissions_boundary: 'arn:aws:iam::123456789012:policy/boundary',
  });
  expect(role.afterUnknown.assume_role_policy).toBe(true);
  expect(role.references.assume_role_policy).toEqual(
    expect.arrayContaining([expect.stringMatching(/^aws_iam_openid_connect_provider\.\w+\.arn$/)]),
  );
});

it('plans a scanning policy of read-only actions', () => {
  const [policy] = planned('aws_iam_policy');
  const actions: string[] = JSON.parse(policy.after.policy).Statement[0].Action;
  expect(actions).toContain('account:ListRegions');
  expect(actions.filter((action) => !isReadOnlyAction(action))).toEqual([]);
});

/**
 * The AWS half planned by real Terraform with hashicorp/aws 5.100.0 from this machine's mirror,
 * offline: fake credentials, and the provider told not to call AWS. One init per file, two plans:
 * - from nothing, as a first deploy plans it: the trust policy waits for the provider's ARN;
 * - with the Okta values literal and a state that already holds the identity provider (as the
 *   second deploy of a stack sees it, not refreshed): then the whole trust policy is known at plan
 *   time, and the test reads it, as JSON, from the plan.
 * The two plans run at once.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalBackend, Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AwsOidcTrust } from '../../lib/aws-oidc-trust';
import { SCANNED_SERVICES, isReadOnlyAction } from '../../lib/scanning-policy';
import { OFFLINE_AWS_PROVIDER, PlannedChange, init, plan, removeTerraformFolders, requireTerraform, terraformFolder } from '../helpers/terraform';

const ISSUER = 'https://example.okta.com/oauth2/aus1a2b3c4';
const AUDIENCE = 'api://fortanix-key-insight';
const CLIENT_ID = '0oa1b2c3d4e5f6g7h8i9';
const PROVIDER_ARN = 'arn:aws:iam::123456789012:oidc-provider/example.okta.com/oauth2/aus1a2b3c4';
let changes: PlannedChange[];
let withProvider: PlannedChange[];

/** A state holding the identity provider the configuration describes, under its resource name. */
function stateWithProvider(resourceName: string): string {
  return JSON.stringify({
    version: 4,
    terraform_version: '1.11.4',
    serial: 1,
    lineage: 'test-aws-half',
    outputs: {},
    resources: [
      {
        mode: 'managed',
        type: 'aws_iam_openid_connect_provider',
        name: resourceName,
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [
          {
            schema_version: 0,
            attributes: {
              id: PROVIDER_ARN,
              arn: PROVIDER_ARN,
              url: ISSUER,
              client_id_list: [AUDIENCE],
              thumbprint_list: [],
              tags: { app: 'key-insight' },
              tags_all: { app: 'key-insight' },
            },
          },
        ],
      },
    ],
  });
}

afterAll(removeTerraformFolders);

beforeAll(async () => {
  requireTerraform();
  const app = Testing.app();
  const stack = new TerraformStack(app, 'aws-half');
  new LocalBackend(stack, { path: 'terraform.aws-half.tfstate' });
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  stack.addOverride('provider.aws.0', { region: 'us-east-1', ...OFFLINE_AWS_PROVIDER });
  new AwsOidcTrust(stack, 'Aws', {
    issuerUrl: ISSUER,
    audience: AUDIENCE,
    clientId: CLIENT_ID,
    roleName: 'key-insight-scanner',
    maxSessionDurationSeconds: 3600,
    // A customer managed policy of the one account this role is made in.
    permissionsBoundary: { arn: 'arn:aws:iam::123456789012:policy/boundary' },
    scannedServices: [...SCANNED_SERVICES],
    managedPolicies: [{ arn: 'arn:aws:iam::aws:policy/SecurityAudit' }],
    tags: { app: 'key-insight' },
  });
  const config = JSON.parse(Testing.synth(stack));
  const folder = terraformFolder(config);
  const [providerName] = Object.keys(config.resource.aws_iam_openid_connect_provider);
  writeFileSync(join(folder.dir, 'provider-exists.tfstate'), stateWithProvider(providerName));
  await init(folder);
  [changes, withProvider] = await Promise.all([
    plan(folder, ['-lock=false']),
    plan(folder, ['-refresh=false', '-lock=false', '-state=provider-exists.tfstate'], 'provider-exists.tfplan'),
  ]);
}, 300_000);

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
  expect(provider.after).toMatchObject({ url: ISSUER, client_id_list: [AUDIENCE], tags: { app: 'key-insight' } });
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

describe('with literal Okta values and the identity provider already in the state', () => {
  it('plans only the role, the policy and the attachments; the identity provider stays', () => {
    expect(withProvider.map((change) => [change.type, change.actions]).sort()).toEqual([
      ['aws_iam_openid_connect_provider', ['no-op']],
      ['aws_iam_policy', ['create']],
      ['aws_iam_role', ['create']],
      ['aws_iam_role_policy_attachment', ['create']],
      ['aws_iam_role_policy_attachment', ['create']],
    ]);
  });

  it('knows the whole trust policy at plan time: the provider, the action, and :aud and :sub under the issuer without https://', () => {
    const role = withProvider.find((change) => change.type === 'aws_iam_role')!;

    expect(role.afterUnknown.assume_role_policy).toBeUndefined();
    expect(JSON.parse(role.after.assume_role_policy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'KeyInsightAssumesWithOktaToken',
          Effect: 'Allow',
          Principal: { Federated: PROVIDER_ARN },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              'example.okta.com/oauth2/aus1a2b3c4:aud': AUDIENCE,
              'example.okta.com/oauth2/aus1a2b3c4:sub': CLIENT_ID,
            },
          },
        },
      ],
    });
  });
});

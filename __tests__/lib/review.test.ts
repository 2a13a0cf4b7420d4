import { Testing, TerraformStack } from 'cdktf';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { AwsOidcTrust } from '../../lib/aws-oidc-trust';
import { ConfigError, parseConfig } from '../../lib/config';
import { addEnvironments } from '../../lib/key-insight-app';
import { AwsAccountStack, KeyInsightStack } from '../../lib/key-insight-stack';
import { formatFinding, reviewApp } from '../../lib/review';
import { synthesize } from '../../lib/synthesize';
import { ACKNOWLEDGEABLE_IDS, RULES } from '../../lib/review/rules';
import { trustConditions } from '../../lib/review/rules/trust-conditions';
import { configWith, minimalStack, withValue } from '../helpers/config';
import { organizationStack, templateOf } from '../helpers/organization';

type Change = (stacks: { environment: KeyInsightStack; accounts: AwsAccountStack[] }) => void;

/** The one helper every rule's fixtures go through: a configuration, optionally changed after the constructs wrote it. */
function findings(stack: any = minimalStack(), change?: Change) {
  const app = Testing.app();
  const [environment] = addEnvironments(app, parseConfig(configWith(stack)));
  const accounts = app.node.children.filter((child): child is AwsAccountStack => child instanceof AwsAccountStack);
  change?.({ environment, accounts });
  return reviewApp(app);
}

function idsOf(stack?: any, change?: Change): string[] {
  return findings(stack, change).map((finding) => finding.id).sort();
}

const trustOf = (environment: KeyInsightStack) => environment.aws!.trustPolicy;
const rewriteTrust = (environment: KeyInsightStack, edit: (policy: any) => void) => {
  const policy = structuredClone(trustOf(environment)) as any;
  edit(policy);
  environment.aws!.role.addOverride('assume_role_policy', JSON.stringify(policy));
};

describe('the default configuration', () => {
  it('passes every rule', () => {
    expect(idsOf()).toEqual([]);
  });
});

describe('KI-TRUST-CONDITIONS (error)', () => {
  const conditionsOf = (policy: any): Record<string, string> => policy.Statement[0].Condition.StringEquals;
  const keyEndingWith = (policy: any, suffix: string) => Object.keys(conditionsOf(policy)).find((key) => key.endsWith(suffix))!;

  it.each([':aud', ':sub'])('fails a trust without the %s condition', (suffix) => {
    const change: Change = ({ environment }) =>
      rewriteTrust(environment, (policy) => {
        delete conditionsOf(policy)[keyEndingWith(policy, suffix)];
      });
    expect(idsOf(undefined, change)).toEqual(['KI-TRUST-CONDITIONS']);
  });

  it('fails an :aud condition that holds another audience than the configured one, naming both', () => {
    const change: Change = ({ environment }) =>
      rewriteTrust(environment, (policy) => {
        conditionsOf(policy)[keyEndingWith(policy, ':aud')] = 'api://another-audience';
      });
    const [finding] = findings(undefined, change);
    expect(finding.id).toBe('KI-TRUST-CONDITIONS');
    expect(finding.where).toEqual(['ki-test/Aws/Role (<issuer host/path>:aud is "api://another-audience", expected "api://key-insight-test")']);
  });

  it("fails a :sub condition that holds another value than the app's client ID", () => {
    const change: Change = ({ environment }) =>
      rewriteTrust(environment, (policy) => {
        conditionsOf(policy)[keyEndingWith(policy, ':sub')] = '0oa-another-client';
      });
    const [finding] = findings(undefined, change);
    expect(finding.id).toBe('KI-TRUST-CONDITIONS');
    expect(finding.where[0]).toMatch(/^ki-test\/Aws\/Role \(<issuer host\/path>:sub is "0oa-another-client", expected "\$\{TfToken\[TOKEN\.\d+\]\}"\)$/);
  });

  it('fails conditions whose keys name another issuer than the one the provider trusts', () => {
    const change: Change = ({ environment }) =>
      rewriteTrust(environment, (policy) => {
        const conditions = conditionsOf(policy);
        policy.Statement[0].Condition.StringEquals = {
          'dev-000.okta.com/oauth2/default:aud': conditions[keyEndingWith(policy, ':aud')],
          'dev-000.okta.com/oauth2/default:sub': conditions[keyEndingWith(policy, ':sub')],
        };
      });
    const [finding] = findings(undefined, change);
    expect(finding.id).toBe('KI-TRUST-CONDITIONS');
    expect(finding.where[0]).toContain('<issuer host/path>:aud is missing, expected "api://key-insight-test"');
    expect(finding.where[0]).toContain('"dev-000.okta.com/oauth2/default:aud" does not name the issuer; "dev-000.okta.com/oauth2/default:sub" does not name the issuer');
  });

  it('fails a second Allow statement for the web identity that has no conditions, behind a correct first one', () => {
    const change: Change = ({ environment }) =>
      rewriteTrust(environment, (policy) => {
        const { Condition: _conditions, ...unconditioned } = policy.Statement[0];
        policy.Statement.push(unconditioned);
      });
    const [finding] = findings(undefined, change);
    expect([finding.id, finding.where]).toEqual([
      'KI-TRUST-CONDITIONS',
      [
        expect.stringMatching(
          /^ki-test\/Aws\/Role \(<issuer host\/path>:aud is missing, expected "api:\/\/key-insight-test"; <issuer host\/path>:sub is missing, expected "\$\{TfToken\[TOKEN\.\d+\]\}"\)$/,
        ),
      ],
    ]);
  });

  it('holds only the statements that allow the web identity to the conditions: another action is left to KI-TRUST-PRINCIPAL', () => {
    const change: Change = ({ environment }) =>
      rewriteTrust(environment, (policy) => {
        policy.Statement.push({ Effect: 'Allow', Principal: policy.Statement[0].Principal, Action: 'sts:TagSession' });
      });
    expect(idsOf(undefined, change)).toEqual(['KI-TRUST-PRINCIPAL']);
  });

  it('fails a trust whose only statement denies the web identity, naming the missing Allow', () => {
    const change: Change = ({ environment }) =>
      rewriteTrust(environment, (policy) => {
        policy.Statement[0].Effect = 'Deny';
      });
    const [finding] = findings(undefined, change);
    expect([finding.id, finding.where]).toEqual(['KI-TRUST-CONDITIONS', ['ki-test/Aws/Role (no statement allows sts:AssumeRoleWithWebIdentity)']]);
  });

  it('fails a role whose trust no AwsOidcTrust wrote', () => {
    const change: Change = ({ environment }) => {
      new IamRole(environment, 'Extra', { name: 'extra', assumeRolePolicy: JSON.stringify(trustOf(environment)) });
    };
    const [finding] = findings(undefined, change);
    expect(finding.where).toEqual(['ki-test/Extra (not written by AwsOidcTrust)']);
  });

  it('passes the trust AwsOidcTrust writes, in the environment stack and in every account stack', () => {
    const accounts = withValue(minimalStack(), 'aws.accounts', [{ accountId: '111111111111' }, { accountId: '222222222222' }]);
    expect(idsOf()).not.toContain('KI-TRUST-CONDITIONS');
    expect(idsOf(accounts)).not.toContain('KI-TRUST-CONDITIONS');
  });

  it('passes conditions with literal issuer, audience and client ID values', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'literal');
    const trust = new AwsOidcTrust(stack, 'Aws', {
      issuerUrl: 'https://dev-1.okta.com/oauth2/aus1',
      audience: 'api://key-insight-test',
      clientId: '0oa1',
      roleName: 'r',
      maxSessionDurationSeconds: 3600,
      scannedServices: ['kms'],
    });
    const environment = parseConfig(configWith(minimalStack())).stacks[0];
    const reviewed = {
      name: 'literal',
      environment,
      environments: [environment],
      resources: [{ type: 'aws_iam_role', path: trust.role.node.path, attributes: { assume_role_policy: JSON.stringify(trust.trustPolicy) } }],
      trusts: [{ rolePath: trust.role.node.path, providerPath: trust.oidcProvider.node.path, ...trust.trustConditions }],
      resolve: (value: string) => value,
    };
    expect(trust.trustConditions.keyPrefix).toBe('dev-1.okta.com/oauth2/aus1');
    expect(trustConditions.check(reviewed)).toEqual([]);
  });
});

describe('KI-TRUST-WILDCARD (error)', () => {
  it('fails an audience with a wildcard', () => {
    const stack = withValue(minimalStack(), 'okta.authorizationServer.audience', 'api://key-insight-*');
    expect(idsOf(stack)).toEqual(['KI-TRUST-WILDCARD']);
  });

  it('fails a StringLike test on the subject', () => {
    const change: Change = ({ environment }) =>
      rewriteTrust(environment, (policy) => {
        const statement = policy.Statement[0];
        statement.Condition = { StringLike: statement.Condition.StringEquals };
      });
    expect(idsOf(undefined, change)).toEqual(['KI-TRUST-CONDITIONS', 'KI-TRUST-WILDCARD']);
  });

  it.each(['StringEqualsIgnoreCase', 'StringEqualsIfExists', 'StringEqualsIgnoreCaseIfExists', 'ForAnyValue:StringEquals', 'ForAllValues:StringEquals', 'StringNotEquals'])(
    'fails a %s test of the subject, beside the exact StringEquals tests',
    (operator) => {
      const change: Change = ({ environment }) =>
        rewriteTrust(environment, (policy) => {
          const conditions = policy.Statement[0].Condition;
          const subject = Object.keys(conditions.StringEquals).find((key) => key.endsWith(':sub'))!;
          conditions[operator] = { [subject]: conditions.StringEquals[subject] };
        });
      expect(idsOf(undefined, change)).toEqual(['KI-TRUST-WILDCARD']);
    },
  );

  it('names the operators it refuses in one line', () => {
    const change: Change = ({ environment }) =>
      rewriteTrust(environment, (policy) => {
        const conditions = policy.Statement[0].Condition;
        conditions.StringEqualsIgnoreCase = conditions.StringEquals;
      });
    expect(findings(undefined, change).map(formatFinding)).toEqual([
      '[KI-TRUST-WILDCARD] ki-test: the role trust has a wildcard (* or ?) in its :aud or :sub condition, or tests one with another operator than StringEquals ' +
        '(StringLike, StringEqualsIgnoreCase, ...IfExists, ForAnyValue:, ForAllValues:) (ki-test/Aws/Role). ' +
        'Fix: use an audience and client ID without * or ?, compared with StringEquals.',
    ]);
  });

  it('passes an exact audience and client', () => {
    expect(idsOf(withValue(minimalStack(), 'okta.authorizationServer.audience', 'api://key-insight'))).toEqual([]);
  });

  it('passes another StringEquals test beside the trust, on a key that is not :aud or :sub', () => {
    const change: Change = ({ environment }) =>
      rewriteTrust(environment, (policy) => {
        policy.Statement[0].Condition.StringEqualsIgnoreCase = { 'aws:RequestedRegion': 'eu-west-1' };
      });
    expect(idsOf(undefined, change)).toEqual([]);
  });
});

describe('KI-TRUST-PRINCIPAL (error)', () => {
  it('fails a trust that also lets an AWS principal assume the role', () => {
    const change: Change = ({ environment }) =>
      rewriteTrust(environment, (policy) => {
        policy.Statement[0].Principal = { ...policy.Statement[0].Principal, AWS: '*' };
      });
    expect(idsOf(undefined, change)).toEqual(['KI-TRUST-PRINCIPAL']);
  });

  it('fails a trust that allows another action', () => {
    const change: Change = ({ environment }) =>
      rewriteTrust(environment, (policy) => {
        policy.Statement[0].Action = ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'];
      });
    expect(idsOf(undefined, change)).toEqual(['KI-TRUST-PRINCIPAL']);
  });

  it("fails a trust whose Federated principal is another account's OIDC provider, naming it", () => {
    const change: Change = ({ environment }) =>
      rewriteTrust(environment, (policy) => {
        policy.Statement[0].Principal = { Federated: 'arn:aws:iam::123456789012:oidc-provider/dev-000.okta.com/oauth2/default' };
      });
    const [finding] = findings(undefined, change);
    expect([finding.id, finding.where]).toEqual([
      'KI-TRUST-PRINCIPAL',
      ['ki-test/Aws/Role (Federated is "arn:aws:iam::123456789012:oidc-provider/dev-000.okta.com/oauth2/default", not the OIDC provider made beside the role)'],
    ]);
  });

  it('fails a trust whose Federated principal is another OIDC provider of the same stack', () => {
    const change: Change = ({ environment }) => {
      const other = new IamOpenidConnectProvider(environment, 'OtherProvider', { url: 'https://other.example.com', clientIdList: ['api://key-insight-test'] });
      rewriteTrust(environment, (policy) => {
        policy.Statement[0].Principal = { Federated: other.arn };
      });
    };
    const [finding] = findings(undefined, change);
    expect([finding.id, finding.where]).toEqual([
      'KI-TRUST-PRINCIPAL',
      ['ki-test/Aws/Role (Federated is "${aws_iam_openid_connect_provider.OtherProvider.arn}", not the OIDC provider made beside the role)'],
    ]);
  });

  it('passes the federated web-identity trust', () => {
    expect(idsOf()).not.toContain('KI-TRUST-PRINCIPAL');
  });

  it('passes the trust of every account stack, each naming its own provider', () => {
    expect(idsOf(withValue(minimalStack(), 'aws.accounts', [{ accountId: '111111111111' }]))).toEqual([]);
  });
});

/** Adds actions to the scanning policy as an override would, after the construct wrote it. */
const withScanningActions =
  (...actions: string[]): Change =>
  ({ environment }) => {
    const document = structuredClone(environment.aws!.scanningPolicyDocument) as any;
    document.Statement[0].Action.push(...actions);
    environment.aws!.scanningPolicy.addOverride('policy', JSON.stringify(document));
  };
const allowing = (...actions: string[]) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] });

describe('KI-SCAN-READONLY (error)', () => {
  it('fails a scanning policy that can write', () => {
    const [finding] = findings(undefined, withScanningActions('kms:ScheduleKeyDeletion'));
    expect([finding.id, finding.where]).toEqual(['KI-SCAN-READONLY', ['ki-test/Aws/ScanningPolicy (kms:ScheduleKeyDeletion)']]);
  });

  it('fails a policy with an action AWS does not have, although its name looks read-only', () => {
    const change: Change = ({ environment }) => {
      const document = structuredClone(environment.aws!.scanningPolicyDocument) as any;
      document.Statement[0].Action.push('kms:ListEverything', 'sts:GetFederationToken');
      environment.aws!.scanningPolicy.addOverride('policy', JSON.stringify(document));
    };
    const [finding] = findings(undefined, change);
    expect(finding.id).toBe('KI-SCAN-READONLY');
    expect(finding.where).toEqual(['ki-test/Aws/ScanningPolicy (kms:ListEverything, sts:GetFederationToken)']);
  });

  it('fails an inline aws_iam_role_policy of the role that can write', () => {
    const change: Change = ({ environment }) => {
      new IamRolePolicy(environment.aws!, 'Inline', { role: environment.aws!.role.name, policy: allowing('iam:PassRole') });
    };
    const [finding] = findings(undefined, change);
    expect([finding.id, finding.where]).toEqual(['KI-SCAN-READONLY', ['ki-test/Aws/Inline (iam:PassRole)']]);
  });

  it('fails an action that is not of the form service:Action, without looking it up', () => {
    const [finding] = findings(undefined, withScanningActions('../../package:json', 'kms'));
    expect([finding.id, finding.where]).toEqual(['KI-SCAN-READONLY', ['ki-test/Aws/ScanningPolicy (../../package:json, kms)']]);
  });

  it("fails a write action in the role's own inline_policy block", () => {
    const change: Change = ({ environment }) =>
      environment.aws!.role.addOverride('inline_policy', [{ name: 'more', policy: allowing('ec2:DeleteVolume') }]);
    const [finding] = findings(undefined, change);
    expect([finding.id, finding.where]).toEqual(['KI-SCAN-READONLY', ['ki-test/Aws/Role/inline_policy[0] (ec2:DeleteVolume)']]);
  });

  it('fails a wildcard whose actions include a write, not one whose actions are all List or Read, and a wildcard over services', () => {
    const [finding] = findings(undefined, withScanningActions('kms:Create*', 'kms:List*'));
    expect([finding.id, finding.where]).toEqual(['KI-SCAN-READONLY', ['ki-test/Aws/ScanningPolicy (kms:Create*)']]);
    expect(idsOf(undefined, withScanningActions('*:Describe*'))).toEqual(['KI-SCAN-READONLY']);
  });

  it('passes the read-only scanning policy of every service', () => {
    expect(idsOf()).not.toContain('KI-SCAN-READONLY');
  });
});

describe('KI-SCAN-READS-DATA (error, acknowledgeable)', () => {
  it.each(['dynamodb:Scan', 'dynamodb:GetItem', 'ebs:GetSnapshotBlock', 'secretsmanager:BatchGetSecretValue', 'ec2:GetPasswordData', 'logs:GetLogEvents', 'kms:Decrypt'])(
    'fails a scanning policy that allows %s, and nothing else does',
    (action) => {
      const result = findings(undefined, withScanningActions(action));
      expect(result.map((finding) => [finding.id, finding.level, finding.where])).toEqual([['KI-SCAN-READS-DATA', 'error', [`ki-test/Aws/ScanningPolicy (${action})`]]]);
    },
  );

  it('fails a wildcard that covers data reads, naming the first of them and how many more', () => {
    const result = findings(undefined, withScanningActions('dynamodb:*', 'secretsmanager:Get*', 's3:Get*'));
    expect(result.map((finding) => finding.id)).toEqual(['KI-SCAN-READONLY', 'KI-SCAN-READS-DATA', 'KI-SCAN-UNLISTED']);
    const finding = result[1];
    expect([finding.id, finding.where]).toEqual([
      'KI-SCAN-READS-DATA',
      ['ki-test/Aws/ScanningPolicy (dynamodb:* [dynamodb:BatchGetItem and 6 more], secretsmanager:Get* [secretsmanager:GetSecretValue], s3:Get* [s3:GetObject and 15 more])'],
    ]);
  });

  it('fails a wildcard over services that covers data reads, although it is not expanded', () => {
    const result = findings(undefined, withScanningActions('*'));
    expect(result.map((finding) => finding.id)).toEqual(['KI-SCAN-READONLY', 'KI-SCAN-READS-DATA']);
    expect(result[1].where).toEqual([expect.stringMatching(/^ki-test\/Aws\/ScanningPolicy \(\* \[acm:ExportCertificate and \d+ more\]\)$/)]);
  });

  it('fails an inline aws_iam_role_policy of the role that reads objects', () => {
    const change: Change = ({ environment }) => {
      new IamRolePolicy(environment.aws!, 'Inline', { role: environment.aws!.role.name, policy: allowing('s3:GetObject') });
    };
    const [finding] = findings(undefined, change);
    expect([finding.id, finding.where]).toEqual(['KI-SCAN-READS-DATA', ['ki-test/Aws/Inline (s3:GetObject)']]);
  });

  it('fails the AWS managed policy ReadOnlyAccess, in one line with the ID, the place and the fix', () => {
    const stack = withValue(minimalStack(), 'aws.scanning', { managedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] });
    const reading = findings(stack).find((finding) => finding.id === 'KI-SCAN-READS-DATA')!;
    expect(formatFinding(reading)).toBe(
      '[KI-SCAN-READS-DATA] ki-test: a policy of the role allows an action, or the role has an AWS managed policy, that reads data ' +
        '(object or item contents, secret or parameter values, log events, snapshot blocks, decryption) ' +
        '(ki-test/Aws/ManagedPolicyAttachment0 (arn:aws:iam::aws:policy/ReadOnlyAccess)). ' +
        'Fix: remove the action or the policy; where Key Insight truly needs it, acknowledge KI-SCAN-READS-DATA with the reason.',
    );
  });

  it('fails a data-reading AWS managed policy given in managed_policy_arns of the role', () => {
    const change: Change = ({ environment }) =>
      environment.aws!.role.addOverride('managed_policy_arns', ['arn:aws-us-gov:iam::aws:policy/AmazonDynamoDBReadOnlyAccess']);
    const [finding] = findings(undefined, change);
    expect([finding.id, finding.where]).toEqual(['KI-SCAN-READS-DATA', ['ki-test/Aws/Role/managed_policy_arns (arn:aws-us-gov:iam::aws:policy/AmazonDynamoDBReadOnlyAccess)']]);
  });

  it('refuses the synth while it is not acknowledged', () => {
    const stack = withValue(minimalStack(), 'aws.scanning', { managedPolicyArns: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'] });
    expect(() => synthesize(Testing.app(), parseConfig(configWith(stack)))).toThrow(
      'The security review refused the synth:\n  - [KI-SCAN-READS-DATA] ki-test: a policy of the role allows an action, or the role has an AWS managed policy, that reads data ' +
        '(object or item contents, secret or parameter values, log events, snapshot blocks, decryption) ' +
        '(ki-test/Aws/ManagedPolicyAttachment0 (arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess)). ' +
        'Fix: remove the action or the policy; where Key Insight truly needs it, acknowledge KI-SCAN-READS-DATA with the reason.',
    );
  });

  it('can be acknowledged with a reason, which leaves the extra-policy warning', () => {
    const stack = {
      ...withValue(minimalStack(), 'aws.scanning', { managedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }),
      acknowledge: [{ id: 'KI-SCAN-READS-DATA', reason: 'Key Insight reads the contents of the audit bucket' }],
    };
    expect(() => parseConfig(configWith(stack), 'test.json', ACKNOWLEDGEABLE_IDS)).not.toThrow();
    expect(idsOf(stack)).toEqual(['KI-EXTRA-POLICIES']);
  });

  it('is quiet about a managed policy that is not known to read data, and about the scanning policy', () => {
    expect(idsOf(withValue(minimalStack(), 'aws.scanning', { managedPolicyArns: ['arn:aws:iam::aws:policy/SecurityAudit'] }))).toEqual(['KI-EXTRA-POLICIES']);
    expect(idsOf()).toEqual([]);
  });
});

describe('KI-SCAN-UNLISTED (warning)', () => {
  it("warns about a Read action that is not one of the project's scanning actions, naming it", () => {
    const [finding] = findings(undefined, withScanningActions('kms:DescribeCustomKeyStores', 'acm:SearchCertificates'));
    expect([finding.id, finding.level, finding.where]).toEqual([
      'KI-SCAN-UNLISTED',
      'warning',
      ['ki-test/Aws/ScanningPolicy (kms:DescribeCustomKeyStores, acm:SearchCertificates)'],
    ]);
  });

  it('warns about a read-only wildcard for the actions it covers beyond the scanning actions', () => {
    const [finding] = findings(undefined, withScanningActions('kms:Describe*'));
    expect([finding.id, finding.where]).toEqual(['KI-SCAN-UNLISTED', ['ki-test/Aws/ScanningPolicy (kms:Describe* [kms:DescribeCustomKeyStores])']]);
  });

  it('warns about an unlisted action of an inline role policy', () => {
    const change: Change = ({ environment }) => {
      new IamRolePolicy(environment.aws!, 'Inline', { role: environment.aws!.role.name, policy: allowing('iam:ListRoles') });
    };
    const [finding] = findings(undefined, change);
    expect([finding.id, finding.where]).toEqual(['KI-SCAN-UNLISTED', ['ki-test/Aws/Inline (iam:ListRoles)']]);
  });

  it('is quiet about a scanning action of a service the environment does not scan, and about a wildcard that covers only scanning actions', () => {
    expect(idsOf(withValue(minimalStack(), 'aws.scanning.services', ['kms']), withScanningActions('acm:ListCertificates'))).toEqual([]);
    expect(idsOf(undefined, withScanningActions('eks:ListClusters', 'kms:DescribeK*'))).toEqual([]);
  });

  it('can be acknowledged', () => {
    const stack = { ...minimalStack(), acknowledge: [{ id: 'KI-SCAN-UNLISTED', reason: 'kms:DescribeCustomKeyStores names CloudHSM clusters only' }] };
    expect(idsOf(stack, withScanningActions('kms:DescribeCustomKeyStores'))).toEqual([]);
  });
});

describe('KI-RULE-GRANT (error)', () => {
  it('fails a rule that also allows the implicit grant', () => {
    const change: Change = ({ environment }) =>
      environment.okta!.rule.addOverride('grant_type_whitelist', ['client_credentials', 'implicit']);
    expect(idsOf(undefined, change)).toEqual(['KI-RULE-GRANT']);
  });

  it('passes a rule for client credentials only', () => {
    expect(idsOf()).not.toContain('KI-RULE-GRANT');
  });
});

describe('KI-RULE-SCOPE (error)', () => {
  it('fails a rule that allows any scope', () => {
    const change: Change = ({ environment }) => environment.okta!.rule.addOverride('scope_whitelist', ['*']);
    expect(idsOf(undefined, change)).toEqual(['KI-RULE-SCOPE']);
  });

  it('passes a rule that names its scopes', () => {
    expect(idsOf()).not.toContain('KI-RULE-SCOPE');
  });
});

describe('KI-OIDC-AUDIENCE (error)', () => {
  it("fails a provider whose client IDs lack the server's audience", () => {
    const change: Change = ({ environment }) => {
      environment.aws!.oidcProvider.clientIdList = ['sts.amazonaws.com'];
    };
    expect(idsOf(undefined, change)).toEqual(['KI-OIDC-AUDIENCE']);
  });

  it('passes in account stacks too', () => {
    expect(idsOf(withValue(minimalStack(), 'aws.accounts', [{ accountId: '123456789012' }]))).toEqual([]);
  });
});

describe('KI-POLICY-ALL-CLIENTS (warning)', () => {
  it('warns about a policy for all clients', () => {
    expect(idsOf(withValue(minimalStack(), 'okta.accessPolicy', { assignTo: 'all-clients' }))).toEqual(['KI-POLICY-ALL-CLIENTS']);
  });

  it('is quiet about a policy for this app', () => {
    expect(idsOf(withValue(minimalStack(), 'okta.accessPolicy', { assignTo: 'this-app' }))).toEqual([]);
  });
});

describe('KI-TOKEN-LIFETIME (warning)', () => {
  it('warns about tokens that live 61 minutes', () => {
    expect(idsOf(withValue(minimalStack(), 'okta.rule', { accessTokenLifetimeMinutes: 61 }))).toEqual(['KI-TOKEN-LIFETIME']);
  });

  it('is quiet at 60 minutes', () => {
    expect(idsOf(withValue(minimalStack(), 'okta.rule', { accessTokenLifetimeMinutes: 60 }))).toEqual([]);
  });
});

describe('KI-ROLE-SESSION (warning)', () => {
  it('warns about sessions over an hour, once for all account stacks', () => {
    const stack = withValue(
      withValue(minimalStack({ backend: { type: 's3', bucket: 'acme-tf', keyPrefix: 'ki', region: 'us-east-1' } }), 'aws.role', {
        maxSessionDurationSeconds: 3601,
      }),
      'aws.accounts',
      [{ accountId: '111111111111' }, { accountId: '222222222222' }],
    );
    const result = findings(stack);
    expect(result.map((finding) => finding.id)).toEqual(['KI-ROLE-SESSION']);
    expect(result[0].where).toEqual([
      'ki-test-111111111111/Aws/Role (3601 seconds)',
      'ki-test-222222222222/Aws/Role (3601 seconds)',
    ]);
    expect(result[0].stack.node.id).toBe('ki-test');
  });

  it('is quiet at one hour', () => {
    expect(idsOf(withValue(minimalStack(), 'aws.role', { maxSessionDurationSeconds: 3600 }))).toEqual([]);
  });
});

describe('KI-STATE-LOCAL-ACCOUNTS (warning)', () => {
  const accounts = [{ accountId: '111111111111' }, { accountId: '222222222222' }];

  it('warns about local state for several accounts', () => {
    expect(idsOf(withValue(minimalStack(), 'aws.accounts', accounts))).toEqual(['KI-STATE-LOCAL-ACCOUNTS']);
  });

  it('is quiet with S3 state', () => {
    const stack = withValue(minimalStack({ backend: { type: 's3', bucket: 'acme-tf', keyPrefix: 'ki', region: 'us-east-1' } }), 'aws.accounts', accounts);
    expect(idsOf(stack)).toEqual([]);
  });
});

describe('KI-EXTRA-POLICIES (warning)', () => {
  it('warns about managed policies beyond the scanning policy', () => {
    const stack = withValue(minimalStack(), 'aws.scanning', { managedPolicyArns: ['arn:aws:iam::aws:policy/SecurityAudit'] });
    const [finding] = findings(stack);
    expect(finding.id).toBe('KI-EXTRA-POLICIES');
    expect(finding.where).toEqual(['ki-test/Aws/ManagedPolicyAttachment0 (arn:aws:iam::aws:policy/SecurityAudit)']);
  });

  it('is quiet with the scanning policy alone', () => {
    expect(idsOf(withValue(minimalStack(), 'aws.scanning', { managedPolicyArns: [] }))).toEqual([]);
  });
});

describe('inside the member-account template of an organization environment', () => {
  const TEMPLATE_ROLE = 'ki-test/Organization/StackSet/template/ScannerRole';

  /** Rewrites the StackSet's template as an override would, after the constructs wrote it. */
  const rewriteTemplate =
    (edit: (template: any) => void): Change =>
    ({ environment }) => {
      const stackSet = environment.organization!;
      const template = templateOf(stackSet.templateBody);
      edit(template);
      stackSet.stackSet.addOverride('template_body', JSON.stringify(template).replace(/\$\{/g, '$$${'));
    };
  const rewriteTrust = (edit: (policy: any) => void) =>
    rewriteTemplate((template) => {
      const properties = template.Resources.ScannerRole.Properties;
      const policy = JSON.parse(properties.AssumeRolePolicyDocument['Fn::Sub']);
      edit(policy);
      properties.AssumeRolePolicyDocument['Fn::Sub'] = JSON.stringify(policy);
    });

  it('passes every rule as written', () => {
    expect(idsOf(organizationStack())).toEqual([]);
  });

  it('fails a template trust without the :sub condition (KI-TRUST-CONDITIONS)', () => {
    const change = rewriteTrust((policy) => {
      delete policy.Statement[0].Condition.StringEquals['${IssuerHostPath}:sub'];
    });
    const [finding] = findings(organizationStack(), change);
    expect(finding.id).toBe('KI-TRUST-CONDITIONS');
    expect(finding.where).toEqual([expect.stringMatching(/^ki-test\/Organization\/StackSet\/template\/ScannerRole \(<issuer host\/path>:sub is missing, expected "\$\{TfToken\[TOKEN\.\d+\]\}"\)$/)]);
    expect(finding.where[0].startsWith(TEMPLATE_ROLE)).toBe(true);
  });

  it('fails a template trust whose :aud condition holds another audience (KI-TRUST-CONDITIONS)', () => {
    const change = rewriteTrust((policy) => {
      policy.Statement[0].Condition.StringEquals['${IssuerHostPath}:aud'] = 'api://another-audience';
    });
    const [finding] = findings(organizationStack(), change);
    expect([finding.id, finding.where]).toEqual([
      'KI-TRUST-CONDITIONS',
      [`${TEMPLATE_ROLE} (<issuer host/path>:aud is "api://another-audience", expected "api://key-insight-test")`],
    ]);
  });

  it('fails a template trust that also lets an AWS principal assume the role (KI-TRUST-PRINCIPAL)', () => {
    const change = rewriteTrust((policy) => {
      policy.Statement[0].Principal.AWS = '*';
    });
    const [finding] = findings(organizationStack(), change);
    expect([finding.id, finding.where]).toEqual(['KI-TRUST-PRINCIPAL', [`${TEMPLATE_ROLE} (the principal is not Federated alone)`]]);
  });

  it("fails a template trust that names another OIDC provider than the template's own (KI-TRUST-PRINCIPAL)", () => {
    const change = rewriteTrust((policy) => {
      policy.Statement[0].Principal.Federated = 'arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/other.example.com';
    });
    const [finding] = findings(organizationStack(), change);
    expect([finding.id, finding.where]).toEqual([
      'KI-TRUST-PRINCIPAL',
      [`${TEMPLATE_ROLE} (Federated is "arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/other.example.com", not the OIDC provider made beside the role)`],
    ]);
  });

  it('fails a wildcard audience in the management role and in the template role (KI-TRUST-WILDCARD)', () => {
    const stack = withValue(organizationStack(), 'okta.authorizationServer.audience', 'api://key-insight-*');
    const [finding] = findings(stack);
    expect([finding.id, finding.where]).toEqual(['KI-TRUST-WILDCARD', ['ki-test/Aws/Role', TEMPLATE_ROLE]]);
  });

  it('fails a template scanning policy that can decrypt (KI-SCAN-READS-DATA)', () => {
    const change = rewriteTemplate((template) => {
      template.Resources.ScanningPolicy.Properties.PolicyDocument.Statement[0].Action.push('kms:Decrypt');
    });
    const [finding] = findings(organizationStack(), change);
    expect([finding.id, finding.where]).toEqual(['KI-SCAN-READS-DATA', ['ki-test/Organization/StackSet/template/ScanningPolicy (kms:Decrypt)']]);
  });

  it('fails a template scanning policy that can write (KI-SCAN-READONLY)', () => {
    const change = rewriteTemplate((template) => {
      template.Resources.ScanningPolicy.Properties.PolicyDocument.Statement[0].Action.push('kms:PutKeyPolicy');
    });
    const [finding] = findings(organizationStack(), change);
    expect([finding.id, finding.where]).toEqual(['KI-SCAN-READONLY', ['ki-test/Organization/StackSet/template/ScanningPolicy (kms:PutKeyPolicy)']]);
  });

  it('warns about an unlisted action of an AWS::IAM::RolePolicy in the template (KI-SCAN-UNLISTED)', () => {
    const change = rewriteTemplate((template) => {
      template.Resources.MorePolicy = {
        Type: 'AWS::IAM::RolePolicy',
        Properties: { PolicyName: 'more', RoleName: { Ref: 'ScannerRole' }, PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' }] } },
      };
    });
    const [finding] = findings(organizationStack(), change);
    expect([finding.id, finding.where]).toEqual(['KI-SCAN-UNLISTED', ['ki-test/Organization/StackSet/template/MorePolicy (iam:ListRoles)']]);
  });

  it('fails an AWS managed policy that reads data on the management role and the template role (KI-SCAN-READS-DATA)', () => {
    const stack = withValue(organizationStack(), 'aws.scanning.managedPolicyArns', ['arn:aws:iam::aws:policy/ReadOnlyAccess']);
    const reading = findings(stack).find((finding) => finding.id === 'KI-SCAN-READS-DATA')!;
    expect(reading.where).toEqual([
      'ki-test/Aws/ManagedPolicyAttachment0 (arn:aws:iam::aws:policy/ReadOnlyAccess)',
      `${TEMPLATE_ROLE}/ManagedPolicyArns[0] (arn:aws:iam::aws:policy/ReadOnlyAccess)`,
    ]);
  });

  it('fails an inline policy added to the template role (KI-SCAN-READS-DATA)', () => {
    const change = rewriteTemplate((template) => {
      template.Resources.ScannerRole.Properties.Policies = [
        { PolicyName: 'more', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] } },
      ];
    });
    const [finding] = findings(organizationStack(), change);
    expect([finding.id, finding.where]).toEqual(['KI-SCAN-READS-DATA', [`${TEMPLATE_ROLE}/Policies[0] (s3:GetObject)`]]);
  });

  it("fails a template provider whose client IDs lack the server's audience (KI-OIDC-AUDIENCE)", () => {
    const change = rewriteTemplate((template) => {
      template.Resources.OidcProvider.Properties.ClientIdList = ['sts.amazonaws.com'];
    });
    const [finding] = findings(organizationStack(), change);
    expect([finding.id, finding.where]).toEqual(['KI-OIDC-AUDIENCE', ['ki-test/Organization/StackSet/template/OidcProvider']]);
  });

  it('warns about long sessions of the management role and the template role (KI-ROLE-SESSION)', () => {
    const [finding] = findings(withValue(organizationStack(), 'aws.role.maxSessionDurationSeconds', 3601));
    expect([finding.id, finding.where]).toEqual(['KI-ROLE-SESSION', ['ki-test/Aws/Role (3601 seconds)', `${TEMPLATE_ROLE} (3601 seconds)`]]);
  });

  it('warns about extra managed policies given by name, in the management account and in the template (KI-EXTRA-POLICIES)', () => {
    const stack = withValue(organizationStack(), 'aws.scanning.managedPolicyNames', ['scanner-extras']);
    const [finding] = findings(stack);
    expect(finding.id).toBe('KI-EXTRA-POLICIES');
    expect(finding.where).toEqual([
      "ki-test/Aws/ManagedPolicyAttachment0 (the account's policy scanner-extras)",
      `${TEMPLATE_ROLE}/ManagedPolicyArns[0] (arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/scanner-extras)`,
    ]);
  });

  it('warns about extra managed policies on the template role (KI-EXTRA-POLICIES)', () => {
    const stack = withValue(organizationStack(), 'aws.scanning.managedPolicyArns', ['arn:aws:iam::aws:policy/SecurityAudit']);
    const [finding] = findings(stack);
    expect([finding.id, finding.where]).toEqual([
      'KI-EXTRA-POLICIES',
      [
        'ki-test/Aws/ManagedPolicyAttachment0 (arn:aws:iam::aws:policy/SecurityAudit)',
        `${TEMPLATE_ROLE}/ManagedPolicyArns[0] (arn:aws:iam::aws:policy/SecurityAudit)`,
      ],
    ]);
  });
});

describe('KI-ORG-NO-AUTO-DEPLOY (warning)', () => {
  it('warns about a StackSet without automatic deployment', () => {
    const [finding] = findings(organizationStack({ autoDeployment: false }));
    expect([finding.id, finding.level, finding.where]).toEqual(['KI-ORG-NO-AUTO-DEPLOY', 'warning', ['ki-test/Organization/StackSet']]);
  });

  it('is quiet with automatic deployment', () => {
    expect(idsOf(organizationStack({ autoDeployment: true }))).toEqual([]);
  });

  it('can be acknowledged', () => {
    const stack = { ...organizationStack({ autoDeployment: false }), acknowledge: [{ id: 'KI-ORG-NO-AUTO-DEPLOY', reason: 'Accounts join only through our account factory' }] };
    expect(idsOf(stack)).toEqual([]);
  });
});

describe('KI-OKTA-NAMES-SHARED (warning)', () => {
  function findingsOf(...stacks: any[]) {
    const app = Testing.app();
    addEnvironments(app, parseConfig(configWith(...stacks)));
    return reviewApp(app);
  }
  const own = (name: string, label: string, server: string, audience: string) =>
    withValue(withValue(withValue(minimalStack({ name }), 'okta.app.label', label), 'okta.authorizationServer.name', server), 'okta.authorizationServer.audience', audience);

  it('warns both environments that share the app label, naming the field, the value and the other environment', () => {
    const found = findingsOf(own('ki-dev', 'Key Insight', 'Dev server', 'api://dev'), own('ki-prod', 'Key Insight', 'Prod server', 'api://prod'));
    expect(found.map((finding) => [finding.id, finding.environment, finding.where])).toEqual([
      ['KI-OKTA-NAMES-SHARED', 'ki-dev', ['okta.app.label "Key Insight" is also ki-prod\'s']],
      ['KI-OKTA-NAMES-SHARED', 'ki-prod', ['okta.app.label "Key Insight" is also ki-dev\'s']],
    ]);
  });

  it('warns about a shared authorization server name and a shared audience, each environment once', () => {
    const found = findingsOf(
      own('ki-a', 'A', 'Server', 'api://same'),
      own('ki-b', 'B', 'Server', 'api://same'),
      own('ki-c', 'C', 'Server', 'api://c'),
    );
    expect(found.find((finding) => finding.environment === 'ki-a')?.where).toEqual([
      'okta.authorizationServer.name "Server" is also ki-b, ki-c\'s',
      'okta.authorizationServer.audience "api://same" is also ki-b\'s',
    ]);
    expect(formatFinding(found.find((finding) => finding.environment === 'ki-c')!)).toBe(
      '[KI-OKTA-NAMES-SHARED] ki-c: another environment has the same Okta app label, authorization server name or audience, which `npx key-insight discover` finds Okta objects by ' +
        '(okta.authorizationServer.name "Server" is also ki-a, ki-b\'s). ' +
        'Fix: give each environment its own stacks[].okta.app.label, okta.authorizationServer.name and okta.authorizationServer.audience, or acknowledge this warning where the environments use different Okta orgs.',
    );
  });

  it('warns two environments that keep the default app label and server name', () => {
    const found = findingsOf(minimalStack({ name: 'ki-a' }), withValue(minimalStack({ name: 'ki-b' }), 'okta.authorizationServer.audience', 'api://b'));
    expect(found.find((finding) => finding.environment === 'ki-b')?.where).toEqual([
      'okta.app.label "Fortanix Key Insight" is also ki-a\'s',
      'okta.authorizationServer.name "Fortanix Key Insight" is also ki-a\'s',
    ]);
  });

  it('is quiet when every environment has its own names, and for an environment with account stacks reports once', () => {
    expect(findingsOf(own('ki-a', 'A', 'Server A', 'api://a'), own('ki-b', 'B', 'Server B', 'api://b'))).toEqual([]);
    const withAccounts = withValue(own('ki-b', 'A', 'Server B', 'api://b'), 'aws.accounts', [{ accountId: '111111111111' }]);
    const found = findingsOf(own('ki-a', 'A', 'Server A', 'api://a'), withAccounts);
    expect(found.filter((finding) => finding.environment === 'ki-b').map((finding) => finding.where)).toEqual([['okta.app.label "A" is also ki-a\'s']]);
  });

  it('can be acknowledged where the environments use different Okta orgs', () => {
    const acknowledged = { ...own('ki-b', 'A', 'Server B', 'api://b'), acknowledge: [{ id: 'KI-OKTA-NAMES-SHARED', reason: 'ki-b lives in the preview Okta org' }] };
    expect(findingsOf(own('ki-a', 'A', 'Server A', 'api://a'), acknowledged).map((finding) => finding.environment)).toEqual(['ki-a']);
  });
});

describe('acknowledgements', () => {
  const longTokens = withValue(minimalStack(), 'okta.rule', { accessTokenLifetimeMinutes: 120 });

  it('silence an acknowledged warning', () => {
    const stack = { ...longTokens, acknowledge: [{ id: 'KI-TOKEN-LIFETIME', reason: 'Scans run for two hours' }] };
    expect(idsOf(stack)).toEqual([]);
  });

  it('cannot silence an error', () => {
    const stack = { ...minimalStack(), acknowledge: [{ id: 'KI-TRUST-WILDCARD', reason: 'We really want this' }] };
    expect(() => synthesize(Testing.app(), parseConfig(configWith(stack)))).toThrow(
      'stacks[0].acknowledge[0].id is "KI-TRUST-WILDCARD", but must be an acknowledgeable review ID: one of KI-SCAN-READS-DATA, KI-SCAN-UNLISTED, KI-POLICY-ALL-CLIENTS, KI-TOKEN-LIFETIME, KI-ROLE-SESSION, KI-STATE-LOCAL-ACCOUNTS, KI-EXTRA-POLICIES, KI-ORG-NO-AUTO-DEPLOY, KI-ACCOUNT-RETIRED, KI-OKTA-NAMES-SHARED (other errors cannot be acknowledged)',
    );
  });

  it('are all checked in one run: three bad entries are three problems', () => {
    const stack = {
      ...longTokens,
      acknowledge: [
        { id: 'KI-TOKEN-LIFETIME', reason: 'ok' },
        { id: 'KI-NO-SUCH-WARNING', reason: 'Written before the rule was renamed' },
        { id: 'token-lifetime', reason: 'Scans run for two hours' },
      ],
    };
    expect(() => parseConfig(configWith(stack), 'test.json', ACKNOWLEDGEABLE_IDS)).toThrow(
      new ConfigError(
        'Invalid configuration in test.json (3 problems):\n' +
          '  - stacks[0].acknowledge[0].reason is "ok", but must be a written reason of at least 10 characters\n' +
          '  - stacks[0].acknowledge[2].id is "token-lifetime", but must be a security-review warning ID such as KI-TOKEN-LIFETIME\n' +
          '  - stacks[0].acknowledge[1].id is "KI-NO-SUCH-WARNING", but must be an acknowledgeable review ID: one of KI-SCAN-READS-DATA, KI-SCAN-UNLISTED, KI-POLICY-ALL-CLIENTS, KI-TOKEN-LIFETIME, KI-ROLE-SESSION, KI-STATE-LOCAL-ACCOUNTS, KI-EXTRA-POLICIES, KI-ORG-NO-AUTO-DEPLOY, KI-ACCOUNT-RETIRED, KI-OKTA-NAMES-SHARED (other errors cannot be acknowledged)',
      ),
    );
  });

  it('need a written reason', () => {
    const stack = { ...longTokens, acknowledge: [{ id: 'KI-TOKEN-LIFETIME', reason: 'ok' }] };
    expect(() => parseConfig(configWith(stack))).toThrow(
      'stacks[0].acknowledge[0].reason is "ok", but must be a written reason of at least 10 characters',
    );
  });
});

describe('the rules', () => {
  it('have unique IDs, a cause and a fix', () => {
    expect(new Set(RULES.map((rule) => rule.id)).size).toBe(RULES.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^KI-[A-Z-]+$/);
      expect(rule.cause.length).toBeGreaterThan(20);
      expect(rule.fix.length).toBeGreaterThan(10);
    }
  });

  it('read as one line with the ID, the environment, the place and the fix', () => {
    const [finding] = findings(withValue(minimalStack(), 'okta.rule', { accessTokenLifetimeMinutes: 90 }));
    expect(formatFinding(finding)).toBe(
      '[KI-TOKEN-LIFETIME] ki-test: access tokens live longer than 60 minutes (ki-test/Okta/Rule (90 minutes)). Fix: set stacks[].okta.rule.accessTokenLifetimeMinutes to 60 or less.',
    );
  });
});

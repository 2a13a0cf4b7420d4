/**
 * A permissions boundary or an extra managed policy must exist in every account the role is made in:
 * IAM attaches only AWS managed policies and customer managed policies of the role's own account.
 */
import { configWith, minimalStack, problemsOf, withValue } from '../helpers/config';
import { organizationStack, templateOf } from '../helpers/organization';
import { onlyResource, resourcesOf, synthConfig } from '../helpers/synth';

const ACCOUNTS = [{ accountId: '111111111111' }, { accountId: '222222222222', region: 'cn-north-1' }];

function withAccounts(aws: Record<string, unknown>): any {
  return withValue(minimalStack(), 'aws', { region: 'eu-west-1', accounts: ACCOUNTS, ...aws });
}

describe('a customer managed policy given by name', () => {
  const stacks = synthConfig(
    configWith(withAccounts({ role: { permissionsBoundaryName: 'boundaries/key-insight' }, scanning: { managedPolicyNames: ['scanner-extras'] } })),
  );

  it("is each account stack's own account's policy, in the partition of the account's region", () => {
    expect(onlyResource(stacks['ki-test-111111111111'], 'aws_iam_role').permissions_boundary).toBe(
      'arn:aws:iam::111111111111:policy/boundaries/key-insight',
    );
    expect(onlyResource(stacks['ki-test-222222222222'], 'aws_iam_role').permissions_boundary).toBe(
      'arn:aws-cn:iam::222222222222:policy/boundaries/key-insight',
    );
  });

  it('is attached in each account as that account\'s policy', () => {
    const attached = (stack: string) => resourcesOf(stacks[stack], 'aws_iam_role_policy_attachment').map((attachment) => attachment.policy_arn);
    expect(attached('ki-test-111111111111')).toContain('arn:aws:iam::111111111111:policy/scanner-extras');
    expect(attached('ki-test-222222222222')).toContain('arn:aws-cn:iam::222222222222:policy/scanner-extras');
  });

  it("is each member account's own policy in the StackSet's template", () => {
    const [stack] = Object.values(
      synthConfig(configWith(withValue(organizationStack(), 'aws.role', { permissionsBoundaryName: 'boundary' }))),
    );
    const template = templateOf(onlyResource(stack, 'aws_cloudformation_stack_set').template_body);
    expect(template.Resources.ScannerRole.Properties.PermissionsBoundary).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/boundary',
    });
  });

  it("is the deploying account's policy in a stack without accounts, read from the credentials at plan time", () => {
    const [stack] = Object.values(synthConfig(configWith(withValue(minimalStack(), 'aws.role', { permissionsBoundaryName: 'boundary' }))));
    const partition = Object.keys(stack.data!.aws_partition)[0];
    const account = Object.keys(stack.data!.aws_caller_identity)[0];
    expect(onlyResource(stack, 'aws_iam_role').permissions_boundary).toBe(
      `arn:\${data.aws_partition.${partition}.partition}:iam::\${data.aws_caller_identity.${account}.account_id}:policy/boundary`,
    );
  });
});

describe('a customer managed policy ARN', () => {
  it('is kept for an environment whose role is made in one account', () => {
    const [stack] = Object.values(
      synthConfig(configWith(withValue(minimalStack(), 'aws.role', { permissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/boundary' }))),
    );
    expect(onlyResource(stack, 'aws_iam_role').permissions_boundary).toBe('arn:aws:iam::123456789012:policy/boundary');
  });

  it('is kept when the one listed account is its own', () => {
    const stack = withValue(minimalStack(), 'aws', {
      region: 'eu-west-1',
      accounts: [{ accountId: '111111111111' }],
      scanning: { managedPolicyArns: ['arn:aws:iam::111111111111:policy/extras'] },
    });
    const stacks = synthConfig(configWith(stack));
    expect(resourcesOf(stacks['ki-test-111111111111'], 'aws_iam_role_policy_attachment').map((a) => a.policy_arn)).toContain(
      'arn:aws:iam::111111111111:policy/extras',
    );
  });

  it('of one account is refused for an environment of several accounts, with the name to give instead', () => {
    const stack = withAccounts({ role: { permissionsBoundaryArn: 'arn:aws:iam::111111111111:policy/boundaries/key-insight' } });
    expect(problemsOf(configWith(stack))).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        '  - stacks[0].aws.role.permissionsBoundaryArn is "arn:aws:iam::111111111111:policy/boundaries/key-insight", a customer managed policy of account 111111111111, which IAM cannot attach to the role in account 222222222222; ' +
        'create the policy under one name in every account and give that name in stacks[].aws.role.permissionsBoundaryName ("boundaries/key-insight") instead, or use an AWS managed policy (arn:aws:iam::aws:policy/...)',
    );
  });

  it('is refused for an organization, whose member accounts are other accounts', () => {
    const stack = withValue(organizationStack(), 'aws.scanning', { managedPolicyArns: ['arn:aws:iam::aws:policy/SecurityAudit', 'arn:aws:iam::123456789012:policy/extras'] });
    expect(problemsOf(configWith(stack))).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        '  - stacks[0].aws.scanning.managedPolicyArns[1] is "arn:aws:iam::123456789012:policy/extras", a customer managed policy of account 123456789012, which IAM cannot attach to the role in the organization\'s member accounts; ' +
        'create the policy under one name in every account and give that name in stacks[].aws.scanning.managedPolicyNames ("extras") instead, or use an AWS managed policy (arn:aws:iam::aws:policy/...)',
    );
  });

  it('is refused when it belongs to none of the listed accounts', () => {
    const stack = withAccounts({ scanning: { managedPolicyArns: ['arn:aws:iam::999999999999:policy/extras'] } });
    expect(problemsOf(configWith(stack))).toContain(
      'a customer managed policy of account 999999999999, which IAM cannot attach to the role in accounts 111111111111, 222222222222;',
    );
  });
});

describe('an AWS managed policy ARN', () => {
  it('is the same in every account, the StackSet template included', () => {
    const stack = withValue(organizationStack(), 'aws.role', { permissionsBoundaryArn: 'arn:aws:iam::aws:policy/PowerUserAccess' });
    const [synthesized] = Object.values(synthConfig(configWith(stack)));
    const template = templateOf(onlyResource(synthesized, 'aws_cloudformation_stack_set').template_body);
    expect(template.Resources.ScannerRole.Properties.PermissionsBoundary).toBe('arn:aws:iam::aws:policy/PowerUserAccess');
  });
});

describe('the policy fields', () => {
  it('take one permissions boundary', () => {
    const stack = withValue(minimalStack(), 'aws.role', {
      permissionsBoundaryArn: 'arn:aws:iam::aws:policy/PowerUserAccess',
      permissionsBoundaryName: 'boundary',
    });
    expect(problemsOf(configWith(stack))).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        '  - stacks[0].aws.role.permissionsBoundaryName is "boundary", but must be left out when stacks[].aws.role.permissionsBoundaryArn is set: a role has one permissions boundary',
    );
  });

  it('take at most 10 managed policies, ARNs and names together', () => {
    const stack = withValue(minimalStack(), 'aws.scanning', {
      managedPolicyArns: ['arn:aws:iam::aws:policy/SecurityAudit'],
      managedPolicyNames: Array.from({ length: 10 }, (_, index) => `extra-${index}`),
    });
    expect(problemsOf(configWith(stack))).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        '  - stacks[0].aws.scanning.managedPolicyNames is ["extra-0","extra-1","extra-2","extra-3","extra-4","extra-5","extra-6","extra-7"... (10 items), where managedPolicyArns and managedPolicyNames list 11 policies together, but a role takes at most 10 (the IAM limit per role)',
    );
  });

  it('refuse a name that is not an IAM policy name', () => {
    expect(problemsOf(configWith(withValue(minimalStack(), 'aws.role', { permissionsBoundaryName: 'arn:aws:iam::aws:policy/X' })))).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        '  - stacks[0].aws.role.permissionsBoundaryName is "arn:aws:iam::aws:policy/X", but must be an IAM policy name of 1 to 128 letters, digits and + = , . @ _ -, after its path when it has one (path/name), such as boundary',
    );
  });
});

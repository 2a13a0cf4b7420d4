/** Every ARN of a configuration is in the partition of the region it is used in, whichever partition that is. */
import { parseConfig } from '../../../lib/config';
import { configWith, minimalStack, problemsOf, refusalOf, withValue } from '../../helpers/config';

// One region of each partition, with its partition as AWS documents it (the partition is an ARN's second field).
const REGIONS_AND_PARTITIONS = [
  ['us-east-1', 'aws'],
  ['cn-north-1', 'aws-cn'],
  ['us-gov-west-1', 'aws-us-gov'],
  ['eusc-de-east-1', 'aws-eusc'],
  ['us-iso-east-1', 'aws-iso'],
  ['us-isob-east-1', 'aws-iso-b'],
  ['eu-isoe-west-1', 'aws-iso-e'],
  ['us-isof-south-1', 'aws-iso-f'],
] as const;

/** An environment of one account in `region` that sets every ARN field there is, all in `partition`. */
function everyArn(region: string, partition: string): any {
  return minimalStack({
    aws: {
      region,
      accounts: [
        {
          accountId: '111111111111',
          assumeRoleArn: `arn:${partition}:iam::111111111111:role/deploy`,
          adopt: {
            aws: {
              oidcProviderArn: `arn:${partition}:iam::111111111111:oidc-provider/dev.okta.com/oauth2/aus1`,
              scanningPolicyArn: `arn:${partition}:iam::111111111111:policy/ki-test-scanner-scanning`,
            },
          },
        },
      ],
      role: { permissionsBoundaryArn: `arn:${partition}:iam::aws:policy/PowerUserAccess` },
      scanning: { managedPolicyArns: [`arn:${partition}:iam::aws:policy/ReadOnlyAccess`] },
    },
    backend: { type: 's3', bucket: 'acme-state', keyPrefix: 'ki', region, kmsKeyId: `arn:${partition}:kms:${region}:111111111111:key/tf-state` },
  });
}

describe('partitions', () => {
  it.each(REGIONS_AND_PARTITIONS)('accepts every ARN field in %s with ARNs of its partition, %s', (region, partition) => {
    const [stack] = parseConfig(configWith(everyArn(region, partition))).stacks;
    expect(stack.aws.accounts![0].assumeRoleArn).toBe(`arn:${partition}:iam::111111111111:role/deploy`);
  });

  it('refuses role and policy ARNs of aws-cn and aws-us-gov in an aws environment, each naming the partition it must be', () => {
    const stack = withValue(everyArn('us-east-1', 'aws-cn'), 'aws.scanning.managedPolicyArns', ['arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess']);
    const whose = "the partition of account 111111111111's region us-east-1";
    expect(problemsOf(configWith(stack))).toBe(
      'Invalid configuration in test.json (6 problems):\n' +
        `  - stacks[0].aws.role.permissionsBoundaryArn is "arn:aws-cn:iam::aws:policy/PowerUserAccess", but must be an ARN of partition aws (arn:aws:...), ${whose}\n` +
        `  - stacks[0].aws.scanning.managedPolicyArns[0] is "arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess", but must be an ARN of partition aws (arn:aws:...), ${whose}\n` +
        `  - stacks[0].aws.accounts[0].assumeRoleArn is "arn:aws-cn:iam::111111111111:role/deploy", but must be an ARN of partition aws (arn:aws:...), ${whose}\n` +
        `  - stacks[0].aws.accounts[0].adopt.aws.oidcProviderArn is "arn:aws-cn:iam::111111111111:oidc-provider/dev.okta.com/oauth2/aus1", but must be an ARN of partition aws (arn:aws:...), ${whose}\n` +
        `  - stacks[0].aws.accounts[0].adopt.aws.scanningPolicyArn is "arn:aws-cn:iam::111111111111:policy/ki-test-scanner-scanning", but must be an ARN of partition aws (arn:aws:...), ${whose}\n` +
        `  - stacks[0].backend.kmsKeyId is "arn:aws-cn:kms:us-east-1:111111111111:key/tf-state", but must be an ARN of partition aws (arn:aws:...), the partition of the bucket's region us-east-1`,
    );
  });

  it("refuses an aws ARN in an account whose own region is in aws-cn, though the environment's region is in aws", () => {
    const aws = { region: 'eu-west-1', accounts: [{ accountId: '222222222222', region: 'cn-north-1', assumeRoleArn: 'arn:aws:iam::222222222222:role/deploy' }] };
    expect(refusalOf('aws', aws)).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        `  - stacks[0].aws.accounts[0].assumeRoleArn is "arn:aws:iam::222222222222:role/deploy", but must be an ARN of partition aws-cn (arn:aws-cn:...), the partition of account 222222222222's region cn-north-1`,
    );
  });

  it('refuses a policy for a role made in accounts of two partitions, naming the account it cannot be attached in', () => {
    const aws = {
      region: 'eu-west-1',
      accounts: [{ accountId: '111111111111' }, { accountId: '222222222222', region: 'cn-north-1' }],
      scanning: { managedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] },
    };
    expect(refusalOf('aws', aws)).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        `  - stacks[0].aws.scanning.managedPolicyArns[0] is "arn:aws:iam::aws:policy/ReadOnlyAccess", but must be an ARN of partition aws-cn (arn:aws-cn:...), the partition of account 222222222222's region cn-north-1`,
    );
  });

  it("refuses ARNs of another partition than the environment's region in an environment without accounts", () => {
    const stack = minimalStack({
      aws: { region: 'eusc-de-east-1', role: { permissionsBoundaryArn: 'arn:aws:iam::aws:policy/PowerUserAccess' } },
      adopt: { aws: { oidcProviderArn: 'arn:aws:iam::123456789012:oidc-provider/dev.okta.com/oauth2/aus1' } },
    });
    const whose = "the partition of the environment's region eusc-de-east-1";
    expect(problemsOf(configWith(stack))).toBe(
      'Invalid configuration in test.json (2 problems):\n' +
        `  - stacks[0].aws.role.permissionsBoundaryArn is "arn:aws:iam::aws:policy/PowerUserAccess", but must be an ARN of partition aws-eusc (arn:aws-eusc:...), ${whose}\n` +
        `  - stacks[0].adopt.aws.oidcProviderArn is "arn:aws:iam::123456789012:oidc-provider/dev.okta.com/oauth2/aus1", but must be an ARN of partition aws-eusc (arn:aws-eusc:...), ${whose}`,
    );
  });

  it('accepts a KMS alias or key ID, which name no partition', () => {
    for (const kmsKeyId of ['alias/tf-state', '1234abcd-12ab-34cd-56ef-1234567890ab']) {
      const backend = { type: 's3', bucket: 'acme-state', keyPrefix: 'ki', region: 'cn-north-1', kmsKeyId };
      expect(parseConfig(configWith(withValue(minimalStack(), 'backend', backend))).stacks[0].backend).toEqual(backend);
    }
  });

  it.each(['arn:AWS:iam::aws:policy/ReadOnlyAccess', 'arn:aws-:iam::aws:policy/ReadOnlyAccess', 'arn:azure:iam::aws:policy/ReadOnlyAccess'])(
    'refuses %s, whose partition is not of the form AWS partitions have',
    (arn) => {
      expect(refusalOf('aws.scanning.managedPolicyArns', [arn])).toBe(
        'Invalid configuration in test.json (1 problem):\n' +
          `  - stacks[0].aws.scanning.managedPolicyArns[0] is "${arn}", but must be an IAM managed policy ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess`,
      );
    },
  );
});

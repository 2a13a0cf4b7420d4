/**
 * The AWS regions, from the partition data the AWS SDK for JavaScript ships and AWS keeps current
 * (@aws-sdk/util-endpoints). `partition(name)` returns a region's own entry (with its description)
 * only for the regions that data lists; for any other name it falls back to a partition's defaults.
 */
import { partition } from '@aws-sdk/util-endpoints';

/**
 * Whether `name` is a region AWS lists. The data also lists each partition's global endpoint as a
 * pseudo-region, `<partition>-global` (aws-global, aws-cn-global, ...): no stack can be deployed there.
 */
export function isAwsRegion(name: string): boolean {
  const found = partition(name) as { name: string; description?: string };
  return found.description !== undefined && name !== `${found.name}-global`;
}

/** The partition a region belongs to (`aws`, `aws-cn`, `aws-us-gov`, ...): the second field of its ARNs. */
export function partitionOfRegion(name: string): string {
  return (partition(name) as { name: string }).name;
}

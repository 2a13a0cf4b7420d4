/**
 * A problem with how the tool was called or with the outputs file it reads (exit code 2), as
 * opposed to a check that ran and failed (exit code 1).
 */
export class UsageError extends Error {
  public override readonly name = 'UsageError';
}

/** One sentence for an error of the AWS SDK: missing credentials, an unreachable host, or AWS's own error. */
export function describeAwsError(error: unknown): string {
  const { name, message, code, hostname, address, port } = error as { name?: string; message?: string; code?: string; hostname?: string; address?: string; port?: number };
  if (name === 'CredentialsProviderError') {
    return 'no AWS credentials were found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, as for the AWS CLI';
  }
  if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return `cannot reach ${hostname ?? (address === undefined ? 'AWS' : `${address}:${port}`)} (${code})`;
  return `${name ?? 'Error'}: ${message ?? String(error)}`;
}

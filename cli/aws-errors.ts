import { allowedUrl, TransportError } from './verify/http';

/** One sentence for an error of the AWS SDK: missing credentials, an unreachable host, or AWS's own error. */
export function describeAwsError(error: unknown): string {
  const { name, message, code, hostname, address, port } = error as { name?: string; message?: string; code?: string; hostname?: string; address?: string; port?: number };
  if (name === 'CredentialsProviderError') {
    return 'no AWS credentials were found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, as for the AWS CLI';
  }
  if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return `cannot reach ${hostname ?? (address === undefined ? 'AWS' : `${address}:${port}`)} (${code})`;
  return `${name ?? 'Error'}: ${message ?? String(error)}`;
}

/**
 * What is wrong with the endpoint the AWS SDK would call for `service` instead of AWS's own
 * (AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL, which the SDK honours unless
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true), held to the https-or-loopback rule; undefined when nothing is.
 */
export function awsEndpointProblem(service: 'IAM' | 'S3' | 'STS' | 'ORGANIZATIONS', label: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const specific = `AWS_ENDPOINT_URL_${service}`;
  const variable = env[specific] !== undefined ? specific : 'AWS_ENDPOINT_URL';
  const endpoint = env[variable];
  if (endpoint === undefined || env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return undefined;
  try {
    allowedUrl(endpoint, `the ${label} endpoint (${variable})`);
    return undefined;
  } catch (error) {
    if (error instanceof TransportError) return error.message;
    throw error;
  }
}

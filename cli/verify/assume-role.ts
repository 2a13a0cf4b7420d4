import type { AwsRole } from '../stack-outputs';
import type { CheckResult } from './checklist';
import { awsEndpointProblem } from '../aws-errors';

export const ROLE_SESSION_NAME = 'key-insight-verify';
/** The shortest session STS grants: the credentials are only proof that the trust works, and are dropped. */
const SESSION_SECONDS = 900;
/** STS is global; any region's endpoint accepts AssumeRoleWithWebIdentity. */
const FALLBACK_REGION = 'us-east-1';

/** STS errors (SDK names without the "Exception" suffix) mapped back to the AWS half of the stack. */
const STS_ERROR_HINTS: Readonly<Record<string, string>> = {
  InvalidIdentityToken:
    "STS rejected the token: the account's OIDC provider URL must equal the issuer, and its client_id_list must hold the audience",
  AccessDenied:
    "the role's trust policy does not accept this token: Principal.Federated must be the OIDC provider's ARN, and the :aud and :sub conditions must be the audience and the client ID",
  IDPCommunicationError: "STS could not fetch the issuer's keys (jwks_uri) from the internet: the authorization server must be publicly reachable",
  IDPRejectedClaim: 'STS rejected a claim of the token',
  ExpiredToken: 'the token expired before STS saw it: check clocks and the token lifetime',
};

export function assumeRoleCheck(role: AwsRole): Pick<CheckResult, 'id' | 'title'> {
  return {
    id: `assumeRole:${role.accountId}`,
    title: `AWS STS AssumeRoleWithWebIdentity with the token, account ${role.accountId} (${role.roleArn})`,
  };
}

/**
 * Exchanges the access token for each role's temporary credentials, as Key Insight will: this
 * proves the OIDC provider and trust policy of every account. The credentials are never shown.
 * The SDK honours AWS_ENDPOINT_URL_STS; that endpoint is held to the same https-or-loopback rule.
 */
export async function assumeRoles(accessToken: string, roles: readonly AwsRole[], timeoutMs: number): Promise<CheckResult[]> {
  const endpointProblem = awsEndpointProblem('STS', 'STS');
  if (endpointProblem !== undefined) {
    return roles.map((role) => ({ ...assumeRoleCheck(role), status: 'fail', detail: endpointProblem }));
  }
  const { STSClient, AssumeRoleWithWebIdentityCommand } = await import('@aws-sdk/client-sts');
  const client = new STSClient({
    region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? FALLBACK_REGION,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs },
  });
  try {
    const results: CheckResult[] = [];
    for (const role of roles) {
      try {
        const answer = await client.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: role.roleArn,
            RoleSessionName: ROLE_SESSION_NAME,
            WebIdentityToken: accessToken,
            DurationSeconds: SESSION_SECONDS,
          }),
        );
        const until = answer.Credentials?.Expiration?.toISOString() ?? 'an unstated time';
        results.push({
          ...assumeRoleCheck(role),
          status: 'pass',
          detail: `assumed ${answer.AssumedRoleUser?.Arn ?? role.roleArn}; temporary credentials valid until ${until} (not shown)`,
        });
      } catch (error) {
        results.push({ ...assumeRoleCheck(role), status: 'fail', ...describeStsError(error) });
      }
    }
    return results;
  } finally {
    client.destroy();
  }
}

function describeStsError(error: unknown): { detail: string; hint?: string } {
  if (!(error instanceof Error)) return { detail: String(error) };
  const name = error.name.replace(/Exception$/, '');
  const code = (error as NodeJS.ErrnoException).code;
  const detail = code !== undefined && !error.message.includes(code) ? `${name} (${code}): ${error.message}` : `${name}: ${error.message}`;
  const hint = STS_ERROR_HINTS[name];
  return hint === undefined ? { detail } : { detail, hint };
}

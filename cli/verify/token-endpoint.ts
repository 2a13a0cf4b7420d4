/**
 * Where the client secret may go: only to the issuer's own token endpoint. Okta publishes a custom
 * authorization server's token endpoint under its issuer (`{issuer}/v1/token`, lib/okta-facts.ts), and
 * the org authorization server's under the org (`{org}/oauth2/v1/token`), so any other URL in a
 * metadata document or an outputs file is a mistake or someone else's server.
 */

/**
 * Undefined when `tokenEndpoint` has the issuer's origin and a path under the issuer's path; otherwise
 * the sentence that says why no request carrying the client secret is sent there.
 */
export function foreignTokenEndpoint(issuer: string, tokenEndpoint: string): string | undefined {
  const refusal = `token_endpoint ${tokenEndpoint} is not on the origin of the issuer ${issuer} under its path, so the client secret was not sent to it`;
  let issuerUrl: URL;
  let endpointUrl: URL;
  try {
    issuerUrl = new URL(issuer);
    endpointUrl = new URL(tokenEndpoint);
  } catch {
    return refusal;
  }
  // A URL without a host (its origin "null") is no server's, so it matches nothing.
  if (endpointUrl.origin === 'null' || endpointUrl.origin !== issuerUrl.origin) return refusal;
  const issuerPath = issuerUrl.pathname.replace(/\/+$/, '');
  return endpointUrl.pathname.startsWith(`${issuerPath}/`) ? undefined : refusal;
}

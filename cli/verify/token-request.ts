import { type EnvironmentStacks, includeSensitiveCommand } from '../outputs-command';
import { formUrlEncode, type Redactor } from '../redactor';
import { describeAnswer, jsonObject, type HttpAnswer } from './http';

export interface IssuedToken {
  readonly accessToken: string;
  readonly tokenType: string;
  /** @default - the server did not say */
  readonly expiresInSeconds?: number;
}

export type TokenAnswer =
  | { readonly issued: true; readonly token: IssuedToken }
  | { readonly issued: false; readonly detail: string; readonly hint?: string };

/**
 * HTTP Basic client authentication (client_secret_basic): RFC 6749 section 2.3.1 has the client ID
 * and secret form-urlencoded before they are joined with ":" and base64-encoded.
 */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${formUrlEncode(clientId)}:${formUrlEncode(clientSecret)}`).toString('base64')}`;
}

/** The client-credentials grant asking for the stack's scopes (space-separated, RFC 6749 section 3.3). */
export function tokenRequestBody(scopes: readonly string[]): string {
  return new URLSearchParams({ grant_type: 'client_credentials', scope: scopes.join(' ') }).toString();
}

/** Reads a token endpoint's answer: a bearer token, or an OAuth error explained in the stack's terms. */
export function readTokenAnswer(answer: HttpAnswer, setup: EnvironmentStacks, redactor: Redactor): TokenAnswer {
  const body = jsonObject(answer);
  // Whatever the status, a token in the answer must not reach the output.
  if (typeof body?.access_token === 'string') redactor.addExact(body.access_token);
  if (answer.status === 200 && body !== undefined) {
    const { access_token: accessToken, token_type: tokenType, expires_in: expiresIn } = body;
    if (typeof accessToken !== 'string' || accessToken === '') {
      return { issued: false, detail: 'HTTP 200, but the answer has no access_token' };
    }
    if (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') {
      return { issued: false, detail: `HTTP 200, but token_type is ${JSON.stringify(tokenType)}, not Bearer` };
    }
    return { issued: true, token: { accessToken, tokenType, ...(typeof expiresIn === 'number' ? { expiresInSeconds: expiresIn } : {}) } };
  }
  const error = typeof body?.error === 'string' ? body.error : undefined;
  if (error === undefined) {
    return { issued: false, detail: describeAnswer(answer, redactor), ...statusHint(answer.status) };
  }
  const description = typeof body?.error_description === 'string' ? `: ${body.error_description}` : '';
  const hint = TOKEN_ERROR_HINTS[error]?.(setup);
  return { issued: false, detail: `HTTP ${answer.status} ${error}${description}`, ...(hint === undefined ? {} : { hint }) };
}

/** OAuth 2.0 token errors (RFC 6749 section 5.2) as Okta uses them, mapped back to the stack. */
const TOKEN_ERROR_HINTS: Readonly<Record<string, (setup: EnvironmentStacks) => string>> = {
  invalid_client: (setup) =>
    `the client ID or secret is wrong, or the secret was rotated since the outputs file was written: read the outputs again with ${includeSensitiveCommand(setup)}`,
  invalid_scope: () =>
    'the access policy rule does not allow a requested scope, or the scope does not exist on the authorization server (Okta also answers this when no scope is requested and none is a default): check stacks[].okta.scopes and stacks[].okta.rule',
  unauthorized_client: () =>
    'the app is not allowed the client_credentials grant, or the access policy is not assigned to the app: check stacks[].okta.accessPolicy.assignTo',
  access_denied: () =>
    "no access policy rule matches this request (Okta: policy evaluation failed): check stacks[].okta.accessPolicy.assignTo and that stacks[].okta.rule allows the client_credentials grant and the stack's scopes",
  unsupported_grant_type: () => 'the authorization server does not offer the client_credentials grant: check stacks[].okta.rule',
  invalid_request: () => 'the server did not accept the request as sent: is the token_endpoint an Okta custom authorization server\'s?',
};

function statusHint(status: number): { hint?: string } {
  if (status === 404) return { hint: 'no token endpoint at this URL: check the authorization server ID in the issuer' };
  if (status >= 500) return { hint: 'the authorization server failed; try again later, and check the Okta status page if it persists' };
  return {};
}

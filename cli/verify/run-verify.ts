import type { VerifyOptions } from '../args';
import type { Redactor } from '../redactor';
import type { KeyInsightSetup } from '../stack-outputs';
import { assumeRoleCheck, assumeRoles } from './assume-role';
import { CHECKS, Checklist, checkResult, type CheckResult } from './checklist';
import { describeAnswer, httpRequest, jsonObject, TransportError, type HttpAnswer } from './http';
import { checkTokenClaims, summarizeToken, type TokenSummary } from './token-claims';
import { basicAuthorization, readTokenAnswer, tokenRequestBody } from './token-request';
import { decodeToken, verifySignature } from './token-signature';

export interface VerifyReport {
  readonly stack: string;
  readonly outputsFile: string;
  readonly passed: boolean;
  readonly checks: readonly CheckResult[];
  /** @default - absent when no token was issued */
  readonly token?: TokenSummary & { readonly signatureVerified: boolean };
}

export type VerifiableSetup = KeyInsightSetup & { readonly clientSecret: string };

/**
 * The guide's manual token check, step by step: metadata, token request, token verification, and
 * (with assumeRole) the exchange with AWS STS. A failed step skips the steps that depend on it.
 * Every secret the run handles is registered with the redactor before it can reach any output.
 */
export async function runVerify(
  setup: VerifiableSetup,
  options: Pick<VerifyOptions, 'timeoutMs' | 'assumeRole'>,
  redactor: Redactor,
): Promise<VerifyReport> {
  const planned = [
    ...Object.entries(CHECKS).map(([id, title]) => ({ id, title })),
    ...(options.assumeRole ? setup.awsRoles.map(assumeRoleCheck) : []),
  ];
  const checklist = new Checklist(planned);
  let token: VerifyReport['token'];
  const report = (): VerifyReport => {
    const checks = checklist.all();
    return {
      stack: setup.stackName,
      outputsFile: setup.outputsFile,
      passed: checks.every((check) => check.status === 'pass'),
      checks,
      ...(token === undefined ? {} : { token }),
    };
  };
  const get = (url: string, what: string) => httpRequest(url, what, { method: 'GET', headers: { accept: 'application/json' } }, options.timeoutMs);

  const metadataAnswer = await attempt(() => get(setup.metadataUri, 'the Metadata URI'));
  if (typeof metadataAnswer === 'string') {
    checklist.fail('metadataFetch', metadataAnswer);
    return report();
  }
  const metadata = okJson(metadataAnswer);
  if (metadata === undefined) {
    checklist.fail(
      'metadataFetch',
      describeAnswer(metadataAnswer, redactor),
      "metadata_uri must be an authorization server's {issuer}/.well-known/oauth-authorization-server: check the issuer's authorization server ID",
    );
    return report();
  }
  checklist.pass('metadataFetch', setup.metadataUri);
  checklist.record(
    checkResult(
      'metadataIssuer',
      metadata.issuer === setup.issuer,
      `issuer is ${JSON.stringify(metadata.issuer)}`,
      `the stack's issuer is ${JSON.stringify(setup.issuer)}`,
      "the Metadata URI belongs to another authorization server than the stack's issuer, or Okta's issuer_mode changes the issuer",
    ),
  );
  const { token_endpoint: tokenEndpoint, jwks_uri: jwksUri } = metadata;
  if (typeof tokenEndpoint !== 'string') {
    checklist.fail('metadataTokenEndpoint', 'the metadata names no token_endpoint');
    return report();
  }
  checklist.record(
    checkResult(
      'metadataTokenEndpoint',
      tokenEndpoint === setup.tokenEndpoint,
      `token_endpoint is ${tokenEndpoint}`,
      `the stack's token_endpoint is ${setup.tokenEndpoint}`,
      'Key Insight uses the metadata\'s token_endpoint; the stack\'s token_endpoint output is out of date',
    ),
  );
  if (typeof jwksUri === 'string') checklist.pass('metadataJwksUri', jwksUri);
  else checklist.fail('metadataJwksUri', 'the metadata names no jwks_uri, so no token can be verified');

  const authorization = basicAuthorization(setup.clientId, setup.clientSecret);
  redactor.addExact(authorization.slice('Basic '.length));
  const tokenAnswer = await attempt(() =>
    httpRequest(
      tokenEndpoint,
      'the token endpoint',
      {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: tokenRequestBody(setup.scopes),
      },
      options.timeoutMs,
    ),
  );
  if (typeof tokenAnswer === 'string') {
    checklist.fail('tokenRequest', tokenAnswer);
    return report();
  }
  const issued = readTokenAnswer(tokenAnswer, setup, redactor);
  if (!issued.issued) {
    checklist.fail('tokenRequest', issued.detail, issued.hint);
    return report();
  }
  const { accessToken, expiresInSeconds } = issued.token;
  checklist.pass('tokenRequest', `scope=${setup.scopes.join(' ')}; ${expiresInSeconds === undefined ? 'no expires_in' : `expires_in ${expiresInSeconds} s`}`);

  const decoded = await decodeToken(accessToken);
  if (!decoded.decoded) {
    checklist.fail('tokenSignature', decoded.detail);
    return report();
  }
  token = { ...summarizeToken(decoded.header, decoded.claims), signatureVerified: false };
  if (typeof jwksUri !== 'string') return report();

  const keysAnswer = await attempt(() => get(jwksUri, 'the jwks_uri'));
  const keys = typeof keysAnswer === 'string' ? undefined : okJson(keysAnswer);
  if (keys === undefined) {
    checklist.fail('tokenSignature', `cannot read the published keys: ${typeof keysAnswer === 'string' ? keysAnswer : describeAnswer(keysAnswer, redactor)}`);
    return report();
  }
  const signature = await verifySignature(accessToken, keys);
  if (!signature.verified) {
    checklist.fail(
      'tokenSignature',
      `${signature.detail} (key ID ${JSON.stringify(decoded.header.kid)})`,
      'the token was not signed by a key the server publishes: is jwks_uri the same authorization server, or are its keys mid-rotation?',
    );
    return report();
  }
  token = { ...token, signatureVerified: true };
  checklist.pass('tokenSignature', `${String(decoded.header.alg)}, key ID ${JSON.stringify(decoded.header.kid)}`);
  checkTokenClaims(decoded.claims, setup, Math.floor(Date.now() / 1000)).forEach((result) => checklist.record(result));

  if (options.assumeRole) {
    (await assumeRoles(accessToken, setup.awsRoles, options.timeoutMs)).forEach((result) => checklist.record(result));
  }
  return report();
}

/** Runs a request; a transport problem becomes its message, anything else is a bug and propagates. */
async function attempt(request: () => Promise<HttpAnswer>): Promise<HttpAnswer | string> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof TransportError) return error.message;
    throw error;
  }
}

function okJson(answer: HttpAnswer): Record<string, unknown> | undefined {
  return answer.status === 200 ? jsonObject(answer) : undefined;
}

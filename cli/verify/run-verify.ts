import type { VerifyOptions } from '../args';
import type { Redactor } from '../redactor';
import type { KeyInsightSetup } from '../stack-outputs';
import { assumeRoleCheck, assumeRoles } from './assume-role';
import { CHECKS, CLIENT_SECRET_CHECK, Checklist, checkResult, type CheckResult } from './checklist';
import { describeAnswer, httpRequest, jsonObject, TransportError, type HttpAnswer } from './http';
import { foreignTokenEndpoint } from './token-endpoint';
import { checkTokenClaims, summarizeToken, type TokenClaims, type TokenSummary } from './token-claims';
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
 * Where the client secret of a "rotated" environment comes from: read through Okta's management API
 * (the value is registered with the redactor by `read` before it is returned, and kept in memory only),
 * or unavailable, with the reason.
 */
export type RotatedSecretSource =
  | { readonly available: true; read(): Promise<{ readonly secret: string; readonly detail: string } | { readonly problem: string }> }
  | { readonly available: false; readonly reason: string };

/**
 * The guide's manual token check, step by step: metadata, token request, token verification, and
 * (with assumeRole) the exchange with AWS STS. A failed step skips the steps that depend on it.
 * Every secret the run handles is registered with the redactor before it can reach any output.
 */
export async function runVerify(
  setup: VerifiableSetup,
  options: Pick<VerifyOptions, 'timeoutMs' | 'assumeRole'>,
  redactor: Redactor,
): Promise<VerifyReport>;
/** The same checks for an environment with clientSecret "rotated", whose secret comes from `secretSource`. */
export async function runVerify(
  setup: KeyInsightSetup,
  options: Pick<VerifyOptions, 'timeoutMs' | 'assumeRole'>,
  redactor: Redactor,
  secretSource: RotatedSecretSource,
): Promise<VerifyReport>;
export async function runVerify(
  givenSetup: KeyInsightSetup,
  options: Pick<VerifyOptions, 'timeoutMs' | 'assumeRole'>,
  redactor: Redactor,
  secretSource?: RotatedSecretSource,
): Promise<VerifyReport> {
  const checkList: Array<{ id: string; title: string }> = Object.entries(CHECKS).map(([id, title]) => ({ id, title }));
  if (secretSource !== undefined) checkList.splice(checkList.findIndex(({ id }) => id === 'tokenRequest'), 0, CLIENT_SECRET_CHECK);
  const checklist = new Checklist([...checkList, ...(options.assumeRole ? givenSetup.awsRoles.map(assumeRoleCheck) : [])]);
  const report = (token?: VerifyReport['token']): VerifyReport => {
    const checks = checklist.all();
    return {
      stack: givenSetup.stackName,
      outputsFile: givenSetup.outputsFile,
      // A check skipped for want of Okta credentials is not a failure; every other skip follows one.
      passed: checks.every((check) => check.status !== 'fail'),
      checks,
      ...(token === undefined ? {} : { token }),
    };
  };

  const metadataRun: Run = { setup: { ...givenSetup, clientSecret: givenSetup.clientSecret ?? '' }, timeoutMs: options.timeoutMs, redactor, checklist };
  const endpoints = await checkMetadata(metadataRun);
  if (endpoints === undefined) return report();
  let setup = metadataRun.setup;
  if (secretSource !== undefined) {
    if (!secretSource.available) {
      checklist.record({ ...CLIENT_SECRET_CHECK, status: 'skip', detail: secretSource.reason });
      checklist.skipRest(`not run: it needs the client secret, which was not read (${CLIENT_SECRET_CHECK.title}: skipped)`);
      return report();
    }
    const read = await secretSource.read();
    if ('problem' in read) {
      checklist.record({ ...CLIENT_SECRET_CHECK, status: 'fail', detail: read.problem });
      return report();
    }
    checklist.record({ ...CLIENT_SECRET_CHECK, status: 'pass', detail: read.detail });
    setup = { ...givenSetup, clientSecret: read.secret };
  }
  const run: Run = { ...metadataRun, setup };
  const accessToken = await requestToken(run, endpoints.tokenEndpoint);
  if (accessToken === undefined) return report();
  const decoded = await decodeToken(accessToken);
  if (!decoded.decoded) {
    checklist.fail('tokenSignature', decoded.detail);
    return report();
  }
  const summary = summarizeToken(decoded.header, decoded.claims);
  const signatureVerified = endpoints.jwksUri !== undefined && (await checkSignature(run, accessToken, decoded.header, endpoints.jwksUri));
  if (!signatureVerified) return report({ ...summary, signatureVerified });

  checkTokenClaims(decoded.claims, setup, Math.floor(Date.now() / 1000)).forEach((result) => checklist.record(result));
  if (options.assumeRole) {
    (await assumeRoles(accessToken, setup.awsRoles, options.timeoutMs)).forEach((result) => checklist.record(result));
  }
  return report({ ...summary, signatureVerified });
}

interface Run {
  readonly setup: VerifiableSetup;
  readonly timeoutMs: number;
  readonly redactor: Redactor;
  readonly checklist: Checklist;
}

/**
 * Step 1: the metadata names the issuer and the endpoints; returns the endpoints to use, or undefined when
 * the token endpoint is missing or not the stack issuer's own, so that the client secret is not read or sent.
 */
async function checkMetadata(run: Run): Promise<{ tokenEndpoint: string; jwksUri?: string } | undefined> {
  const { setup, checklist } = run;
  const document = await getJson(run, setup.metadataUri, 'the Metadata URI');
  if (!document.read) {
    const hint = "metadata_uri must be an authorization server's {issuer}/.well-known/oauth-authorization-server: check the issuer's authorization server ID";
    checklist.fail('metadataFetch', document.problem, document.answered ? hint : undefined);
    return undefined;
  }
  const metadata = document.json;
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
    return undefined;
  }
  checklist.record(
    checkResult(
      'metadataTokenEndpoint',
      tokenEndpoint === setup.tokenEndpoint,
      `token_endpoint is ${tokenEndpoint}`,
      `the stack's token_endpoint is ${setup.tokenEndpoint}`,
      "Key Insight uses the metadata's token_endpoint; the stack's token_endpoint output is out of date",
    ),
  );
  const foreign = foreignTokenEndpoint(setup.issuer, tokenEndpoint);
  if (foreign !== undefined) {
    checklist.fail('tokenEndpointOfIssuer', foreign, "the Metadata URI or the outputs file names another server than the stack's Okta authorization server");
    return undefined;
  }
  checklist.pass('tokenEndpointOfIssuer', tokenEndpoint);
  if (typeof jwksUri !== 'string') {
    checklist.fail('metadataJwksUri', 'the metadata names no jwks_uri, so no token can be verified');
    return { tokenEndpoint };
  }
  checklist.pass('metadataJwksUri', jwksUri);
  return { tokenEndpoint, jwksUri };
}

/** Step 2: the client-credentials grant with client_secret_basic; returns the access token. */
async function requestToken({ setup, timeoutMs, redactor, checklist }: Run, tokenEndpoint: string): Promise<string | undefined> {
  const authorization = basicAuthorization(setup.clientId, setup.clientSecret);
  redactor.addExact(authorization.slice('Basic '.length));
  const answer = await attempt(() =>
    httpRequest(
      tokenEndpoint,
      'the token endpoint',
      {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: tokenRequestBody(setup.scopes),
      },
      timeoutMs,
    ),
  );
  if (typeof answer === 'string') {
    checklist.fail('tokenRequest', answer);
    return undefined;
  }
  const issued = readTokenAnswer(answer, setup, redactor);
  if (!issued.issued) {
    checklist.fail('tokenRequest', issued.detail, issued.hint);
    return undefined;
  }
  const { accessToken, expiresInSeconds } = issued.token;
  checklist.pass('tokenRequest', `scope=${setup.scopes.join(' ')}; ${expiresInSeconds === undefined ? 'no expires_in' : `expires_in ${expiresInSeconds} s`}`);
  return accessToken;
}

/** Step 3a: the signature, against the keys the server publishes; the claims are trusted only after it. */
async function checkSignature(run: Run, accessToken: string, header: TokenClaims, jwksUri: string): Promise<boolean> {
  const keyId = JSON.stringify(header.kid);
  const keys = await getJson(run, jwksUri, 'the jwks_uri');
  if (!keys.read) {
    run.checklist.fail('tokenSignature', `cannot read the published keys: ${keys.problem}`);
    return false;
  }
  const signature = await verifySignature(accessToken, keys.json);
  if (!signature.verified) {
    run.checklist.fail(
      'tokenSignature',
      `${signature.detail} (key ID ${keyId})`,
      'the token was not signed by a key the server publishes: is jwks_uri the same authorization server, or are its keys mid-rotation?',
    );
    return false;
  }
  run.checklist.pass('tokenSignature', `${String(header.alg)}, key ID ${keyId}`);
  return true;
}

/** A JSON document, or what went wrong: `answered` tells an unexpected answer from no answer at all. */
type JsonDocument =
  | { readonly read: true; readonly json: Record<string, unknown> }
  | { readonly read: false; readonly problem: string; readonly answered: boolean };

/** GETs a JSON document (metadata, keys): a 200 answer holding a JSON object, or what went wrong. */
async function getJson({ timeoutMs, redactor }: Run, url: string, what: string): Promise<JsonDocument> {
  const answer = await attempt(() => httpRequest(url, what, { method: 'GET', headers: { accept: 'application/json' } }, timeoutMs));
  if (typeof answer === 'string') return { read: false, problem: answer, answered: false };
  const json = answer.status === 200 ? jsonObject(answer) : undefined;
  return json === undefined ? { read: false, problem: describeAnswer(answer, redactor), answered: true } : { read: true, json };
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

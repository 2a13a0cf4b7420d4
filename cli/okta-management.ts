import { existsSync, readFileSync } from 'node:fs';
import type { Client } from '@okta/okta-sdk-nodejs';
import { shortSecretProblem, type Redactor } from './redactor';
import { UsageError } from './usage-error';
import { allowedUrl, MAX_ANSWER_BYTES, TransportError } from './verify/http';

/**
 * The environment variables the okta/okta Terraform provider reads (okta/config/config.go at v6.12.0),
 * and OKTA_ORG_URL, this tool's own way to name the whole org URL (the tests' loopback stand-in).
 */
export const OKTA_ENV = {
  orgName: 'OKTA_ORG_NAME',
  baseUrl: 'OKTA_BASE_URL',
  orgUrl: 'OKTA_ORG_URL',
  apiToken: 'OKTA_API_TOKEN',
  clientId: 'OKTA_API_CLIENT_ID',
  privateKey: 'OKTA_API_PRIVATE_KEY',
  privateKeyId: 'OKTA_API_PRIVATE_KEY_ID',
  scopes: 'OKTA_API_SCOPES',
} as const;

/** The provider's default for OKTA_BASE_URL. */
const DEFAULT_OKTA_BASE_URL = 'okta.com';
const ORG_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
const BASE_URL = /^[A-Za-z0-9.-]+$/;

/** The org a client calls and the time it gives each request, for the client and its messages. */
export interface OktaTarget {
  readonly orgUrl: string;
  /** Each request's limit, from connection to the end of the answer (the commands' --timeout-ms). */
  readonly timeoutMs: number;
}

/** Where and how to reach the Okta management API; read from the environment only, but for the time limit. */
export interface OktaCredentials extends OktaTarget {
  readonly auth:
    | { readonly mode: 'SSWS'; readonly token: string }
    | { readonly mode: 'PrivateKey'; readonly clientId: string; readonly privateKey: string; readonly keyId?: string; readonly scopes: readonly string[] };
}

/** Reads the Okta credentials as the provider does; every secret value is registered with the redactor first. */
export function oktaCredentials(env: NodeJS.ProcessEnv, redactor: Redactor, timeoutMs: number): OktaCredentials {
  const read = (name: string) => (env[name] ?? '').trim();
  const token = read(OKTA_ENV.apiToken);
  const privateKeyValue = read(OKTA_ENV.privateKey);
  if (token !== '') redactor.addExact(token);
  if (privateKeyValue !== '') redactor.addExact(privateKeyValue);

  const orgUrl = oktaOrgUrl(read(OKTA_ENV.orgUrl), read(OKTA_ENV.orgName), read(OKTA_ENV.baseUrl));
  if (token !== '') {
    const shortToken = shortSecretProblem(token, OKTA_ENV.apiToken);
    if (shortToken !== undefined) throw new UsageError(`${shortToken}: set it to an Okta API token`);
    return { orgUrl, timeoutMs, auth: { mode: 'SSWS', token } };
  }

  const clientId = read(OKTA_ENV.clientId);
  if (clientId === '' || privateKeyValue === '') {
    throw new UsageError(
      `no Okta credentials: set ${OKTA_ENV.apiToken}, or ${OKTA_ENV.clientId} with ${OKTA_ENV.privateKey}, ${OKTA_ENV.privateKeyId} and ${OKTA_ENV.scopes} (the variables the Okta Terraform provider reads)`,
    );
  }
  const scopes = read(OKTA_ENV.scopes)
    .split(',')
    .map((scope) => scope.trim())
    .filter((scope) => scope !== '');
  if (scopes.length === 0) {
    throw new UsageError(`${OKTA_ENV.scopes} is empty, but OAuth 2.0 for Okta needs the management scopes, comma-separated (for example okta.apps.manage,okta.authorizationServers.read)`);
  }
  const privateKey = privateKeyValue.startsWith('-----BEGIN') ? privateKeyValue : readPrivateKeyFile(privateKeyValue);
  redactor.addExact(privateKey);
  const keyId = read(OKTA_ENV.privateKeyId);
  return { orgUrl, timeoutMs, auth: { mode: 'PrivateKey', clientId, privateKey, ...(keyId === '' ? {} : { keyId }), scopes } };
}

function oktaOrgUrl(orgUrl: string, orgName: string, baseUrl: string): string {
  if (orgUrl !== '') return checkedOrgUrl(orgUrl, OKTA_ENV.orgUrl);
  if (orgName === '') {
    throw new UsageError(`no Okta org: set ${OKTA_ENV.orgName} (and ${OKTA_ENV.baseUrl}, default ${DEFAULT_OKTA_BASE_URL}), or ${OKTA_ENV.orgUrl}`);
  }
  if (!ORG_NAME.test(orgName)) {
    throw new UsageError(`${OKTA_ENV.orgName} is ${JSON.stringify(orgName)}, but must be an org name such as dev-123456 (letters, digits and -)`);
  }
  const domain = baseUrl === '' ? DEFAULT_OKTA_BASE_URL : baseUrl;
  if (!BASE_URL.test(domain)) {
    throw new UsageError(`${OKTA_ENV.baseUrl} is ${JSON.stringify(domain)}, but must be a domain such as okta.com or oktapreview.com`);
  }
  return `https://${orgName}.${domain}`;
}

function checkedOrgUrl(value: string, variable: string): string {
  let url: URL;
  try {
    url = allowedUrl(value, variable);
  } catch (error) {
    if (error instanceof TransportError) throw new UsageError(error.message);
    throw error;
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw new UsageError(`${variable} is ${JSON.stringify(value)}, but must be the org's URL alone, such as https://dev-123456.okta.com`);
  }
  return url.origin;
}

function readPrivateKeyFile(path: string): string {
  if (!existsSync(path)) {
    throw new UsageError(`${OKTA_ENV.privateKey} is neither a PEM private key nor the path of a file that exists`);
  }
  return readFileSync(path, 'utf8');
}

/**
 * The official SDK's client, without its response cache (every read must see the secrets as they are now),
 * with a request executor that bounds every request (the token request of OAuth 2.0 for Okta included).
 */
export function oktaClient(credentials: OktaCredentials): Client {
  // Loaded here, not at the top: the SDK takes about a second to load, which a usage error need not wait for.
  const { Client: OktaClient, DefaultRequestExecutor } = require('@okta/okta-sdk-nodejs') as typeof import('@okta/okta-sdk-nodejs');
  const { auth } = credentials;
  const common = { orgUrl: credentials.orgUrl, cacheMiddleware: null, requestExecutor: boundedExecutor(DefaultRequestExecutor, credentials) };
  if (auth.mode === 'SSWS') return new OktaClient({ ...common, authorizationMode: 'SSWS', token: auth.token });
  return new OktaClient({
    ...common,
    authorizationMode: 'PrivateKey',
    clientId: auth.clientId,
    privateKey: auth.privateKey,
    ...(auth.keyId === undefined ? {} : { keyId: auth.keyId }),
    scopes: [...auth.scopes],
  });
}

/**
 * The SDK's own executor (it retries what Okta rate-limits), with each attempt given node-fetch's
 * `timeout` (which covers the answer's body too) and `size` limit, and `redirect: 'manual'`: every
 * request carries the API token or an access token, and a redirect must not take it elsewhere.
 */
function boundedExecutor(
  DefaultRequestExecutor: typeof import('@okta/okta-sdk-nodejs').DefaultRequestExecutor,
  target: OktaTarget,
): InstanceType<typeof DefaultRequestExecutor> {
  class BoundedRequestExecutor extends DefaultRequestExecutor {
    public override fetch(request: Parameters<InstanceType<typeof DefaultRequestExecutor>['fetch']>[0]): Promise<Response> {
      const bounded = { ...request, startTime: (request as { startTime?: Date }).startTime ?? new Date(), timeout: target.timeoutMs, size: MAX_ANSWER_BYTES, redirect: 'manual' };
      return super.fetch(bounded).then((response) => {
        if (response.status >= 300 && response.status <= 399) {
          throw new Error(
            `Okta answered HTTP ${response.status}, redirecting to ${response.headers.get('location') ?? 'nowhere'}, but a request carrying credentials follows no redirect: check the org URL (${OKTA_ENV.orgName} and ${OKTA_ENV.baseUrl}, or ${OKTA_ENV.orgUrl})`,
          );
        }
        return response;
      });
    }
  }
  return new BoundedRequestExecutor();
}

/**
 * One line for an error the SDK threw: Okta's error code and summary, an HTTP status, or the network
 * problem with the host of the org the client calls.
 */
export function describeOktaError(error: unknown, target: OktaTarget): string {
  if (typeof error === 'object' && error !== null) {
    const { status, errorCode, errorSummary, errorCauses, code, type, message } = error as {
      status?: number;
      errorCode?: string;
      errorSummary?: string;
      errorCauses?: Array<{ errorSummary?: string }>;
      code?: string;
      /** node-fetch's kind of FetchError, which the SDK passes on. */
      type?: string;
      message?: string;
    };
    const host = new URL(target.orgUrl).host;
    if (typeof errorCode === 'string') {
      const causes = (errorCauses ?? []).map((cause) => cause.errorSummary).filter((cause): cause is string => typeof cause === 'string');
      return `Okta answered HTTP ${status} ${errorCode}: ${errorSummary ?? ''}${causes.length > 0 ? ` (${causes.join('; ')})` : ''}`;
    }
    if (typeof status === 'number') return `Okta answered HTTP ${status}`;
    if (type === 'request-timeout' || type === 'body-timeout') return `no complete answer from Okta at ${host} within ${target.timeoutMs} ms`;
    if (type === 'max-size') return `the answer from Okta at ${host} is larger than ${MAX_ANSWER_BYTES} bytes (1 MiB), the most read from any server`;
    if (typeof code === 'string') return `cannot reach Okta at ${host} (${code})`;
    if (typeof message === 'string') return message;
  }
  return String(error);
}

/**
 * The app's newest ACTIVE client secret, as the okta_app_oauth data source picks it, read with Okta's
 * List Client Secrets call. Every secret value in the answer is registered with the redactor before
 * anything else is done with it; the value is returned to the caller only, never stored.
 */
export async function newestActiveSecret(
  client: Client,
  appId: string,
  redactor: Redactor,
): Promise<{ readonly id: string; readonly created: string; readonly value: string } | undefined> {
  const active: Array<{ id: string; created: string; value: string }> = [];
  for await (const secret of await client.applicationSSOPublicKeysApi.listOAuth2ClientSecrets({ appId })) {
    if (secret === null) continue;
    if (typeof secret.client_secret === 'string') redactor.addSecret(secret.client_secret);
    if (secret.status === 'ACTIVE' && typeof secret.client_secret === 'string' && secret.client_secret !== '') {
      active.push({ id: String(secret.id ?? ''), created: new Date(secret.created ?? 0).toISOString(), value: secret.client_secret });
    }
  }
  return active.sort((a, b) => b.created.localeCompare(a.created))[0];
}

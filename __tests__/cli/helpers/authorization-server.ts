import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { OKTA_METADATA_PATH, OKTA_TOKEN_PATH } from '../../../lib/okta-facts';
import { OUTPUT_NAMES } from '../../../lib/outputs';

/** A recognisable client secret, with characters that client_secret_basic must form-urlencode (RFC 6749 2.3.1). */
export const CLIENT_SECRET = 'SENTINEL-client-secret+/%:&= x';
export const CLIENT_ID = '0oa-key-insight-test';
export const AUDIENCE = 'api://key-insight';
/** The scopes the client may ask for and the resource server grants. */
export const GRANTED_SCOPES = ['keyinsight.read'];
/** Scopes the server knows; the client may not ask for keyinsight.admin (the server answers invalid_scope). */
export const KNOWN_SCOPES = ['keyinsight.read', 'keyinsight.admin'];

/**
 * Authorization servers of the fixture, like an Okta org's custom authorization servers:
 * `main` behaves; `slowClock` issues tokens already expired (its clock runs two hours behind);
 * `unpublishedKey` signs with a key other than the one it publishes at /v1/keys; `noSubject` issues
 * tokens without `sub`; `otherSubject` issues tokens whose `sub` is OTHER_SUBJECT, not the client ID.
 */
export const AUTHORIZATION_SERVERS = {
  main: 'aus-main',
  slowClock: 'aus-slow-clock',
  unpublishedKey: 'aus-unpublished-key',
  noSubject: 'aus-no-subject',
  otherSubject: 'aus-other-subject',
} as const;

/** The `sub` of the `otherSubject` server's tokens: a user's ID, as in a token issued to a person. */
export const OTHER_SUBJECT = '00u-someone-else';

export type AuthorizationServerId = (typeof AUTHORIZATION_SERVERS)[keyof typeof AUTHORIZATION_SERVERS];

export interface AuthorizationServerFixture {
  readonly port: number;
  /** `http://127.0.0.1:<port>`: the Okta org URL of the management stand-in. */
  readonly orgUrl: string;
  issuer(id: AuthorizationServerId): string;
  /** Every access token issued so far: none of them may appear in the tool's output. */
  readonly issuedAccessTokens: readonly string[];
  stop(): Promise<void>;
}

/** The SSWS token the management stand-in accepts; a sentinel, so tests can check it is never printed. */
export const MANAGEMENT_API_TOKEN = 'SENTINEL-okta-api-token';

/** What the management stand-in holds (okta-management-stand-in.mjs); by default the one app with CLIENT_SECRET. */
export interface ManagementStandInOptions {
  readonly apps?: ReadonlyArray<{ readonly id: string; readonly label: string; readonly secrets: readonly string[] }>;
  readonly authorizationServers?: ReadonlyArray<{
    readonly id: string;
    readonly name: string;
    readonly audiences?: readonly string[];
    readonly scopes?: ReadonlyArray<{ readonly id: string; readonly name: string }>;
    readonly policies?: ReadonlyArray<{ readonly id: string; readonly name: string; readonly rules?: ReadonlyArray<{ readonly id: string; readonly name: string }> }>;
  }>;
}

const FIXTURE_SCRIPT = join(__dirname, '..', 'fixtures', 'okta-like-authorization-server.mjs');

/**
 * Starts oidc-provider in a child process (it is ESM-only) and waits until it listens on loopback. The
 * same port serves the management stand-in, whose app secrets are the ones the token endpoints accept.
 */
export async function startAuthorizationServer(management: ManagementStandInOptions = {}): Promise<AuthorizationServerFixture> {
  const config = {
    audience: AUDIENCE,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    grantedScopes: GRANTED_SCOPES,
    knownScopes: KNOWN_SCOPES,
    otherSubject: OTHER_SUBJECT,
    management: { apiToken: MANAGEMENT_API_TOKEN, ...management },
  };
  const child = spawn(process.execPath, [FIXTURE_SCRIPT, JSON.stringify(config)]);
  const issuedAccessTokens: string[] = [];
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const port = await new Promise<number>((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`authorization server fixture exited with ${code}: ${stderr.join('')}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const message = parseJsonLine(line);
      if (typeof message?.port === 'number') resolve(message.port);
      if (typeof message?.issuedAccessToken === 'string') issuedAccessTokens.push(message.issuedAccessToken);
    });
  });
  return {
    port,
    orgUrl: `http://127.0.0.1:${port}`,
    issuer: (id) => `http://127.0.0.1:${port}/oauth2/${id}`,
    issuedAccessTokens,
    stop: () => stopChild(child),
  };
}

/** The fixture's stdout also carries oidc-provider's own notices, which are not JSON. */
function parseJsonLine(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function stopChild(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  child.removeAllListeners('exit');
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill();
  });
}

/** The outputs an environment stack writes, for an authorization server with this issuer. */
export function environmentOutputs(issuer: string) {
  return {
    [OUTPUT_NAMES.clientId]: CLIENT_ID,
    [OUTPUT_NAMES.clientSecret]: CLIENT_SECRET,
    [OUTPUT_NAMES.metadataUri]: `${issuer}${OKTA_METADATA_PATH}`,
    [OUTPUT_NAMES.issuer]: issuer,
    [OUTPUT_NAMES.tokenEndpoint]: `${issuer}${OKTA_TOKEN_PATH}`,
    [OUTPUT_NAMES.audience]: AUDIENCE,
    [OUTPUT_NAMES.scopes]: GRANTED_SCOPES,
  };
}

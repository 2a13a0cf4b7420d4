import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OKTA_METADATA_PATH } from '../../lib/okta-facts';
import { OUTPUT_NAMES } from '../../lib/outputs';
import { ROTATED_CLIENT_SECRET_OUTPUT } from '../../lib/client-secret-mode';
import { secretStackName } from '../../lib/stack-names';
import {
  AUTHORIZATION_SERVERS,
  environmentOutputs,
  MANAGEMENT_API_TOKEN,
  startAuthorizationServer,
  type AuthorizationServerFixture,
} from './helpers/authorization-server';
import { expectNoSecrets } from './helpers/no-secrets';
import { dirWithOutputsFile, removeTempDirs, runCli } from './helpers/run-cli';

// The client secret goes only to the issuer's own token endpoint. The issuer is a real OAuth 2.0 server
// (oidc-provider); a second loopback server, on another port, serves a copy of that server's metadata
// whose token_endpoint names the second server, and records every request it gets.

jest.setTimeout(30_000);

interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

let server: AuthorizationServerFixture;
let recorder: Server;
let recorderOrigin: string;
const recorded: Recorded[] = [];

const issuer = () => server.issuer(AUTHORIZATION_SERVERS.main);
const foreignTokenEndpoint = () => `${recorderOrigin}/oauth2/${AUTHORIZATION_SERVERS.main}/v1/token`;

beforeAll(async () => {
  server = await startAuthorizationServer();
  const realMetadata = (await (await fetch(`${issuer()}${OKTA_METADATA_PATH}`)).json()) as Record<string, unknown>;
  recorder = createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (chunk: Buffer) => body.push(chunk));
    req.on('end', () => {
      recorded.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(body).toString('utf8') });
      if (req.url === OKTA_METADATA_PATH) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...realMetadata, token_endpoint: foreignTokenEndpoint() }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'not-a-token', token_type: 'Bearer' }));
    });
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  recorderOrigin = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;
});

beforeEach(() => {
  recorded.length = 0;
});

afterAll(async () => {
  removeTempDirs();
  recorder?.closeAllConnections();
  await new Promise((resolve) => recorder?.close(resolve));
  await server?.stop();
});

/** The real server's outputs, but with the Metadata URI of the recording server. */
const steeredOutputs = () => ({ ...environmentOutputs(issuer()), [OUTPUT_NAMES.metadataUri]: `${recorderOrigin}${OKTA_METADATA_PATH}` });

const refusal = () =>
  `token_endpoint ${foreignTokenEndpoint()} is not on the origin of the issuer ${issuer()} under its path, so the client secret was not sent to it`;

/** The recording server got the metadata request, without credentials, and nothing else. */
function expectOnlyTheMetadataRequest(): void {
  expect(recorded.map(({ method, url, headers, body }) => ({ method, url, authorization: headers.authorization, body }))).toEqual([
    { method: 'GET', url: OKTA_METADATA_PATH, authorization: undefined, body: '' },
  ]);
}

describe('key-insight verify with a metadata document whose token_endpoint is on another origin', () => {
  it('fails the token endpoint check naming both URLs, exits 1, and sends the token endpoint nothing', async () => {
    const run = await runCli(['verify'], { cwd: dirWithOutputsFile({ 'ki-dev': steeredOutputs() }) });

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`  FAIL  Token endpoint is the issuer's own (same origin, under the issuer's path)\n        ${refusal()}\n`);
    expect(run.stdout).toContain('  SKIP  Token endpoint issues an access token (client_credentials, client_secret_basic)\n');
    expectOnlyTheMetadataRequest();
    expectNoSecrets(run);
  });

  it('does not even read a "rotated" secret from Okta', async () => {
    const { [OUTPUT_NAMES.clientSecret]: _none, ...published } = steeredOutputs();
    const outputs = { 'ki-dev': published, [secretStackName('ki-dev')]: { [OUTPUT_NAMES.clientSecret]: ROTATED_CLIENT_SECRET_OUTPUT } };

    const run = await runCli(['verify', '--json'], { cwd: dirWithOutputsFile(outputs), env: { OKTA_ORG_URL: server.orgUrl, OKTA_API_TOKEN: MANAGEMENT_API_TOKEN } });

    expect(run.exitCode).toBe(1);
    const checks = JSON.parse(run.stdout).checks as Array<{ id: string; status: string; detail?: string }>;
    expect(checks.find((check) => check.id === 'tokenEndpointOfIssuer')).toMatchObject({ status: 'fail', detail: refusal() });
    expect(checks.find((check) => check.id === 'clientSecretRead')?.status).toBe('skip');
    expectOnlyTheMetadataRequest();
    expectNoSecrets(run, { secrets: [MANAGEMENT_API_TOKEN] });
  });
});

describe('key-insight rotate-secret start with a metadata document whose token_endpoint is on another origin', () => {
  it('fails the token check with the new secret, naming both URLs, and sends the token endpoint nothing', async () => {
    const run = await runCli(['rotate-secret', 'start'], {
      cwd: dirWithOutputsFile({ 'ki-dev': steeredOutputs() }),
      env: { OKTA_ORG_URL: server.orgUrl, OKTA_API_TOKEN: MANAGEMENT_API_TOKEN },
    });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(
      `key-insight: rotate-secret start failed at step "get a token with the new secret": ` +
        `Metadata token_endpoint equals the stack's token_endpoint: token_endpoint is ${foreignTokenEndpoint()}, the stack's token_endpoint is ${issuer()}/v1/token; ` +
        `Token endpoint is the issuer's own (same origin, under the issuer's path): ${refusal()}\n`,
    );
    expectOnlyTheMetadataRequest();
    expectNoSecrets(run, { secrets: [MANAGEMENT_API_TOKEN] });
  });
});

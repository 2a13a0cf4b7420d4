import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROTATED_CLIENT_SECRET_OUTPUT } from '../../lib/client-secret-mode';
import { OUTPUT_NAMES } from '../../lib/outputs';
import { secretStackName } from '../../lib/stack-names';
import {
  AUTHORIZATION_SERVERS,
  CLIENT_SECRET,
  environmentOutputs,
  MANAGEMENT_API_TOKEN,
  startAuthorizationServer,
  type AuthorizationServerFixture,
} from './helpers/authorization-server';
import { expectNoSecrets } from './helpers/no-secrets';
import { dirWithOutputsFile, removeTempDirs, runCli, type CliRun } from './helpers/run-cli';

// `key-insight verify` for an environment with clientSecret "rotated", whose outputs hold no secret:
// the secret comes from a HAND-WRITTEN STAND-IN of Okta's app secrets API
// (fixtures/okta-management-stand-in.mjs), served beside the real OAuth 2.0 server (oidc-provider),
// whose token endpoint accepts exactly the app's ACTIVE secrets.

const APP = { one: '0oa-verify-rotated-one', two: '0oa-verify-rotated-two', newestInactive: '0oa-verify-rotated-inactive' } as const;
const OLDER_SECRET = 'SENTINEL-older-secret-of-two';
const NEWER_SECRET = 'SENTINEL-newer-secret-of-two';

jest.setTimeout(30_000);

let server: AuthorizationServerFixture;

beforeAll(async () => {
  server = await startAuthorizationServer({
    apps: [
      { id: APP.one, label: 'Fortanix Key Insight', secrets: [CLIENT_SECRET] },
      { id: APP.two, label: 'Fortanix Key Insight', secrets: [OLDER_SECRET, NEWER_SECRET] },
      { id: APP.newestInactive, label: 'Fortanix Key Insight', secrets: [OLDER_SECRET, NEWER_SECRET] },
    ],
  });
  // GIVEN the newer of the second app's secrets deactivated: the newest ACTIVE one is the older
  const secrets = await listSecrets(APP.newestInactive);
  const response = await fetch(`${server.orgUrl}/api/v1/apps/${APP.newestInactive}/credentials/secrets/${secrets[1]!.id}/lifecycle/deactivate`, {
    method: 'POST',
    headers: { authorization: `SSWS ${MANAGEMENT_API_TOKEN}` },
  });
  expect(response.status).toBe(200);
});

afterAll(async () => {
  removeTempDirs();
  await server?.stop();
});

async function listSecrets(appId: string): Promise<Array<{ id: string; status: string }>> {
  const response = await fetch(`${server.orgUrl}/api/v1/apps/${appId}/credentials/secrets`, { headers: { authorization: `SSWS ${MANAGEMENT_API_TOKEN}` } });
  return (await response.json()) as Array<{ id: string; status: string }>;
}

/** An environment with clientSecret "rotated": its secret stack's client_secret output says where the secret is. */
function rotatedOutputs(appId: string, issuer = server.issuer(AUTHORIZATION_SERVERS.main)) {
  const { [OUTPUT_NAMES.clientSecret]: _none, ...published } = environmentOutputs(issuer);
  return { 'ki-dev': { ...published, [OUTPUT_NAMES.clientId]: appId }, [secretStackName('ki-dev')]: { [OUTPUT_NAMES.clientSecret]: ROTATED_CLIENT_SECRET_OUTPUT } };
}

const OKTA_VARIABLES = ['OKTA_ORG_NAME', 'OKTA_BASE_URL', 'OKTA_ORG_URL', 'OKTA_API_TOKEN', 'OKTA_API_CLIENT_ID', 'OKTA_API_PRIVATE_KEY', 'OKTA_API_PRIVATE_KEY_ID', 'OKTA_API_SCOPES'];
/** No Okta variable from the developer's shell: only those a test gives. */
const noOkta = Object.fromEntries(OKTA_VARIABLES.map((name) => [name, '']));

async function verify(outputs: object, env: Record<string, string>, args: string[] = []): Promise<CliRun> {
  const run = await runCli(['verify', ...args], { cwd: dirWithOutputsFile(outputs), env: { ...noOkta, ...env } });
  expectNoSecrets(run, { secrets: [OLDER_SECRET, NEWER_SECRET, MANAGEMENT_API_TOKEN], tokens: server.issuedAccessTokens });
  return run;
}

const oktaEnv = () => ({ OKTA_ORG_URL: server.orgUrl, OKTA_API_TOKEN: MANAGEMENT_API_TOKEN });
const SECRET_CHECK = "Client secret read through Okta's management API (the app's newest ACTIVE secret)";
const TOKEN_REQUEST = 'Token endpoint issues an access token (client_credentials, client_secret_basic)';

describe('key-insight verify with clientSecret "rotated" and Okta credentials', () => {
  it("checks the whole token flow with the app's secret read from Okta, without printing it", async () => {
    const run = await verify(rotatedOutputs(APP.one), oktaEnv());

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`  PASS  ${SECRET_CHECK}\n`);
    expect(run.stdout).toContain(`  PASS  ${TOKEN_REQUEST}\n`);
    expect(run.stdout).toContain('All 14 checks passed.');
  });

  it('uses the newest of two active secrets', async () => {
    const [, newest] = await listSecrets(APP.two);

    const run = await verify(rotatedOutputs(APP.two), oktaEnv());

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`        secret ${newest!.id}, created `);
  });

  it('uses the newest ACTIVE secret, not a newer inactive one (which the token endpoint refuses)', async () => {
    const [older] = await listSecrets(APP.newestInactive);

    const run = await verify(rotatedOutputs(APP.newestInactive), oktaEnv(), ['--json']);

    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.checks.find((check: { id: string }) => check.id === 'clientSecretRead')).toMatchObject({ status: 'pass', detail: expect.stringMatching(new RegExp(`^secret ${older!.id}, created `)) });
    expect(report.passed).toBe(true);
  });

  it("fails the secret's check, naming Okta's answer, when the management API refuses the credentials", async () => {
    const run = await verify(rotatedOutputs(APP.one), { OKTA_ORG_URL: server.orgUrl, OKTA_API_TOKEN: 'SENTINEL-wrong-okta-token' });

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`  FAIL  ${SECRET_CHECK}\n        cannot list the client secrets of app ${APP.one}: Okta answered HTTP 401`);
    expect(run.stdout).toContain(`  SKIP  ${TOKEN_REQUEST}\n`);
    expect(run.stdout).not.toContain('SENTINEL-wrong-okta-token');
  });
});

describe('key-insight verify with clientSecret "rotated" and no Okta credentials', () => {
  it('runs every check that needs no secret, names the one it skipped and why, and exits 0', async () => {
    const run = await verify(rotatedOutputs(APP.one), {});

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('  PASS  Metadata URI (Well-known URL) answers with JSON\n');
    expect(run.stdout).toContain('  PASS  Metadata names a jwks_uri\n');
    expect(run.stdout).toContain(
      `  SKIP  ${SECRET_CHECK}\n        skipped: the environment keeps no client secret (clientSecret "rotated"), and it is read through Okta's management API, but no Okta org: set OKTA_ORG_NAME`,
    );
    expect(run.stdout).toContain(`  SKIP  ${TOKEN_REQUEST}\n`);
    expect(run.stdout).toContain('5 of 14 checks passed and none failed; 9 not run (SKIP above says why).');
  });

  it('exits 1 when a check that ran failed', async () => {
    // GIVEN outputs whose issuer is not the one the Metadata URI names
    const outputs = rotatedOutputs(APP.one);
    const run = await verify({ ...outputs, 'ki-dev': { ...outputs['ki-dev'], [OUTPUT_NAMES.issuer]: 'http://127.0.0.1:1/oauth2/other' } }, {});

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("  FAIL  Metadata issuer equals the stack's issuer\n");
    expect(run.stdout).toContain(`  SKIP  ${SECRET_CHECK}\n`);
  });
});

// An Okta org that misbehaves, for the management API client's bounds: a HAND-WRITTEN loopback server,
// since these answers (silence, a redirect, a body without end) are shapes, not Okta behaviour. The
// SDK asks for /api/v1/apps/{app ID}/credentials/secrets, so the app ID picks the misbehaviour.
describe('key-insight verify with clientSecret "rotated" and an Okta org that misbehaves', () => {
  let org: Server;
  let orgHost: string;
  /** The Authorization header of every request that reached the target of the org's redirect. */
  const redirected: Array<string | undefined> = [];

  beforeAll(async () => {
    org = createServer((req, res) => {
      const url = req.url ?? '';
      if (url.startsWith('/elsewhere/')) {
        redirected.push(req.headers.authorization);
        res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
        return;
      }
      switch (url.split('/')[4]) {
        case 'silent':
          return; // never answers
        case 'moved':
          res.writeHead(302, { location: `http://${req.headers.host}/elsewhere${url}` }).end();
          return;
        default:
          // A body past 1 MiB, sent without a length.
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write(`[${' '.repeat(1024 * 1024)}`);
          res.end(']');
      }
    });
    await new Promise<void>((resolve) => org.listen(0, '127.0.0.1', resolve));
    orgHost = `127.0.0.1:${(org.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    org.closeAllConnections();
    await new Promise((resolve) => org.close(resolve));
  });

  it.each([
    ['gives up on an org that does not answer within --timeout-ms', 'silent', 'no complete answer from Okta at {host} within 300 ms'],
    [
      'does not follow a redirect with the API token',
      'moved',
      'Okta answered HTTP 302, redirecting to http://{host}/elsewhere/api/v1/apps/moved/credentials/secrets, but a request carrying credentials follows no redirect: check the org URL (OKTA_ORG_NAME and OKTA_BASE_URL, or OKTA_ORG_URL)',
    ],
    ['stops reading an answer past 1 MiB', 'endless', 'the answer from Okta at {host} is larger than 1048576 bytes (1 MiB), the most read from any server'],
  ])('%s', async (_what, appId, problem) => {
    const run = await verify(rotatedOutputs(appId), { OKTA_ORG_URL: `http://${orgHost}`, OKTA_API_TOKEN: MANAGEMENT_API_TOKEN }, ['--timeout-ms', '300']);

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`  FAIL  ${SECRET_CHECK}\n        cannot list the client secrets of app ${appId}: ${problem.replaceAll('{host}', orgHost)}\n`);
    expect(redirected).toEqual([]);
  });
});

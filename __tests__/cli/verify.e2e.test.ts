import { OUTPUT_NAMES } from '../../lib/outputs';
import { accountStackName, secretStackName } from '../../lib/stack-names';
import {
  AUDIENCE,
  AUTHORIZATION_SERVERS,
  CLIENT_ID,
  environmentOutputs,
  OTHER_SUBJECT,
  startAuthorizationServer,
  type AuthorizationServerFixture,
} from './helpers/authorization-server';
import { FAKE_STS_SECRET_ACCESS_KEY, FAKE_STS_SESSION_TOKEN, startFakeSts, type FakeSts } from './helpers/fake-sts';
import { expectNoSecrets } from './helpers/no-secrets';
import { dirWithOutputsFile, removeTempDirs, runCli, type CliRun } from './helpers/run-cli';

// `key-insight verify` against a real OAuth 2.0 authorization server (oidc-provider) laid out like
// Okta custom authorization servers, and, for --assume-role, a hand-written fake of AWS STS.

const ACCOUNT_A = '111111111111';
const ACCOUNT_B = '222222222222';
const roleArn = (account: string) => `arn:aws:iam::${account}:role/FortanixKeyInsight`;

let server: AuthorizationServerFixture;
let sts: FakeSts;

beforeAll(async () => {
  [server, sts] = await Promise.all([startAuthorizationServer(), startFakeSts()]);
});

afterAll(async () => {
  removeTempDirs();
  await Promise.all([server?.stop(), sts?.stop()]);
});

async function verify(stackOutputs: Record<string, unknown>, args: string[] = [], env: Record<string, string> = {}): Promise<CliRun> {
  const run = await runCli(['verify', ...args], { cwd: dirWithOutputsFile({ 'ki-dev': stackOutputs }), env });
  expectNoSecrets(run, { tokens: server.issuedAccessTokens });
  return run;
}

const mainOutputs = () => environmentOutputs(server.issuer(AUTHORIZATION_SERVERS.main));

function checkLine(run: CliRun, status: 'PASS' | 'FAIL' | 'SKIP', title: string): void {
  expect(run.stdout).toContain(`  ${status}  ${title}\n`);
}

describe('key-insight verify against an Okta-like authorization server', () => {
  it('passes every check when the stack and the server agree', async () => {
    // GIVEN the outputs of a stack whose Okta half matches the server
    // WHEN verify runs
    const run = await verify(mainOutputs());

    // THEN every check passes and the token's lifetime and claims are reported
    expect(run.exitCode).toBe(0);
    expect(run.stdout).not.toMatch(/FAIL|SKIP/);
    checkLine(run, 'PASS', "Token grants every configured scope");
    expect(run.stdout).toContain('All 13 checks passed.');
    expect(run.stdout).toContain('lifetime 3600 s');
    expect(run.stdout).toMatch(/cid +"0oa-key-insight-test"/);
    expect(run.stdout).toMatch(/scp +\["keyinsight.read"\]/);
    expect(run.stdout).toMatch(/sub +"0oa-key-insight-test"/);
    expect(run.stdout).not.toMatch(/\bjti\b/);
    expect(run.stderr).toBe('');
  });

  it('prints only a JSON report with --json', async () => {
    const run = await verify(mainOutputs(), ['--json']);

    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.passed).toBe(true);
    expect(report.checks.map((check: { status: string }) => check.status)).toEqual(Array(13).fill('pass'));
    expect(report.token.signatureVerified).toBe(true);
    expect(report.token.claims).toMatchObject({ cid: CLIENT_ID, aud: AUDIENCE, scp: ['keyinsight.read'] });
    expect(report.token.claims).not.toHaveProperty('jti');
  });

  it('reports invalid_client with its description and a hint when the secret is wrong', async () => {
    const wrongSecret = 'SENTINEL-wrong-secret';
    const run = await runCli(['verify'], { cwd: dirWithOutputsFile({ 'ki-dev': { ...mainOutputs(), client_secret: wrongSecret } }) });

    expect(run.exitCode).toBe(1);
    checkLine(run, 'FAIL', 'Token endpoint issues an access token (client_credentials, client_secret_basic)');
    expect(run.stdout).toContain('HTTP 401 invalid_client: client authentication failed');
    expect(run.stdout).toContain('the secret was rotated');
    expect(run.stdout).toContain('--outputs-file-include-sensitive-outputs');
    expectNoSecrets(run, { secrets: [wrongSecret] });
  });

  it('reports invalid_scope and points at the scopes and the rule when the client may not ask for a scope', async () => {
    const run = await verify({ ...mainOutputs(), scopes: ['keyinsight.admin'] });

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('HTTP 400 invalid_scope: requested scope is not allowed');
    expect(run.stdout).toContain('check stacks[].okta.scopes and stacks[].okta.rule');
  });

  it('fails the scope check when the server grants fewer scopes than the stack asks for', async () => {
    const run = await verify({ ...mainOutputs(), scopes: ['keyinsight.read', 'keyinsight.write'] });

    expect(run.exitCode).toBe(1);
    checkLine(run, 'FAIL', 'Token grants every configured scope');
    expect(run.stdout).toContain('granted: keyinsight.read, not granted: keyinsight.write');
  });

  it("fails the audience check when the token's aud is not the stack's audience", async () => {
    const run = await verify({ ...mainOutputs(), audience: 'api://another-audience' });

    expect(run.exitCode).toBe(1);
    checkLine(run, 'FAIL', "Token aud equals the stack's audience");
    expect(run.stdout).toContain(`aud is "${AUDIENCE}", the stack's audience is "api://another-audience"`);
    checkLine(run, 'PASS', "Token names the stack's client ID (cid or client_id)");
  });

  it('fails the signature check when the token is signed by a key the server does not publish', async () => {
    const run = await verify(environmentOutputs(server.issuer(AUTHORIZATION_SERVERS.unpublishedKey)));

    expect(run.exitCode).toBe(1);
    checkLine(run, 'FAIL', "Token signature verifies against the server's published keys (jwks_uri)");
    expect(run.stdout).toContain('ERR_JWS_SIGNATURE_VERIFICATION_FAILED: signature verification failed');
    checkLine(run, 'SKIP', "Token iss equals the stack's issuer");
    expect(run.stdout).toContain('signature NOT verified');
  });

  it("fails the issuer checks when the metadata's issuer is not the stack's issuer", async () => {
    // GIVEN a stack whose issuer is written otherwise than the server reports it (with a trailing slash)
    const outputs = mainOutputs();
    const issuerByName = `${outputs.issuer}/`;

    const run = await verify({ ...outputs, issuer: issuerByName });

    expect(run.exitCode).toBe(1);
    checkLine(run, 'FAIL', "Metadata issuer equals the stack's issuer");
    expect(run.stdout).toContain(`issuer is "${outputs.issuer}", the stack's issuer is "${issuerByName}"`);
    checkLine(run, 'FAIL', "Token iss equals the stack's issuer");
  });

  it("fails the sub check, naming the trust's :sub condition, when the token has no sub", async () => {
    // GIVEN an authorization server whose tokens carry cid but no sub
    const issuer = server.issuer(AUTHORIZATION_SERVERS.noSubject);

    // WHEN verify runs
    const run = await verify(environmentOutputs(issuer));

    // THEN the sub check fails with the condition AWS STS would enforce; the client check passes
    expect(run.exitCode).toBe(1);
    checkLine(run, 'FAIL', "Token sub equals the stack's client ID (the AWS trust's :sub condition)");
    expect(run.stdout).toContain(`sub is missing, the stack's client ID is "${CLIENT_ID}"`);
    expect(run.stdout).toContain(
      `AWS STS would refuse this token: the role's trust policy requires the condition 127.0.0.1:${server.port}/oauth2/aus-no-subject:sub = "${CLIENT_ID}"`,
    );
    checkLine(run, 'PASS', "Token names the stack's client ID (cid or client_id)");
  });

  it("fails the sub check, naming the trust's :sub condition, when the token's sub is another principal", async () => {
    const run = await verify(environmentOutputs(server.issuer(AUTHORIZATION_SERVERS.otherSubject)));

    expect(run.exitCode).toBe(1);
    checkLine(run, 'FAIL', "Token sub equals the stack's client ID (the AWS trust's :sub condition)");
    expect(run.stdout).toContain(`sub is "${OTHER_SUBJECT}", the stack's client ID is "${CLIENT_ID}"`);
    expect(run.stdout).toContain(
      `the role's trust policy requires the condition 127.0.0.1:${server.port}/oauth2/aus-other-subject:sub = "${CLIENT_ID}"`,
    );
  });

  it('fails the expiry check when the token is already expired on arrival', async () => {
    const run = await verify(environmentOutputs(server.issuer(AUTHORIZATION_SERVERS.slowClock)));

    expect(run.exitCode).toBe(1);
    checkLine(run, 'FAIL', 'Token exp is in the future');
    expect(run.stdout).toMatch(/expired \S+Z, \d+ s ago/);
    checkLine(run, 'PASS', "Token signature verifies against the server's published keys (jwks_uri)");
  });

  it("stops with exit code 2 and names the cdktf flag and the environment's secret stack when the outputs file has no client secret", async () => {
    const { [OUTPUT_NAMES.clientSecret]: _omitted, ...withoutSecret } = mainOutputs();

    const run = await verify({ ...withoutSecret, aws_role_arn: roleArn(ACCOUNT_A) });

    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'key-insight: stack "ki-dev-secret" in key-insight.outputs.json has no client_secret: the file was written without sensitive outputs; run: npx cdktf output ki-dev ki-dev-secret --outputs-file key-insight.outputs.json --outputs-file-include-sensitive-outputs\n',
    );
  });

  it("names the environment's secret and account stacks when an environment with accounts was written without its secret", async () => {
    const { client_secret: _omitted, ...withoutSecret } = mainOutputs();
    const file = { 'ki-dev': withoutSecret, 'ki-dev-secret': {}, [`ki-dev-${ACCOUNT_A}`]: { aws_role_arn: roleArn(ACCOUNT_A) } };

    const run = await runCli(['verify'], { cwd: dirWithOutputsFile(file) });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      `key-insight: stack "ki-dev-secret" in key-insight.outputs.json has no client_secret: the file was written without sensitive outputs; run: npx cdktf output ki-dev ki-dev-secret ki-dev-${ACCOUNT_A} --outputs-file key-insight.outputs.json --outputs-file-include-sensitive-outputs\n`,
    );
  });
});

describe('key-insight verify --assume-role, against a hand-written fake of AWS STS', () => {
  /** As an environment with accounts writes them: the client secret in its own stack, ki-dev-secret. */
  const multiAccountOutputs = () => ({
    'ki-dev': (({ client_secret: _secret, ...published }) => published)(mainOutputs()),
    [secretStackName('ki-dev')]: { [OUTPUT_NAMES.clientSecret]: mainOutputs().client_secret },
    [accountStackName('ki-dev', ACCOUNT_A)]: { [OUTPUT_NAMES.awsRoleArn]: roleArn(ACCOUNT_A) },
    [accountStackName('ki-dev', ACCOUNT_B)]: { [OUTPUT_NAMES.awsRoleArn]: roleArn(ACCOUNT_B) },
  });

  beforeEach(() => {
    sts.requests.length = 0;
    sts.answerWith({ kind: 'credentials' });
  });

  it('exchanges the access token for every account role and never prints the credentials', async () => {
    const run = await runCli(['verify', '--assume-role'], { cwd: dirWithOutputsFile(multiAccountOutputs()), env: { AWS_ENDPOINT_URL_STS: sts.endpoint } });

    expect(run.exitCode).toBe(0);
    expect(sts.requests.map((request) => [request.action, request.roleArn])).toEqual([
      ['AssumeRoleWithWebIdentity', roleArn(ACCOUNT_A)],
      ['AssumeRoleWithWebIdentity', roleArn(ACCOUNT_B)],
    ]);
    for (const request of sts.requests) expect(server.issuedAccessTokens).toContain(request.webIdentityToken);
    expect(run.stdout).toContain(`assumed arn:aws:sts::${ACCOUNT_B}:assumed-role/FortanixKeyInsight/key-insight-verify`);
    expect(run.stdout).toContain('All 15 checks passed.');
    expectNoSecrets(run, { secrets: [FAKE_STS_SECRET_ACCESS_KEY, FAKE_STS_SESSION_TOKEN, 'ASIAFAKEACCESSKEY'], tokens: server.issuedAccessTokens });
  });

  it("shows STS's error and a hint when STS rejects the token", async () => {
    sts.answerWith({ kind: 'error', code: 'InvalidIdentityToken', message: 'Incorrect token audience' });

    const run = await runCli(['verify', '--assume-role'], { cwd: dirWithOutputsFile(multiAccountOutputs()), env: { AWS_ENDPOINT_URL_STS: sts.endpoint } });

    expect(run.exitCode).toBe(1);
    checkLine(run, 'FAIL', `AWS STS AssumeRoleWithWebIdentity with the token, account ${ACCOUNT_A} (${roleArn(ACCOUNT_A)})`);
    expect(run.stdout).toContain('InvalidIdentityToken: Incorrect token audience');
    expect(run.stdout).toContain("its client_id_list must hold the audience");
    expectNoSecrets(run, { tokens: server.issuedAccessTokens });
  });

  it('refuses an STS endpoint override over plain http to a non-loopback host', async () => {
    const run = await runCli(['verify', '--assume-role'], {
      cwd: dirWithOutputsFile(multiAccountOutputs()),
      env: { AWS_ENDPOINT_URL_STS: 'http://sts.example.invalid' },
    });

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(
      'refused to send a request to the STS endpoint (AWS_ENDPOINT_URL_STS) http://sts.example.invalid over plain http',
    );
    expect(sts.requests).toEqual([]);
    expectNoSecrets(run, { tokens: server.issuedAccessTokens });
  });

  it('stops with exit code 2 when the outputs name no role to assume', async () => {
    const run = await verify(mainOutputs(), ['--assume-role'], { AWS_ENDPOINT_URL_STS: sts.endpoint });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--assume-role needs an aws_role_arn output in stack "ki-dev" or in stacks named ki-dev-<account ID>');
    expect(sts.requests).toEqual([]);
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minimalStack, withValue } from '../helpers/config';
import { synthConfig } from '../helpers/synth';
import { MANAGEMENT_API_TOKEN, startAuthorizationServer, type AuthorizationServerFixture } from './helpers/authorization-server';
import { startIamStandIn, type IamStandIn } from './helpers/iam-stand-in';
import { makeTempDir, removeTempDirs, runCli, type CliRun } from './helpers/run-cli';

// `key-insight discover` against HAND-WRITTEN STAND-INS: Okta's management API
// (fixtures/okta-management-stand-in.mjs) holding a setup made by hand as the manual guide makes it, and
// AWS IAM (helpers/iam-stand-in.ts) holding its OIDC provider, role and scanning policy.

// Each run loads Okta's SDK and the IAM client (a few seconds of CPU on a busy machine).
jest.setTimeout(30_000);

const HAND_MADE = {
  appId: '0oaHandMade000000001',
  serverId: 'ausHandMade000000001',
  scopeId: 'scpHandMade000000001',
  policyId: '00pHandMade000000001',
  ruleId: '0prHandMade000000001',
};
const ACCOUNT = '123456789012';
const ROLE_NAME = 'ki-test-scanner';
const POLICY_ARN = `arn:aws:iam::${ACCOUNT}:policy/ki-test-scanner-scanning`;

let okta: AuthorizationServerFixture;
let iam: IamStandIn;
let providerArn: string;

beforeAll(async () => {
  okta = await startAuthorizationServer({
    apps: [
      { id: HAND_MADE.appId, label: 'Fortanix Key Insight', secrets: ['SENTINEL-hand-made-secret'] },
      // Okta's q matches labels by prefix: discover must keep only the exact label.
      { id: '0oaOlderCopy00000001', label: 'Fortanix Key Insight (old)', secrets: [] },
    ],
    authorizationServers: [
      {
        id: HAND_MADE.serverId,
        name: 'Fortanix Key Insight',
        audiences: ['api://key-insight-test'],
        scopes: [{ id: HAND_MADE.scopeId, name: 'key-insight.scan' }],
        policies: [{ id: HAND_MADE.policyId, name: 'Fortanix Key Insight', rules: [{ id: HAND_MADE.ruleId, name: 'Client credentials' }] }],
      },
      { id: 'ausTwinOne0000000001', name: 'Twin', scopes: [], policies: [] },
      { id: 'ausTwinTwo0000000002', name: 'Twin', scopes: [], policies: [] },
    ],
  });
  const issuerPath = `127.0.0.1:${okta.port}/oauth2/${HAND_MADE.serverId}`;
  providerArn = `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuerPath}`;
  iam = await startIamStandIn({
    oidcProviders: [
      { arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`, url: 'token.actions.githubusercontent.com' },
      { arn: providerArn, url: issuerPath },
    ],
    roles: [{ name: ROLE_NAME, arn: `arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}` }],
    policies: [
      { name: 'ki-test-scanner-scanning', arn: POLICY_ARN },
      { name: 'other-policy', arn: `arn:aws:iam::${ACCOUNT}:policy/other-policy` },
    ],
  });
});

afterAll(async () => {
  removeTempDirs();
  await Promise.all([okta?.stop(), iam?.stop()]);
});

function env(): Record<string, string> {
  return {
    OKTA_ORG_URL: okta.orgUrl,
    OKTA_API_TOKEN: MANAGEMENT_API_TOKEN,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'SENTINEL-aws-secret-access-key',
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL_IAM: iam.endpoint,
  };
}

async function discover(stack: unknown, extraEnv: Record<string, string> = {}): Promise<CliRun> {
  const dir = makeTempDir();
  writeFileSync(join(dir, 'key-insight.config.json'), JSON.stringify({ stacks: [stack] }));
  const run = await runCli(['discover'], { cwd: dir, env: { ...env(), ...extraEnv } });
  expect(`${run.stdout}${run.stderr}`).not.toContain(MANAGEMENT_API_TOKEN);
  expect(`${run.stdout}${run.stderr}`).not.toContain('SENTINEL-aws-secret-access-key');
  return run;
}

/** The JSON after the first `"adopt": ` that follows `heading` in discover's output. */
function pastedBlock(stdout: string, heading = 'Paste into stacks[0] ("ki-test"):'): unknown {
  const after = stdout.slice(stdout.indexOf(heading));
  const start = after.indexOf('"adopt": ') + '"adopt": '.length;
  const end = after.indexOf('\n}', start) + 2;
  return JSON.parse(after.slice(start, end));
}

describe('key-insight discover', () => {
  it('finds a setup made by hand and prints an adopt block that, pasted, synthesizes with its import blocks', async () => {
    // GIVEN a configuration whose names match the hand-made setup (the defaults, as the guide's)
    const stack = minimalStack();

    // WHEN discover runs
    const run = await discover(stack);

    // THEN it finds the eight objects it looks for, once each, and prints the block
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Found (8 of 8):\n');
    expect(pastedBlock(run.stdout)).toEqual({
      okta: {
        appId: HAND_MADE.appId,
        authorizationServerId: HAND_MADE.serverId,
        scopeIds: { 'key-insight.scan': HAND_MADE.scopeId },
        accessPolicyId: HAND_MADE.policyId,
        ruleId: HAND_MADE.ruleId,
      },
      aws: { oidcProviderArn: providerArn, roleName: ROLE_NAME, scanningPolicyArn: POLICY_ARN },
    });

    // AND pasted into the configuration, it synthesizes every import block
    const synthesized = synthConfig({ stacks: [{ ...stack, adopt: pastedBlock(run.stdout) }] })['ki-test'] as { import: Array<{ id: string }> };
    expect(synthesized.import.map((block) => block.id).sort()).toEqual(
      [
        HAND_MADE.appId,
        HAND_MADE.serverId,
        `${HAND_MADE.serverId}/${HAND_MADE.scopeId}`,
        `${HAND_MADE.serverId}/${HAND_MADE.policyId}`,
        `${HAND_MADE.serverId}/${HAND_MADE.policyId}/${HAND_MADE.ruleId}`,
        providerArn,
        ROLE_NAME,
        POLICY_ARN,
        `${ROLE_NAME}/${POLICY_ARN}`,
      ].sort(),
    );
  });

  it('says what it did not find and what it found more than once, and exits 1', async () => {
    // GIVEN an app label nobody has, and a server name two servers share
    const stack = minimalStack({
      okta: {
        app: { label: 'Nobody' },
        authorizationServer: { name: 'Twin', audience: 'api://key-insight-test' },
        scopes: [{ name: 'key-insight.scan' }],
      },
    });

    // WHEN discover runs
    const run = await discover(stack);

    // THEN it lists both problems and the AWS resources it still found
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('Not found (will be created):\n  Okta app labelled "Nobody"\n');
    expect(run.stdout).toContain(
      'Found more than once (rename the extra ones, or paste the right ID yourself):\n  Okta authorization server named "Twin": ausTwinOne0000000001, ausTwinTwo0000000002\n',
    );
    expect(pastedBlock(run.stdout)).toEqual({ aws: { roleName: ROLE_NAME, scanningPolicyArn: POLICY_ARN } });
  });

  it("puts the AWS resources under the entry of aws.accounts for the credentials' account", async () => {
    // GIVEN an environment over two accounts, the credentials being the second one's
    const stack = minimalStack({ aws: { region: 'eu-west-1', accounts: [{ accountId: '111111111111' }, { accountId: ACCOUNT }] } });

    // WHEN discover runs
    const run = await discover(stack);

    // THEN the Okta block goes to the environment, the AWS block to accounts[1], and both synthesize
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`AWS: searched account ${ACCOUNT}, the account of these credentials. Run discover with each listed account's credentials.`);
    const oktaBlock = pastedBlock(run.stdout) as { okta: object; aws?: object };
    const accountBlock = pastedBlock(run.stdout, `Paste into stacks[0].aws.accounts[1] ("${ACCOUNT}"):`);
    expect(oktaBlock.aws).toBeUndefined();
    expect(accountBlock).toEqual({ aws: { oidcProviderArn: providerArn, roleName: ROLE_NAME, scanningPolicyArn: POLICY_ARN } });
    const pasted = { ...stack, adopt: oktaBlock, aws: { ...stack.aws, accounts: [{ accountId: '111111111111' }, { accountId: ACCOUNT, adopt: accountBlock }] } };
    const synthesized = synthConfig({ stacks: [pasted] }) as Record<string, { import?: Array<{ id: string }> }>;
    expect(synthesized['ki-test']!.import).toHaveLength(5);
    expect(synthesized[`ki-test-${ACCOUNT}`]!.import).toHaveLength(4);
    expect(synthesized['ki-test-111111111111']!.import).toBeUndefined();
  });

  it('prints what it found in Okta when AWS has no credentials, with one sentence for AWS, and exits 1', async () => {
    // GIVEN no AWS credentials anywhere the SDK looks
    const noAws = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_CONFIG_FILE: '/nonexistent/config', AWS_EC2_METADATA_DISABLED: 'true' };

    // WHEN discover runs
    const run = await discover(minimalStack(), noAws);

    // THEN the Okta half is reported in full, and AWS in one sentence without the SDK's error name
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`  Okta app labelled "Fortanix Key Insight": ${HAND_MADE.appId}\n`);
    expect(pastedBlock(run.stdout)).toEqual({
      okta: { appId: HAND_MADE.appId, authorizationServerId: HAND_MADE.serverId, scopeIds: { 'key-insight.scan': HAND_MADE.scopeId }, accessPolicyId: HAND_MADE.policyId, ruleId: HAND_MADE.ruleId },
    });
    expect(run.stderr).toBe(
      'key-insight: discover "ki-test": cannot list the IAM OIDC providers in AWS: no AWS credentials were found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, as for the AWS CLI\n',
    );
  });

  it('prints what it found in AWS when Okta cannot be reached, with one sentence naming the host, and exits 1', async () => {
    // GIVEN an Okta org URL where nothing listens
    const run = await discover(minimalStack(), { OKTA_ORG_URL: 'http://127.0.0.1:9' });

    // THEN the AWS half is reported, and Okta in one sentence naming the host
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`  IAM role named "${ROLE_NAME}": ${ROLE_NAME}\n`);
    expect(pastedBlock(run.stdout)).toEqual({ aws: { roleName: ROLE_NAME, scanningPolicyArn: POLICY_ARN } });
    expect(run.stderr).toBe('key-insight: discover "ki-test": cannot list the apps labelled "Fortanix Key Insight" in Okta: cannot reach Okta at 127.0.0.1:9 (ECONNREFUSED)\n');
  });

  it('prints only the errors, no summary of nothing, when neither Okta nor AWS can be reached', async () => {
    // GIVEN an Okta org URL where nothing listens, and no AWS credentials anywhere the SDK looks
    const noAws = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_CONFIG_FILE: '/nonexistent/config', AWS_EC2_METADATA_DISABLED: 'true' };
    const run = await discover(minimalStack(), { OKTA_ORG_URL: 'http://127.0.0.1:9', ...noAws });

    // THEN stdout has no "Found (0 of 0)" and no "Nothing to adopt."; stderr names both failures
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'key-insight: discover "ki-test": cannot list the apps labelled "Fortanix Key Insight" in Okta: cannot reach Okta at 127.0.0.1:9 (ECONNREFUSED)\n' +
        'key-insight: discover "ki-test": cannot read the IAM role ki-test-scanner in AWS: no AWS credentials were found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, as for the AWS CLI\n',
    );
  });

  it('says the search stopped, not that there is nothing to adopt, when what it found is all missing and Okta cannot be reached', async () => {
    // GIVEN a role name that IAM does not have, and an Okta org URL where nothing listens
    const run = await discover(withValue(minimalStack(), 'aws.role.name', 'ki-test-nobody'), { OKTA_ORG_URL: 'http://127.0.0.1:9' });

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('Not found (will be created):\n  IAM role named "ki-test-nobody"\n  IAM policy named "ki-test-nobody-scanning"\n');
    expect(run.stdout).toMatch(/\n\nNothing to adopt so far: the search stopped at the error below.\n$/);
    expect(run.stdout).not.toContain('Nothing to adopt.');
  });

  it('refuses a plain-http IAM endpoint that is not on loopback, before calling anything', async () => {
    const run = await discover(minimalStack(), { AWS_ENDPOINT_URL_IAM: 'http://iam.example.com' });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      'key-insight: refused to send a request to the IAM endpoint (AWS_ENDPOINT_URL_IAM) http://iam.example.com over plain http: only https, or http to a loopback address (127.0.0.0/8, ::1, localhost), is allowed\n',
    );
  });
});

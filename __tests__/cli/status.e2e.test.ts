import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { deployedOutputs } from '../helpers/deployed-outputs';
import { minimalStack } from '../helpers/config';
import { organizationStack } from '../helpers/organization';
import { startArmorStandIn, ARMOR_API_KEY, ARMOR_APP_ID, type ArmorStandIn, type StandInData } from './helpers/armor-stand-in';
import { CLIENT_ID, CLIENT_SECRET } from './helpers/authorization-server';
import { startFakeOrganizations, type FakeOrganizations } from './helpers/fake-organizations';
import { expectNoSecrets } from './helpers/no-secrets';
import { dirWithOutputsFile, removeTempDirs, runCli, type CliRun } from './helpers/run-cli';

// `key-insight status`, run through bin/key-insight.cjs against a STAND-IN of Fortanix's Armor API
// (helpers/armor-stand-in.ts: a loopback server whose every declared answer is validated against
// Fortanix's published OpenAPI document), for outputs files made from what the synth declares.
// Organization member accounts come from the hand-written fake of AWS Organizations.

const ISSUER = 'https://dev-123456.okta.com/oauth2/aus1a2b3c4d5e6f7g8';
const [A, B, C] = ['111111111111', '222222222222', '333333333333'] as const;
const MANAGEMENT = '999999999999';
const UNIT = 'ou-ab12-cd34ef56';
/** The Armor tenant's own IDs (any UUIDs). */
const ACCT = '6f1c2d3e-0000-4000-8000-000000000001';
const GROUP = '6f1c2d3e-0000-4000-8000-000000000002';
const AUTH_CONFIG = '6f1c2d3e-0000-4000-8000-000000000003';
/** Returned by Armor for an access-key connection; must never be printed. */
const AWS_SECRET_KEY = 'SENTINEL-aws-secret-access-key';

const deployed = (config: unknown) => deployedOutputs(config, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, issuer: ISSUER, environmentAccountId: MANAGEMENT });

const MULTI_ACCOUNT = deployed({
  stacks: [minimalStack({ name: 'ki-prod', aws: { region: 'eu-west-1', accounts: [{ accountId: A }, { accountId: B }, { accountId: C }] } })],
});
const ORGANIZATION = deployed({ stacks: [organizationStack({ organizationalUnitIds: [UNIT] }, { name: 'ki-org' })] });
const roleOf = (account: string, environment = 'ki-prod') => `arn:aws:iam::${account}:role/${environment}-scanner`;

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const armorTime = (hoursAgo: number) =>
  new Date(Date.now() - hoursAgo * 3_600_000).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');

interface ConnectionOptions {
  readonly accessKey?: boolean;
  readonly scope?: { $type: 'account'; account_id: string } | { $type: 'organization' };
}

function connection(n: number, name: string, roleArn: string, options: ConnectionOptions = {}) {
  return {
    connection_id: uuid(n),
    name,
    acct_id: ACCT,
    group_id: GROUP,
    created_at: armorTime(24 * 30),
    scan_filter: {},
    connection_config: {
      $type: 'aws',
      role_arn: roleArn,
      aws_scope: options.scope ?? { $type: 'account', account_id: /::(\d{12}):/.exec(roleArn)?.[1] ?? '' },
      creds: options.accessKey
        ? { $type: 'access_and_secret_key', access_key: 'AKIAIOSFODNN7EXAMPLE', secret_key: AWS_SECRET_KEY }
        : { $type: 'open_id_connect', auth_config_id: AUTH_CONFIG },
    },
  };
}

/** A scan that started an hour before it ended, `endedHoursAgo` hours ago. */
function scan(n: number, connectionId: number, status: 'completed' | 'failed' | 'in_progress', endedHoursAgo: number, errors: string[] = []) {
  return {
    scan_id: uuid(1000 + n),
    connection_id: uuid(connectionId),
    scan_status: status,
    acct_id: ACCT,
    group_id: GROUP,
    created_at: armorTime(endedHoursAgo + 1),
    last_updated_at: armorTime(endedHoursAgo),
    ...(status === 'in_progress' ? {} : { ended_at: armorTime(endedHoursAgo) }),
    scan_errors: errors,
  };
}

/** An Azure connection and another team's AWS connection: status looks only at the roles of the stack. */
const UNRELATED = [
  {
    connection_id: uuid(90),
    name: 'azure-prod',
    acct_id: ACCT,
    group_id: GROUP,
    created_at: armorTime(24 * 30),
    scan_filter: {},
    connection_config: {
      $type: 'azure',
      tenant_id: '6f1c2d3e-0000-4000-8000-000000000009',
      azure_scope: { $type: 'subscription', subscription_id: '6f1c2d3e-0000-4000-8000-000000000010' },
      credentials: { $type: 'open_id_connect', client_id: 'azure-app', auth_config_id: AUTH_CONFIG },
    },
  },
  connection(91, 'other-team', 'arn:aws:iam::444444444444:role/other-team-scanner'),
];

/** Three healthy connections, one per account; each account scanned 2 hours ago, after an older failed scan. */
function healthyMultiAccount(): StandInData {
  return {
    connections: [...UNRELATED, connection(1, 'prod-a', roleOf(A)), connection(2, 'prod-b', roleOf(B)), connection(3, 'prod-c', roleOf(C))],
    scans: [
      scan(1, 1, 'failed', 30, ['AccessDenied']),
      scan(2, 1, 'completed', 2),
      scan(3, 2, 'completed', 2),
      scan(4, 3, 'completed', 2),
      scan(5, 91, 'failed', 1, ['not ours']),
    ],
    scannedAccounts: {},
  };
}

/** The data with connection n replaced, or removed when there is no replacement. */
function withConnection(data: StandInData, n: number, replacement: Record<string, unknown> | undefined): StandInData {
  const connections = data.connections.flatMap((item) => (item.connection_id === uuid(n) ? (replacement ? [replacement] : []) : [item]));
  return { ...data, connections };
}

let armor: ArmorStandIn;
let organizations: FakeOrganizations;

beforeAll(async () => {
  armor = await startArmorStandIn(healthyMultiAccount());
  organizations = await startFakeOrganizations({
    managementAccountId: MANAGEMENT,
    parents: {
      [UNIT]: {
        accounts: [
          { id: A, name: 'dev' },
          { id: B, name: 'prod' },
          { id: C, name: 'data' },
          { id: '555555555555', name: 'legacy', state: 'SUSPENDED' },
        ],
        units: [],
      },
    },
  });
});

afterAll(async () => {
  await armor.stop();
  await organizations.stop();
  removeTempDirs();
});

beforeEach(() => armor.reset());

afterEach(() => {
  // THEN every answer the stand-in gave is one the published contract allows
  expect(armor.violations).toEqual([]);
});

const ARMOR_ENV = () => ({ FORTANIX_ARMOR_APP_ID: ARMOR_APP_ID, FORTANIX_ARMOR_API_KEY: ARMOR_API_KEY, FORTANIX_ARMOR_URL: armor.url });
const AWS_CALLER = () => ({
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'SENTINEL-caller-secret-access-key',
  AWS_REGION: 'eu-west-1',
  AWS_ENDPOINT_URL_ORGANIZATIONS: organizations.endpoint,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});

/** Runs status and checks that no secret of any kind reached its output. */
async function status(outputs: unknown, data: StandInData, args: string[] = [], env: Record<string, string> = {}): Promise<CliRun> {
  armor.setData(data);
  const run = await runCli(['status', ...args], {
    cwd: dirWithOutputsFile(outputs),
    // This machine's node 20 makes the AWS SDK warn that its releases from 2027 on need node 22.
    env: { ...ARMOR_ENV(), AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
  });
  expectNoSecrets(run, { secrets: [ARMOR_API_KEY, AWS_SECRET_KEY, 'SENTINEL-caller-secret-access-key'], tokens: armor.issuedTokens });
  expect(run.stdout + run.stderr).not.toContain('SENTINEL');
  return run;
}

const json = (run: CliRun) => JSON.parse(run.stdout) as { accounts: Array<{ accountId: string; problems: string[]; [key: string]: unknown }> };
const problemsOf = (run: CliRun) => Object.fromEntries(json(run).accounts.map((account) => [account.accountId, account.problems]));

describe('key-insight status for a multi-account environment', () => {
  it('exits 0 and prints one ok line per account when every account has a fitting, recently scanned Okta-trust connection', async () => {
    const run = await status(MULTI_ACCOUNT, healthyMultiAccount());

    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const ended = run.stdout.match(/latest scan completed (\S+ \S+) UTC/)![1];
    expect(run.stdout).toBe(`Key Insight's view of stack "ki-prod" (key-insight.outputs.json), from ${armor.url}; a completed scan must have ended within 48 hours

  ok  ${A}  account  "prod-a"  OpenID Connect  scope account ${A}  latest scan completed ${ended} UTC
  ok  ${B}  account  "prod-b"  OpenID Connect  scope account ${B}  latest scan completed ${ended} UTC
  ok  ${C}  account  "prod-c"  OpenID Connect  scope account ${C}  latest scan completed ${ended} UTC

All 3 accounts fine.
`);
  });

  it('prints exactly {"accounts":[...]} with --json, each account with its connection and latest scan', async () => {
    const run = await status(MULTI_ACCOUNT, healthyMultiAccount(), ['--json']);

    expect(run.exitCode).toBe(0);
    const report = json(run);
    expect(Object.keys(report)).toEqual(['accounts']);
    expect(report.accounts.map((account) => account.accountId)).toEqual([A, B, C]);
    expect(report.accounts[0]).toEqual({
      accountId: A,
      roleArn: `arn:aws:iam::${A}:role/ki-prod-scanner`,
      connection: { id: uuid(1), name: 'prod-a', credentials: 'open_id_connect', scope: { type: 'account', accountId: A } },
      lastScan: { id: uuid(1002), status: 'completed', endedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), errors: [] },
      problems: [],
    });
    const { endedAt } = report.accounts[0]!.lastScan as { endedAt: string };
    expect(Math.abs(Date.parse(endedAt) - (Date.now() - 2 * 3_600_000))).toBeLessThan(60_000);
  });

  it('exits 1 and says what to add in Key Insight for an account without a connection, listing it last', async () => {
    const run = await status(MULTI_ACCOUNT, withConnection(healthyMultiAccount(), 1, undefined));

    expect(run.exitCode).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines[2]).toMatch(new RegExp(`^  ok {7}${B} `));
    expect(lines[4]).toBe(`  PROBLEM  ${A}  account  no connection`);
    expect(run.stdout).toContain(`Problems, and what to do:
  account ${A} (${roleOf(A)})
    - no Key Insight connection uses the role ${roleOf(A)}
      do: in Key Insight, add an AWS connection with role ARN ${roleOf(A)}, scope Account ${A}, and OpenID Connect credentials, with the IdP configuration that \`npx key-insight outputs --outputs-file key-insight.outputs.json --stack ki-prod\` prints

1 of 3 accounts with problems.
`);
  });

  it('reports an account without a connection with connection and lastScan null in --json', async () => {
    const run = await status(MULTI_ACCOUNT, withConnection(healthyMultiAccount(), 1, undefined), ['--json']);

    expect(run.exitCode).toBe(1);
    expect(json(run).accounts[0]).toEqual({ accountId: A, roleArn: roleOf(A), connection: null, lastScan: null, problems: [`no Key Insight connection uses the role ${roleOf(A)}`] });
    expect(problemsOf(run)[B]).toEqual([]);
  });

  it('names an access-key connection as a problem, without printing the key', async () => {
    const run = await status(MULTI_ACCOUNT, withConnection(healthyMultiAccount(), 2, connection(2, 'prod-b', roleOf(B), { accessKey: true })), ['--json']);

    expect(run.exitCode).toBe(1);
    expect(problemsOf(run)).toEqual({ [A]: [], [B]: ['connection "prod-b" signs in with an AWS access key, not the Okta trust'], [C]: [] });
    expect(json(run).accounts[1]!.connection).toMatchObject({ credentials: 'access_and_secret_key' });
    expect(run.stdout).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });

  it('names a scope that names another account', async () => {
    const run = await status(
      MULTI_ACCOUNT,
      withConnection(healthyMultiAccount(), 3, connection(3, 'prod-c', roleOf(C), { scope: { $type: 'account', account_id: A } })),
    );

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`    - connection "prod-c" has scope account ${A}, but the role ${roleOf(C)} is account ${C}'s
      do: in Key Insight, edit connection "prod-c": set its scope to Account ${C}
`);
  });

  it('names a latest scan that failed, with its errors, even after an earlier completed scan', async () => {
    const data = healthyMultiAccount();
    const run = await status(MULTI_ACCOUNT, { ...data, scans: [...data.scans, scan(9, 2, 'failed', 1, ['AccessDenied: sts:AssumeRoleWithWebIdentity'])] }, ['--json']);

    expect(run.exitCode).toBe(1);
    expect(problemsOf(run)[B]).toEqual([`the latest scan (${uuid(1009)}) of connection "prod-b" failed: AccessDenied: sts:AssumeRoleWithWebIdentity`]);
    expect(json(run).accounts[1]!.lastScan).toMatchObject({ id: uuid(1009), status: 'failed', errors: ['AccessDenied: sts:AssumeRoleWithWebIdentity'] });
  });

  it('takes a scan in progress as the latest, and the completed one before it as recent enough', async () => {
    const data = healthyMultiAccount();
    const run = await status(MULTI_ACCOUNT, { ...data, scans: [...data.scans, scan(9, 2, 'in_progress', 0)] }, ['--json']);

    expect(run.exitCode).toBe(0);
    expect(json(run).accounts[1]!.lastScan).toEqual({ id: uuid(1009), status: 'in_progress', endedAt: null, errors: [] });
  });

  it('names a completed scan older than --max-scan-age-hours (48 by default), and accepts it under a longer limit', async () => {
    const data = healthyMultiAccount();
    const stale = { ...data, scans: data.scans.map((item) => (item.scan_id === uuid(1004) ? scan(4, 3, 'completed', 50) : item)) };

    const byDefault = await status(MULTI_ACCOUNT, stale, ['--json']);
    const longer = await status(MULTI_ACCOUNT, stale, ['--json', '--max-scan-age-hours', '72']);

    expect(byDefault.exitCode).toBe(1);
    expect(problemsOf(byDefault)[C]).toEqual([expect.stringMatching(/^the latest completed scan of connection "prod-c" ended \S+ \S+ UTC, more than 48 hours ago$/)]);
    expect(longer.exitCode).toBe(0);
  });

  it('matches role ARNs regardless of case, lets the connection with the fewest problems stand for the account, and names the others', async () => {
    // GIVEN a second connection on account B's role, typed in upper case and signing in with an access key
    const data = healthyMultiAccount();
    const duplicate = connection(4, 'prod-b-old', roleOf(B).toUpperCase().replace('ARN:AWS:IAM', 'arn:aws:iam'), { accessKey: true, scope: { $type: 'account', account_id: B } });

    const run = await status(MULTI_ACCOUNT, { ...data, connections: [...data.connections, duplicate], scans: [...data.scans, scan(9, 4, 'completed', 1)] });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`  ok  ${B}  account  "prod-b"  OpenID Connect`);
    expect(run.stdout).toContain(`Note: account ${B}'s role is also used by "prod-b-old" (${uuid(4)}): Key Insight scans it more than once\n`);
  });

  it('names a connection that never completed a scan', async () => {
    const data = healthyMultiAccount();
    const run = await status(MULTI_ACCOUNT, { ...data, scans: data.scans.filter((item) => item.connection_id !== uuid(1)) }, ['--json']);

    expect(run.exitCode).toBe(1);
    expect(problemsOf(run)[A]).toEqual(['connection "prod-a" has no completed scan']);
  });
});

describe('key-insight status for an outputs file with several environments', () => {
  const TWO_ENVIRONMENTS = deployed({
    stacks: [minimalStack({ name: 'ki-prod', aws: { region: 'eu-west-1', accounts: [{ accountId: A }, { accountId: B }, { accountId: C }] } }), minimalStack({ name: 'ki-stage' })],
  });
  const STAGE_ROLE = roleOf(MANAGEMENT, 'ki-stage');
  const bothHealthy = (): StandInData => {
    const data = healthyMultiAccount();
    return { ...data, connections: [...data.connections, connection(4, 'stage', STAGE_ROLE)], scans: [...data.scans, scan(6, 4, 'completed', 2)] };
  };

  it('reports each environment under its own heading without --stack, and exits 0 when none has a problem', async () => {
    const run = await status(TWO_ENVIRONMENTS, bothHealthy());

    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const ended = run.stdout.match(/latest scan completed (\S+ \S+) UTC/)![1];
    expect(run.stdout).toBe(`Key Insight's view of stack "ki-prod" (key-insight.outputs.json), from ${armor.url}; a completed scan must have ended within 48 hours

  ok  ${A}  account  "prod-a"  OpenID Connect  scope account ${A}  latest scan completed ${ended} UTC
  ok  ${B}  account  "prod-b"  OpenID Connect  scope account ${B}  latest scan completed ${ended} UTC
  ok  ${C}  account  "prod-c"  OpenID Connect  scope account ${C}  latest scan completed ${ended} UTC

All 3 accounts fine.

Key Insight's view of stack "ki-stage" (key-insight.outputs.json), from ${armor.url}; a completed scan must have ended within 48 hours

  ok  ${MANAGEMENT}  account  "stage"  OpenID Connect  scope account ${MANAGEMENT}  latest scan completed ${ended} UTC

All one account fine.

2 environments in key-insight.outputs.json: all fine.
`);
  });

  it('exits 1 naming the environment with a problem when one of them has one', async () => {
    const run = await status(TWO_ENVIRONMENTS, withConnection(bothHealthy(), 4, undefined));

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`  PROBLEM  ${MANAGEMENT}  account  no connection\n`);
    expect(run.stdout).toContain('All 3 accounts fine.\n');
    expect(run.stdout.endsWith('\n1 of one account with problems.\n\n2 environments in key-insight.outputs.json: problems in ki-stage.\n')).toBe(true);
  });

  it('prints {"environments":[{"stack","accounts"}]} with --json, each accounts list as for one environment', async () => {
    const run = await status(TWO_ENVIRONMENTS, withConnection(bothHealthy(), 4, undefined), ['--json']);

    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(Object.keys(report)).toEqual(['environments']);
    expect(report.environments.map((environment: any) => [environment.stack, environment.accounts.map((account: any) => account.accountId)])).toEqual([
      ['ki-prod', [A, B, C]],
      ['ki-stage', [MANAGEMENT]],
    ]);
    expect(report.environments[1].accounts[0]).toEqual({ accountId: MANAGEMENT, roleArn: STAGE_ROLE, connection: null, lastScan: null, problems: [`no Key Insight connection uses the role ${STAGE_ROLE}`] });
  });

  it('reports only the environment --stack names, as for a file with one environment', async () => {
    const run = await status(TWO_ENVIRONMENTS, withConnection(bothHealthy(), 4, undefined), ['--json', '--stack', 'ki-prod']);

    expect(run.exitCode).toBe(0);
    expect(Object.keys(json(run))).toEqual(['accounts']);
    expect(json(run).accounts.map((account) => account.accountId)).toEqual([A, B, C]);
  });
});

describe('key-insight status for an organization environment', () => {
  const MEMBER_ROLE = (account: string) => roleOf(account, 'ki-org');
  const MANAGEMENT_ROLE = roleOf(MANAGEMENT, 'ki-org');
  const organizationData = (covered: string[]): StandInData => ({
    connections: [...UNRELATED, connection(10, 'organization', MANAGEMENT_ROLE, { scope: { $type: 'organization' } })],
    scans: [scan(20, 10, 'completed', 30), scan(21, 10, 'completed', 3), scan(22, 10, 'in_progress', 0)],
    scannedAccounts: { [uuid(1020)]: [A, B, C], [uuid(1021)]: covered },
  });

  it('exits 0 when the organization connection\'s latest completed scan covered every active member account', async () => {
    const run = await status(ORGANIZATION, organizationData([MANAGEMENT, A, B, C]), ['--json'], AWS_CALLER());

    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const report = json(run);
    expect(report.accounts.map((account) => [account.accountId, account.roleArn])).toEqual([
      [MANAGEMENT, MANAGEMENT_ROLE],
      [A, MEMBER_ROLE(A)],
      [B, MEMBER_ROLE(B)],
      [C, MEMBER_ROLE(C)],
    ]);
    expect(report.accounts[0]!.connection).toEqual({ id: uuid(10), name: 'organization', credentials: 'open_id_connect', scope: { type: 'organization' } });
    expect(report.accounts[2]!.connection).toEqual(report.accounts[0]!.connection);
  });

  it('names a member account missing from the latest completed scan, and how to check the StackSet', async () => {
    const run = await status(ORGANIZATION, organizationData([MANAGEMENT, A, C]), [], AWS_CALLER());

    expect(run.exitCode).toBe(1);
    expect(run.stdout.split('\n').filter((line) => line.startsWith('  PROBLEM'))).toEqual([expect.stringMatching(new RegExp(`^  PROBLEM  ${B}  member `))]);
    expect(run.stdout).toContain(`  account ${B} (${MEMBER_ROLE(B)})
    - not among the accounts that the latest completed scan (${uuid(1021)}) of organization connection "organization" covered
      do: check that the StackSet "ki-org-key-insight" reached account ${B} (AWS CloudFormation > StackSets > stack instances) and that the role ${MEMBER_ROLE(B)} exists, then scan connection "organization" again in Key Insight
`);
  });

  it('asks Armor only for the accounts of the latest completed scan of the organization connection', async () => {
    await status(ORGANIZATION, organizationData([MANAGEMENT, A, B, C]), ['--json'], AWS_CALLER());

    const scanned = armor.requests.filter((request) => request.path.endsWith('/accounts/aws'));
    expect(scanned.map((request) => request.path)).toEqual([
      `/api/v1/discovery/scans/${uuid(1021)}/accounts/aws`,
      `/api/v1/discovery/scans/${uuid(1021)}/accounts/aws`,
      `/api/v1/discovery/scans/${uuid(1021)}/accounts/aws`,
    ]);
    expect(scanned.map((request) => request.query.previous_id)).toEqual([undefined, A, C]);
  });

  it('names an account-scoped connection on the management role', async () => {
    const data = organizationData([MANAGEMENT, A, B, C]);
    const run = await status(ORGANIZATION, withConnection(data, 10, connection(10, 'organization', MANAGEMENT_ROLE)), ['--json'], AWS_CALLER());

    expect(run.exitCode).toBe(1);
    expect(problemsOf(run)[MANAGEMENT]).toEqual([`connection "organization" has scope account ${MANAGEMENT}, but ${MANAGEMENT_ROLE} is the organization's management role`]);
    expect(problemsOf(run)[A]).toEqual([`no Key Insight connection uses the role ${MEMBER_ROLE(A)}, and no organization connection uses the management role`]);
  });

  it('takes a member account\'s own connection over the organization\'s', async () => {
    const data = organizationData([MANAGEMENT, A, C]);
    const run = await status(ORGANIZATION, { ...data, connections: [...data.connections, connection(11, 'prod-b', MEMBER_ROLE(B))], scans: [...data.scans, scan(30, 11, 'completed', 1)] }, ['--json'], AWS_CALLER());

    expect(run.exitCode).toBe(0);
    expect(json(run).accounts[2]!.connection).toMatchObject({ id: uuid(11), scope: { type: 'account', accountId: B } });
  });

  it('checks the management role only, and says so, without AWS credentials', async () => {
    const run = await status(ORGANIZATION, organizationData([MANAGEMENT]), ['--json']);

    expect(run.exitCode).toBe(0);
    expect(json(run).accounts.map((account) => account.accountId)).toEqual([MANAGEMENT]);
    expect(run.stderr).toBe(
      "key-insight: status: no AWS credentials, so the organization's member accounts are not checked (give credentials that may list the organization, as for `npx key-insight outputs --accounts`)\n",
    );
  });

  it('reports only the member accounts, none of them a problem, when the environment stack has no management role', async () => {
    // GIVEN the outputs of an organization environment deployed without a role in the management account
    const { aws_role_arn: _managementRole, ...withoutRole } = ORGANIZATION['ki-org']!;
    const data: StandInData = {
      connections: [A, B, C].map((account, index) => connection(40 + index, `member-${account}`, MEMBER_ROLE(account))),
      scans: [A, B, C].map((_, index) => scan(40 + index, 40 + index, 'completed', 5)),
      scannedAccounts: {},
    };

    const run = await status({ 'ki-org': withoutRole }, data, ['--json'], AWS_CALLER());

    expect(run.exitCode).toBe(0);
    expect(json(run).accounts.map((account) => account.accountId)).toEqual([A, B, C]);
  });

  it('exits 2 when there is neither a management role nor AWS credentials to list the member accounts', async () => {
    const { aws_role_arn: _managementRole, ...withoutRole } = ORGANIZATION['ki-org']!;

    const run = await status({ 'ki-org': withoutRole }, organizationData([]), ['--json']);

    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      'key-insight: stack "ki-org" has no role in the management account (no aws_role_arn output) and no active member account was listed: nothing to look for in Key Insight; give AWS credentials that may list the organization\n',
    );
  });
});

describe('key-insight status and the Armor API', () => {
  it('pages through connections with limit and offset, and through scans with previous_id, until the listings end', async () => {
    const run = await status(MULTI_ACCOUNT, healthyMultiAccount());

    expect(run.exitCode).toBe(0);
    const listing = (path: string) => armor.requests.filter((request) => request.path === path).map((request) => request.query);
    expect(listing('/api/v1/discovery/connections')).toEqual([
      { limit: '100', offset: '0' },
      { limit: '100', offset: '2' },
      { limit: '100', offset: '4' },
    ]);
    expect(listing('/api/v1/discovery/scans')).toEqual([
      { limit: '100' },
      { limit: '100', previous_id: uuid(1002) },
      { limit: '100', previous_id: uuid(1004) },
      { limit: '100', previous_id: uuid(1005) },
    ]);
  });

  it('asks for one token with the app ID and API key as HTTP Basic, and uses it while it lasts', async () => {
    await status(MULTI_ACCOUNT, healthyMultiAccount());

    expect(armor.requests.map((request) => request.auth)).toEqual(['basic', ...Array(7).fill('bearer')]);
  });

  it('asks for a new token before each call when Armor says tokens last only a few seconds', async () => {
    armor.setTokenLifetime(5);

    const run = await status(MULTI_ACCOUNT, healthyMultiAccount());

    expect(run.exitCode).toBe(0);
    expect(armor.requests.map((request) => request.auth)).toEqual(Array(7).fill(['basic', 'bearer']).flat());
  });

  it('asks for a new token and repeats the call when Armor answers 401 to a token it gave', async () => {
    armor.revokeTokensAfter(2);

    const run = await status(MULTI_ACCOUNT, healthyMultiAccount());

    expect(run.exitCode).toBe(0);
    expect(armor.requests.map((request) => request.auth)).toEqual([
      'basic', 'bearer', 'bearer', 'expired-bearer',
      'basic', 'bearer', 'bearer', 'expired-bearer',
      'basic', 'bearer', 'bearer', 'expired-bearer',
      'basic', 'bearer',
    ]);
    expect(armor.undeclaredAnswers).toEqual(Array(3).fill(expect.stringMatching(/^GET \/api\/v1\/discovery\/(connections|scans) 401$/)));
  });

  it('tries a call again once after a 5xx answer', async () => {
    armor.failNext('/api/v1/discovery/scans', 503, 'Service Unavailable');

    const run = await status(MULTI_ACCOUNT, healthyMultiAccount());

    expect(run.exitCode).toBe(0);
    expect(armor.undeclaredAnswers).toEqual(['GET /api/v1/discovery/scans 503']);
  });

  it('does not follow a redirect to the same host either, since the request carries the token', async () => {
    armor.redirectNext('/api/v1/discovery/connections');

    const run = await status(MULTI_ACCOUNT, healthyMultiAccount());

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      `key-insight: status: Fortanix Armor (GET /api/v1/discovery/connections): HTTP 308 redirects to ${armor.url}/api/v1/discovery/connections?limit=100&offset=0, but a request carrying credentials follows no redirect: set FORTANIX_ARMOR_URL to the Armor API's own URL (now ${armor.url})\n`,
    );
    expect(armor.requests.map((request) => [request.path, request.auth])).toEqual([
      ['/api/v1/iam/session/oauth2/token', 'basic'],
      ['/api/v1/discovery/connections', 'none'],
    ]);
  });

  it('does not post the API key again after a 303 from the token endpoint', async () => {
    armor.redirectNext('/api/v1/iam/session/oauth2/token', undefined, 303);

    const run = await status(MULTI_ACCOUNT, healthyMultiAccount());

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      `key-insight: status: Fortanix Armor (POST /api/v1/iam/session/oauth2/token): HTTP 303 redirects to ${armor.url}/api/v1/iam/session/oauth2/token, but a request carrying credentials follows no redirect: set FORTANIX_ARMOR_URL to the Armor API's own URL (now ${armor.url})\n`,
    );
    expect(armor.requests.map((request) => request.path)).toEqual(['/api/v1/iam/session/oauth2/token']);
  });

  it('sends nothing to another host a redirect names, over the same scheme', async () => {
    const elsewhere: string[] = [];
    const other = createServer((req, res) => {
      elsewhere.push(`${req.method} ${req.url} ${req.headers.authorization ?? 'no authorization'}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[],"metadata":{"total_count":0}}');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      armor.redirectNext('/api/v1/discovery/connections', otherOrigin);

      const run = await status(MULTI_ACCOUNT, healthyMultiAccount());

      expect(run.exitCode).toBe(1);
      expect(run.stderr).toBe(
        `key-insight: status: Fortanix Armor (GET /api/v1/discovery/connections): HTTP 308 redirects to ${otherOrigin}/api/v1/discovery/connections?limit=100&offset=0, but a request carrying credentials follows no redirect: set FORTANIX_ARMOR_URL to the Armor API's own URL (now ${armor.url})\n`,
      );
      expect(elsewhere).toEqual([]);
    } finally {
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('exits 1 naming the call, the HTTP status and Armor\'s text when a call fails twice', async () => {
    armor.failNext('/api/v1/discovery/scans', 500, 'internal error: database unavailable', 2);

    const run = await status(MULTI_ACCOUNT, healthyMultiAccount());

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('key-insight: status: GET /api/v1/discovery/scans: HTTP 500: internal error: database unavailable\n');
  });

  it('exits 1 naming the token call, Armor\'s OAuth error and the variables to check when the API key is wrong', async () => {
    const run = await status(MULTI_ACCOUNT, healthyMultiAccount(), [], { FORTANIX_ARMOR_API_KEY: 'SENTINEL-wrong-api-key' });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      'key-insight: status: POST /api/v1/iam/session/oauth2/token: HTTP 401: invalid_client: Invalid app credentials (check FORTANIX_ARMOR_APP_ID and FORTANIX_ARMOR_API_KEY: an app\'s API key from Fortanix Armor)\n',
    );
  });

  it('stops, instead of paging forever, when the scans listing repeats itself', async () => {
    armor.ignorePreviousId(true);

    const run = await status(MULTI_ACCOUNT, healthyMultiAccount());

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      `key-insight: status: GET /api/v1/discovery/scans: the page after previous_id=${uuid(1002)} repeats scan_id ${uuid(1001)}, so the listing would not end\n`,
    );
  });

  it('gives up on a server slower than --timeout-ms, naming the host and the limit', async () => {
    armor.setDelay(2_000);

    const run = await status(MULTI_ACCOUNT, healthyMultiAccount(), ['--timeout-ms', '300']);

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      `key-insight: status: Fortanix Armor (POST /api/v1/iam/session/oauth2/token): no complete answer from ${new URL(armor.url).host} within 300 ms (raise it with --timeout-ms)\n`,
    );
  });
});

describe('key-insight status and the configuration', () => {
  it('names a configured account the outputs file lacks, which it therefore does not check', async () => {
    const cwd = dirWithOutputsFile(MULTI_ACCOUNT);
    const accounts = [A, B, C, '444444444444'].map((accountId) => ({ accountId }));
    writeFileSync(join(cwd, 'key-insight.config.json'), JSON.stringify({ stacks: [minimalStack({ name: 'ki-prod', aws: { region: 'eu-west-1', accounts } })] }));
    armor.setData(healthyMultiAccount());

    const run = await runCli(['status', '--json'], { cwd, env: ARMOR_ENV() });

    expect(run.exitCode).toBe(0);
    expect(json(run).accounts.map((account) => account.accountId)).toEqual([A, B, C]);
    expect(run.stderr).toMatch(/^key-insight: warning: key-insight\.outputs\.json has no role of the configured account 444444444444 of stack "ki-prod" /);
  });
});

describe('key-insight status usage errors', () => {
  it('exits 2 naming the variables when the Armor credentials are missing', async () => {
    const run = await runCli(['status'], { cwd: dirWithOutputsFile(MULTI_ACCOUNT), env: { FORTANIX_ARMOR_URL: armor.url } });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      "key-insight: status reads Key Insight's connections and scans through the Fortanix Armor API: set FORTANIX_ARMOR_APP_ID and FORTANIX_ARMOR_API_KEY to the app ID and API key of a Fortanix Armor app that may read them\n",
    );
    expect(armor.requests).toEqual([]);
  });

  it('exits 2 for a one-letter API key, which would be cut out of every message, naming its length only', async () => {
    const run = await runCli(['status'], { cwd: dirWithOutputsFile(MULTI_ACCOUNT), env: { ...ARMOR_ENV(), FORTANIX_ARMOR_API_KEY: 'e' } });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      'key-insight: FORTANIX_ARMOR_API_KEY is 1 character long (value not shown), but must be at least 8, as every credential this tool takes: set it to the API key of a Fortanix Armor app\n',
    );
    expect(armor.requests).toEqual([]);
  });

  it('exits 2 for a stack the outputs file does not hold', async () => {
    const run = await status(MULTI_ACCOUNT, healthyMultiAccount(), ['--stack', 'ki-test']);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('key-insight: stack "ki-test" is not in key-insight.outputs.json; stacks with a client_id output: ki-prod\n');
    expect(armor.requests).toEqual([]);
  });

  it('exits 2 when the outputs file is missing', async () => {
    const run = await status(MULTI_ACCOUNT, healthyMultiAccount(), ['--outputs-file', 'missing.json']);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^key-insight: outputs file missing\.json does not exist: /);
  });

  it('refuses to send the API key over plain http to a host that is not loopback', async () => {
    const run = await status(MULTI_ACCOUNT, healthyMultiAccount(), [], { FORTANIX_ARMOR_URL: 'http://armor.example.invalid' });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      'key-insight: refused to send a request to the Armor API (FORTANIX_ARMOR_URL) http://armor.example.invalid over plain http: only https, or http to a loopback address (127.0.0.0/8, ::1, localhost), is allowed\n',
    );
  });

  it('exits 2 for a --max-scan-age-hours that is not a whole number of hours', async () => {
    const run = await status(MULTI_ACCOUNT, healthyMultiAccount(), ['--max-scan-age-hours', '1.5']);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('key-insight: --max-scan-age-hours is set to "1.5", but must be a whole number of hours from 1 to 8760\n');
  });
});

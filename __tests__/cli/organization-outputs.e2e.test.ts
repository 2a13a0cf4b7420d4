import { environmentOutputs } from './helpers/authorization-server';
import { startFakeOrganizations, type FakeOrganizations } from './helpers/fake-organizations';
import { expectNoSecrets } from './helpers/no-secrets';
import { dirWithOutputsFile, removeTempDirs, runCli } from './helpers/run-cli';

// `key-insight outputs` for an organization environment, run through bin/key-insight.cjs. With
// --accounts it asks AWS Organizations; here that is a hand-written fake of AWS Organizations on
// loopback (helpers/fake-organizations.ts), reached through AWS_ENDPOINT_URL_ORGANIZATIONS.

const ISSUER = 'https://dev-123456.okta.com/oauth2/aus1a2b3c4d5e6f7g8';
const MANAGEMENT = '111111111111';
const UNIT = 'ou-ab12-cd34ef56';
const NESTED = 'ou-ab12-99887766';
const ROOT = 'r-ab12';

const organizationEnvironment = {
  'ki-org': {
    ...environmentOutputs(ISSUER),
    aws_role_arn: `arn:aws:iam::${MANAGEMENT}:role/ki-org-scanner`,
    aws_oidc_provider_arn: `arn:aws:iam::${MANAGEMENT}:oidc-provider/x`,
    aws_stack_set_name: 'ki-org-key-insight',
    aws_member_role_name: 'ki-org-scanner',
    aws_organizational_unit_ids: [UNIT],
  },
};

/** A unit with three accounts and a nested unit with two more (one suspended); the root also holds the management account. */
const TREE = {
  managementAccountId: MANAGEMENT,
  parents: {
    [ROOT]: { accounts: [{ id: MANAGEMENT, name: 'management' }, { id: '999999999999', name: 'sandbox' }], units: [UNIT] },
    [UNIT]: {
      accounts: [
        { id: '333333333333', name: 'prod' },
        { id: '222222222222', name: 'dev' },
        { id: '444444444444', name: 'data' },
      ],
      units: [NESTED],
    },
    [NESTED]: {
      accounts: [
        { id: '555555555555', name: 'legacy', state: 'SUSPENDED' },
        { id: '666666666666', name: 'edge' },
      ],
      units: [],
    },
  },
};

const CALLER = {
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'SENTINEL-caller-secret-access-key',
  AWS_SESSION_TOKEN: 'SENTINEL-caller-session-token',
  AWS_REGION: 'eu-west-1',
};

let organizations: FakeOrganizations;

beforeAll(async () => {
  organizations = await startFakeOrganizations(TREE);
});

afterAll(async () => {
  await organizations.stop();
  removeTempDirs();
});

beforeEach(() => {
  organizations.requests.length = 0;
  organizations.failWith(undefined);
});

const withAccounts = (outputs = organizationEnvironment) =>
  runCli(['outputs', '--accounts'], { cwd: dirWithOutputsFile(outputs), env: { ...CALLER, AWS_ENDPOINT_URL_ORGANIZATIONS: organizations.endpoint } });

describe('key-insight outputs for an organization environment', () => {
  it('shows the management role, the member role name and ARN pattern, and which Key Insight scope each fits', async () => {
    const run = await runCli(['outputs'], { cwd: dirWithOutputsFile(organizationEnvironment) });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`
AWS Organization: StackSet "ki-org-key-insight" creates the role "ki-org-scanner" in every account of ${UNIT}
  Key Insight scope "organization" (one AWS connection):  arn:aws:iam::${MANAGEMENT}:role/ki-org-scanner
    the role of the account that deployed the stack (management or delegated administrator), which may also list the organization's accounts (not verified against Key Insight)
  Key Insight scope "account" (one AWS connection per member account):  arn:aws:iam::<account id>:role/ki-org-scanner
  List the member accounts' role ARNs: npx key-insight outputs --accounts (asks AWS Organizations with your AWS credentials)
`);
    expect(organizations.requests).toEqual([]);
    expectNoSecrets(run);
  });

  it('adds the organization to --format json', async () => {
    const run = await runCli(['outputs', '--format', 'json'], { cwd: dirWithOutputsFile(organizationEnvironment) });

    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout).organization).toEqual({
      stackSetName: 'ki-org-key-insight',
      organizationalUnitIds: [UNIT],
      managementRoleArn: `arn:aws:iam::${MANAGEMENT}:role/ki-org-scanner`,
      memberRoleName: 'ki-org-scanner',
      memberRoleArnPattern: 'arn:aws:iam::<account id>:role/ki-org-scanner',
      keyInsightScopes: {
        organization: `arn:aws:iam::${MANAGEMENT}:role/ki-org-scanner`,
        account: 'arn:aws:iam::<account id>:role/ki-org-scanner',
      },
    });
  });

  it('lists every member account under the units, nested units included, across pages, with --accounts', async () => {
    const run = await withAccounts();

    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`
Member accounts from AWS Organizations (5 accounts; the management account ${MANAGEMENT} is left out, StackSets do not deploy there):
  account 222222222222  dev     arn:aws:iam::222222222222:role/ki-org-scanner
  account 333333333333  prod    arn:aws:iam::333333333333:role/ki-org-scanner
  account 444444444444  data    arn:aws:iam::444444444444:role/ki-org-scanner
  account 555555555555  legacy  arn:aws:iam::555555555555:role/ki-org-scanner  (SUSPENDED: the StackSet does not deploy to it)
  account 666666666666  edge    arn:aws:iam::666666666666:role/ki-org-scanner
`);
    expectNoSecrets(run);
    expect(run.stdout + run.stderr).not.toContain('SENTINEL-caller');
  });

  it('asks Organizations page by page for the accounts and the child units of each parent, with signed requests', async () => {
    await withAccounts();

    expect(organizations.requests.map(({ operation, parentId, nextToken }) => [operation, parentId, nextToken])).toEqual([
      ['DescribeOrganization', undefined, undefined],
      ['ListAccountsForParent', UNIT, undefined],
      ['ListAccountsForParent', UNIT, '2'],
      ['ListOrganizationalUnitsForParent', UNIT, undefined],
      ['ListAccountsForParent', NESTED, undefined],
      ['ListOrganizationalUnitsForParent', NESTED, undefined],
    ]);
    expect(organizations.requests.every((request) => request.signed)).toBe(true);
  });

  it('takes a root target as the whole organization, leaving out the management account and listing each account once', async () => {
    const run = await withAccounts({ 'ki-org': { ...organizationEnvironment['ki-org'], aws_organizational_unit_ids: [ROOT, UNIT] } });

    expect(run.exitCode).toBe(0);
    const members = run.stdout.slice(run.stdout.indexOf('Member accounts from AWS Organizations'));
    const listed = [...members.matchAll(/^ {2}account (\d{12}) /gm)].map((match) => match[1]);
    expect(listed).toEqual(['222222222222', '333333333333', '444444444444', '555555555555', '666666666666', '999999999999']);
  });

  it('adds the member accounts to --format json with --accounts', async () => {
    const run = await runCli(['outputs', '--format', 'json', '--accounts'], {
      cwd: dirWithOutputsFile(organizationEnvironment),
      env: { ...CALLER, AWS_ENDPOINT_URL_ORGANIZATIONS: organizations.endpoint },
    });

    expect(run.exitCode).toBe(0);
    const { organization } = JSON.parse(run.stdout);
    expect(organization.managementAccountId).toBe(MANAGEMENT);
    expect(organization.memberAccounts[0]).toEqual({
      accountId: '222222222222',
      name: 'dev',
      status: 'ACTIVE',
      roleArn: 'arn:aws:iam::222222222222:role/ki-org-scanner',
    });
  });

  it('writes the member role ARNs as one variable with --format env --accounts', async () => {
    const run = await runCli(['outputs', '--format', 'env', '--accounts'], {
      cwd: dirWithOutputsFile(organizationEnvironment),
      env: { ...CALLER, AWS_ENDPOINT_URL_ORGANIZATIONS: organizations.endpoint },
    });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("KEY_INSIGHT_MEMBER_ROLE_ARN_PATTERN='arn:aws:iam::<account id>:role/ki-org-scanner'\n");
    expect(run.stdout).toContain(
      "KEY_INSIGHT_MEMBER_ROLE_ARNS='arn:aws:iam::222222222222:role/ki-org-scanner arn:aws:iam::333333333333:role/ki-org-scanner arn:aws:iam::444444444444:role/ki-org-scanner arn:aws:iam::555555555555:role/ki-org-scanner arn:aws:iam::666666666666:role/ki-org-scanner'\n",
    );
  });

  it('fails with exit code 1 and says what to check when Organizations refuses the caller', async () => {
    organizations.failWith({ type: 'AccessDeniedException', message: 'You don\'t have permissions to access this resource.' });

    const run = await withAccounts();

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      "key-insight: could not list the organization's member accounts: these credentials may not list the organization (AWS Organizations answered AccessDenied: You don't have permissions to access this resource.): use the management account or a delegated administrator, with organizations:DescribeOrganization, organizations:ListAccountsForParent and organizations:ListOrganizationalUnitsForParent\n",
    );
    expect(run.stderr).not.toContain('SENTINEL-caller');
  });

  it('says the account is in no organization when Organizations answers so', async () => {
    organizations.failWith({ type: 'AWSOrganizationsNotInUseException', message: 'Your account is not a member of an organization.' });

    const run = await withAccounts();

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      "key-insight: could not list the organization's member accounts: the account of these credentials is not in an organization (AWS Organizations answered AWSOrganizationsNotInUse: Your account is not a member of an organization.): use the credentials of the organization's management account or a delegated administrator\n",
    );
  });

  it('says in one sentence, without the SDK\'s error, that there are no AWS credentials', async () => {
    // GIVEN no AWS credentials anywhere the SDK looks
    const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _key, AWS_SESSION_TOKEN: _token, ...region } = CALLER;
    const nowhere = { AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_CONFIG_FILE: '/nonexistent/config', AWS_EC2_METADATA_DISABLED: 'true' };
    const run = await runCli(['outputs', '--accounts'], {
      cwd: dirWithOutputsFile(organizationEnvironment),
      env: { ...region, ...nowhere, AWS_ENDPOINT_URL_ORGANIZATIONS: organizations.endpoint },
    });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      "key-insight: could not list the organization's member accounts: no AWS credentials were found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, as for the AWS CLI\n",
    );
    expect(organizations.requests).toEqual([]);
  });

  it('names a target that is not in the organization', async () => {
    const run = await withAccounts({ 'ki-org': { ...organizationEnvironment['ki-org'], aws_organizational_unit_ids: ['ou-zz99-00000000'] } });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      "key-insight: could not list the organization's member accounts: a target of the StackSet is not in this organization (AWS Organizations answered ParentNotFound: You specified a root or OU that doesn't exist: ou-zz99-00000000): check stacks[].aws.organization.organizationalUnitIds\n",
    );
  });

  it('refuses to send the caller\'s credentials to a plain-http endpoint that is not loopback', async () => {
    const run = await runCli(['outputs', '--accounts'], {
      cwd: dirWithOutputsFile(organizationEnvironment),
      env: { ...CALLER, AWS_ENDPOINT_URL_ORGANIZATIONS: 'http://organizations.example.invalid' },
    });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      "key-insight: could not list the organization's member accounts: refused to send a request to the AWS Organizations endpoint (AWS_ENDPOINT_URL_ORGANIZATIONS) http://organizations.example.invalid over plain http: only https, or http to a loopback address (127.0.0.0/8, ::1, localhost), is allowed\n",
    );
  });

  describe('without a management role (managementRole: false)', () => {
    const { aws_role_arn: _role, aws_oidc_provider_arn: _provider, ...withoutManagementRole } = organizationEnvironment['ki-org'];
    const memberAccountsOnly = {
      'ki-org': { ...withoutManagementRole, aws_member_role_arn_pattern: 'arn:aws-cn:iam::<account id>:role/ki-org-scanner' },
    };

    it('says the organization scope has no role, and takes the member role ARN pattern from its output', async () => {
      const run = await runCli(['outputs'], { cwd: dirWithOutputsFile(memberAccountsOnly) });

      expect({ exitCode: run.exitCode, stderr: run.stderr }).toEqual({ exitCode: 0, stderr: '' });
      expect(run.stdout).toContain(`
AWS Organization: StackSet "ki-org-key-insight" creates the role "ki-org-scanner" in every account of ${UNIT}
  Key Insight scope "organization": none; the account that deployed the stack has no role for Key Insight (stacks[].aws.organization.managementRole is false)
  Key Insight scope "account" (one AWS connection per member account):  arn:aws-cn:iam::<account id>:role/ki-org-scanner
`);
      expectNoSecrets(run);
    });

    it('writes null for the management role in --format json', async () => {
      const run = await runCli(['outputs', '--format', 'json'], { cwd: dirWithOutputsFile(memberAccountsOnly) });

      expect(run.exitCode).toBe(0);
      expect(JSON.parse(run.stdout).organization).toEqual({
        stackSetName: 'ki-org-key-insight',
        organizationalUnitIds: [UNIT],
        managementRoleArn: null,
        memberRoleName: 'ki-org-scanner',
        memberRoleArnPattern: 'arn:aws-cn:iam::<account id>:role/ki-org-scanner',
        keyInsightScopes: { organization: null, account: 'arn:aws-cn:iam::<account id>:role/ki-org-scanner' },
      });
    });

    it('refuses a malformed member role ARN pattern output', async () => {
      const run = await runCli(['outputs'], {
        cwd: dirWithOutputsFile({ 'ki-org': { ...memberAccountsOnly['ki-org'], aws_member_role_arn_pattern: 'arn:aws:iam::123456789012:role/x' } }),
      });

      expect(run.exitCode).toBe(2);
      expect(run.stderr).toBe(
        'key-insight: stack "ki-org" output aws_member_role_arn_pattern must be an IAM role ARN with <account id> in place of the account, but is "arn:aws:iam::123456789012:role/x": write its outputs again with cdktf\n',
      );
    });
  });

  it('refuses --accounts for an environment that onboards no organization', async () => {
    const { aws_stack_set_name: _a, aws_member_role_name: _b, aws_organizational_unit_ids: _c, ...single } = organizationEnvironment['ki-org'];

    const run = await runCli(['outputs', '--accounts'], { cwd: dirWithOutputsFile({ 'ki-dev': single }) });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      'key-insight: --accounts lists the member accounts of an organization environment, but stack "ki-dev" has no aws_stack_set_name output (no stacks[].aws.organization)\n',
    );
  });

  it('refuses a malformed member role name output', async () => {
    const run = await runCli(['outputs'], {
      cwd: dirWithOutputsFile({ 'ki-org': { ...organizationEnvironment['ki-org'], aws_member_role_name: 'no spaces allowed' } }),
    });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      'key-insight: stack "ki-org" output aws_member_role_name must be an IAM role name, but is "no spaces allowed": write its outputs again with cdktf\n',
    );
  });
});

import { execFileSync } from 'node:child_process';
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { accountStackName } from '../../lib/stack-names';
import { CLIENT_SECRET, environmentOutputs } from './helpers/authorization-server';
import { expectNoSecrets } from './helpers/no-secrets';
import { dirWithOutputsFile, makeTempDir, removeTempDirs, runCli } from './helpers/run-cli';

// `key-insight outputs`, run through bin/key-insight.cjs in a directory holding the outputs file.

const ISSUER = 'https://dev-123456.okta.com/oauth2/aus1a2b3c4d5e6f7g8';
const ACCOUNT_A = '111111111111';
const ACCOUNT_B = '222222222222';
const roleArn = (account: string) => `arn:aws:iam::${account}:role/FortanixKeyInsight`;

const { client_secret: clientSecret, ...published } = environmentOutputs(ISSUER);

/** A single-account environment: the role lives in the environment stack itself, the client secret in <environment stack>-secret. */
const singleAccount = {
  'ki-dev': { ...published, aws_role_arn: roleArn(ACCOUNT_A), aws_oidc_provider_arn: `arn:aws:iam::${ACCOUNT_A}:oidc-provider/x` },
  'ki-dev-secret': { client_secret: clientSecret },
};

/**
 * A multi-account environment: one stack per account, named <environment stack>-<account ID>, and the
 * client secret in <environment stack>-secret.
 */
const multiAccount = {
  'ki-prod': { ...published, 'cross-stack-output-aws_iam_openid_connect_provider': 'ignored' },
  'ki-prod-secret': { client_secret: clientSecret },
  [accountStackName('ki-prod', ACCOUNT_B)]: { aws_role_arn: roleArn(ACCOUNT_B), aws_oidc_provider_arn: `arn:aws:iam::${ACCOUNT_B}:oidc-provider/x` },
  [accountStackName('ki-prod', ACCOUNT_A)]: { aws_role_arn: roleArn(ACCOUNT_A), aws_oidc_provider_arn: `arn:aws:iam::${ACCOUNT_A}:oidc-provider/x` },
};

const withoutSecret = singleAccount['ki-dev'];

afterAll(removeTempDirs);

describe('key-insight outputs', () => {
  it('prints each value and where it goes in Key Insight, with the secret masked', async () => {
    const run = await runCli(['outputs'], { cwd: dirWithOutputsFile(singleAccount) });

    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`Key Insight settings from stack "ki-dev" (key-insight.outputs.json)

Key Insight > Authentication > IdP configuration (Client Credentials flow):
  Client ID       0oa-key-insight-test
  Client Secret   ******** (hidden; add --show-secret to print it)
  Well-known URL  ${ISSUER}/.well-known/oauth-authorization-server
  Scopes          keyinsight.read

Key Insight > AWS connection > role ARN to assume (one account):
  account 111111111111  ${roleArn(ACCOUNT_A)}

Check the token flow first: npx key-insight verify
`);
    expectNoSecrets(run);
  });

  it('prints the secret with --show-secret', async () => {
    const run = await runCli(['outputs', '--show-secret'], { cwd: dirWithOutputsFile(singleAccount) });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`  Client Secret   ${CLIENT_SECRET}\n`);
  });

  it('names the cdktf flag to add when the file was written without sensitive outputs', async () => {
    const run = await runCli(['outputs'], { cwd: dirWithOutputsFile({ 'ki-dev': withoutSecret }) });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      '  Client Secret   not in key-insight.outputs.json, which was written without sensitive outputs; run: npx cdktf output ki-dev ki-dev-secret --outputs-file key-insight.outputs.json --outputs-file-include-sensitive-outputs\n',
    );
  });

  it('exits 2 with --show-secret when the file holds no secret, as the exit codes document, printing nothing on stdout', async () => {
    const run = await runCli(['outputs', '--show-secret'], { cwd: dirWithOutputsFile({ 'ki-dev': withoutSecret }) });

    expect([run.exitCode, run.stdout]).toEqual([2, '']);
    expect(run.stderr).toBe(
      'key-insight: stack "ki-dev-secret" in key-insight.outputs.json has no client_secret: the file was written without sensitive outputs; run: npx cdktf output ki-dev ki-dev-secret --outputs-file key-insight.outputs.json --outputs-file-include-sensitive-outputs\n',
    );
  });

  it('prints the verify command with the --stack and --outputs-file it was given, so that it works as printed', async () => {
    // GIVEN a file of another name with two environments
    const dir = dirWithOutputsFile({ ...singleAccount, ...multiAccount }, 'prod outputs.json');

    // WHEN outputs runs with --stack and --outputs-file
    const run = await runCli(['outputs', '--stack', 'ki-prod', '--outputs-file', 'prod outputs.json'], { cwd: dir });

    // THEN the next step names both, quoted for the shell
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("\nCheck the token flow first: npx key-insight verify --stack ki-prod --outputs-file 'prod outputs.json'\n");
  });

  it('says that a folder given as outputs file is a folder', async () => {
    const dir = makeTempDir();
    mkdirSync(join(dir, 'outputs'));

    const run = await runCli(['outputs', '--outputs-file', 'outputs'], { cwd: dir });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('key-insight: outputs file outputs is a folder, not a file: name the file `cdktf deploy|output --outputs-file` wrote with --outputs-file\n');
  });

  it('refuses a device at once, as it does a folder, instead of reading it without end', async () => {
    const started = Date.now();
    const run = await runCli(['outputs', '--outputs-file', '/dev/urandom'], { cwd: makeTempDir() });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      'key-insight: outputs file /dev/urandom is a device, not a regular file: name the file `cdktf deploy|output --outputs-file` wrote with --outputs-file\n',
    );
    // Starting node and the tool takes about a second here; reading the device would not end at all.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses a file larger than 16 MiB without reading it', async () => {
    const dir = makeTempDir();
    // A sparse file: its size is all that matters, and it takes no room on the disk.
    writeFileSync(join(dir, 'huge.json'), '{');
    truncateSync(join(dir, 'huge.json'), 16 * 1024 * 1024 + 1);

    const run = await runCli(['outputs', '--outputs-file', 'huge.json'], { cwd: dir });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      'key-insight: outputs file huge.json is larger than 16777216 bytes (16 MiB), the most an outputs file may be: name the file `cdktf deploy|output --outputs-file` wrote with --outputs-file\n',
    );
  });

  it('lists the role of every account stack, ordered by account ID, ignoring cdktf cross-stack outputs', async () => {
    const run = await runCli(['outputs'], { cwd: dirWithOutputsFile(multiAccount) });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`role ARN to assume (2 accounts):
  account ${ACCOUNT_A}  ${roleArn(ACCOUNT_A)}
  account ${ACCOUNT_B}  ${roleArn(ACCOUNT_B)}
`);
    expect(run.stdout).not.toContain('cross-stack-output');
  });

  it("prints the secret of an environment with accounts from its secret stack", async () => {
    const run = await runCli(['outputs', '--show-secret'], { cwd: dirWithOutputsFile(multiAccount) });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`  Client Secret   ${CLIENT_SECRET}\n`);
  });

  it("leaves out a retired account, whose stack has no outputs", async () => {
    const run = await runCli(['outputs'], { cwd: dirWithOutputsFile({ ...multiAccount, [`ki-prod-${ACCOUNT_B}`]: {} }) });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`role ARN to assume (one account):
  account ${ACCOUNT_A}  ${roleArn(ACCOUNT_A)}
`);
    expect(run.stdout).not.toContain(ACCOUNT_B);
  });

  it('prints JSON only with --format json, leaving the secret out unless asked', async () => {
    const run = await runCli(['outputs', '--format', 'json'], { cwd: dirWithOutputsFile(multiAccount) });

    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      stack: 'ki-prod',
      clientId: '0oa-key-insight-test',
      clientSecret: null,
      clientSecretStatus: 'hidden',
      wellKnownUrl: `${ISSUER}/.well-known/oauth-authorization-server`,
      scopes: ['keyinsight.read'],
      issuer: ISSUER,
      tokenEndpoint: `${ISSUER}/v1/token`,
      audience: 'api://key-insight',
      awsRoles: [
        { accountId: ACCOUNT_A, roleArn: roleArn(ACCOUNT_A), stack: accountStackName('ki-prod', ACCOUNT_A) },
        { accountId: ACCOUNT_B, roleArn: roleArn(ACCOUNT_B), stack: accountStackName('ki-prod', ACCOUNT_B) },
      ],
    });
    expect(run.stderr).toBe('The client secret is left out; add --show-secret to include it.\n');
    expectNoSecrets(run);
  });

  it('includes the secret in JSON with --show-secret', async () => {
    const run = await runCli(['outputs', '--format', 'json', '--show-secret'], { cwd: dirWithOutputsFile(singleAccount) });

    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ clientSecret: CLIENT_SECRET, clientSecretStatus: 'shown' });
    expect(run.stderr).toBe('');
  });

  it('prints KEY=value lines that a POSIX shell reads back exactly with --format env', async () => {
    // GIVEN a secret with characters a shell would otherwise interpret
    const awkwardSecret = `it's $HOME "and" \`backticks\` \\ ;`;
    const dir = dirWithOutputsFile({ 'ki-dev': { ...singleAccount['ki-dev'], client_secret: awkwardSecret } });

    // WHEN the env output is written to a file and sourced by sh
    const run = await runCli(['outputs', '--format', 'env', '--show-secret'], { cwd: dir });
    writeFileSync(join(dir, 'key-insight.env'), run.stdout);
    const readBack = execFileSync('sh', ['-c', '. ./key-insight.env && printf "%s|%s|%s" "$KEY_INSIGHT_CLIENT_SECRET" "$KEY_INSIGHT_SCOPES" "$KEY_INSIGHT_AWS_ROLE_ARNS"'], {
      cwd: dir,
      encoding: 'utf8',
    });

    // THEN every value comes back unchanged
    expect(run.exitCode).toBe(0);
    expect(readBack).toBe(`${awkwardSecret}|keyinsight.read|${roleArn(ACCOUNT_A)}`);
    expect(run.stdout.split('\n').filter(Boolean).map((line) => line.split('=')[0])).toEqual([
      'KEY_INSIGHT_STACK',
      'KEY_INSIGHT_CLIENT_ID',
      'KEY_INSIGHT_CLIENT_SECRET',
      'KEY_INSIGHT_WELL_KNOWN_URL',
      'KEY_INSIGHT_SCOPES',
      'KEY_INSIGHT_AWS_ROLE_ARNS',
    ]);
  });

  it('leaves the secret out of --format env unless asked, and says so on stderr', async () => {
    const run = await runCli(['outputs', '--format', 'env'], { cwd: dirWithOutputsFile(singleAccount) });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).not.toContain('KEY_INSIGHT_CLIENT_SECRET');
    expect(run.stderr).toBe('The client secret is left out; add --show-secret to include it.\n');
    expectNoSecrets(run);
  });

  it('picks the environment stack named by --stack', async () => {
    const dir = dirWithOutputsFile({ ...singleAccount, ...multiAccount, 'ki-prod': { ...multiAccount['ki-prod'], client_id: '0oa-prod' } });

    const run = await runCli(['outputs', '--stack', 'ki-prod'], { cwd: dir });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Key Insight settings from stack "ki-prod"');
    expect(run.stdout).toContain('  Client ID       0oa-prod\n');
    expect(run.stdout).toContain('(2 accounts)');
  });

  it('asks for --stack when the file holds several environment stacks', async () => {
    const run = await runCli(['outputs'], { cwd: dirWithOutputsFile({ ...singleAccount, ...multiAccount }) });

    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('key-insight: key-insight.outputs.json holds several stacks with a client_id output: pick one with --stack (ki-dev, ki-prod)\n');
  });

  it('names the environment stacks when --stack names one the file does not hold', async () => {
    const run = await runCli(['outputs', '--stack', 'ki-test'], { cwd: dirWithOutputsFile({ ...singleAccount, ...multiAccount }) });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('key-insight: stack "ki-test" is not in key-insight.outputs.json; stacks with a client_id output: ki-dev, ki-prod\n');
  });

  it('reads the file named by --outputs-file', async () => {
    const dir = makeTempDir();
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'out', 'dev.json'), JSON.stringify(singleAccount));

    const run = await runCli(['outputs', '--outputs-file', 'out/dev.json'], { cwd: dir });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Key Insight settings from stack "ki-dev" (out/dev.json)');
  });

  it('stops with exit code 2 and the deploy command when there is no outputs file', async () => {
    const run = await runCli(['outputs'], { cwd: makeTempDir() });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      'key-insight: outputs file key-insight.outputs.json does not exist: write it with `npx cdktf deploy <stack> <stack>-secret --outputs-file key-insight.outputs.json --outputs-file-include-sensitive-outputs` (or `cdktf output` with the same stacks for a deployed one; name its <stack>-<account ID> stacks too when it has AWS accounts), or name another file with --outputs-file\n',
    );
  });

  it('stops with exit code 2, without quoting the file, when the outputs file is not valid JSON', async () => {
    // GIVEN a file holding the bare secret, as `terraform output -raw client_secret > file` writes it
    // (JSON.parse's own message would quote its first characters)
    const run = await runCli(['outputs'], { cwd: dirWithOutputsFile(CLIENT_SECRET) });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      'key-insight: outputs file key-insight.outputs.json is not valid JSON: cdktf writes it whole, so it was cut short or edited; write it again with cdktf\n',
    );
    expect(run.stderr).not.toContain('SENTINEL');
  });

  it('stops with exit code 2 on a --format it does not know', async () => {
    const run = await runCli(['outputs', '--format=yaml'], { cwd: dirWithOutputsFile(singleAccount) });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('key-insight: --format is set to "yaml", but must be one of table, json, env\n');
  });
});

describe('key-insight outputs with an account stack whose role is in another account', () => {
  // GIVEN the stack of account B giving a role of account A (an edited or mixed-up file)
  const mixedUp = { ...multiAccount, [accountStackName('ki-prod', ACCOUNT_B)]: { aws_role_arn: roleArn(ACCOUNT_A) } };
  const WARNING = `key-insight: warning: account stack "ki-prod-${ACCOUNT_B}" in key-insight.outputs.json gives the role ${roleArn(ACCOUNT_A)}, of account ${ACCOUNT_A}, not of account ${ACCOUNT_B}: the stack makes its role in its own account, so the file was edited or mixed up; write it again with cdktf before giving the role to Key Insight\n`;

  it('marks the row in the table and warns on stderr', async () => {
    const run = await runCli(['outputs'], { cwd: dirWithOutputsFile(mixedUp) });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      `  account ${ACCOUNT_A}  ${roleArn(ACCOUNT_A)}\n  account ${ACCOUNT_B}  ${roleArn(ACCOUNT_A)}  (of account ${ACCOUNT_A}: see the warning)\n`,
    );
    expect(run.stderr).toBe(WARNING);
  });

  it('warns on stderr with --format json', async () => {
    const run = await runCli(['outputs', '--format', 'json'], { cwd: dirWithOutputsFile(mixedUp) });

    expect(run.stderr).toBe(`The client secret is left out; add --show-secret to include it.\n${WARNING}`);
  });

  it('says nothing when each account stack gives a role of its own account', async () => {
    const run = await runCli(['outputs'], { cwd: dirWithOutputsFile(multiAccount) });

    expect(run.stderr).toBe('');
  });
});

describe('key-insight outputs with control and invisible characters in the outputs file', () => {
  // ESC starting a colour sequence, the C1 control CSI (U+009B, which some terminals take as ESC [),
  // BEL, and RIGHT-TO-LEFT OVERRIDE (U+202E), which reorders what follows it
  const tampered = {
    'ki-dev': {
      ...published,
      client_id: '0oa\u001b[31mred',
      scopes: ['read\u202eetirw'],
      aws_role_arn: `arn:aws:iam::${ACCOUNT_A}:role/Fortanix\u009b2J\u0007`,
    },
    'ki-dev-secret': { client_secret: clientSecret },
  };
  const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
  const NOTE =
    'key-insight: warning: what is printed above held control or invisible characters (such as ESC or U+202E), written as \\uXXXX escapes: the outputs file, or an answer quoted above, holds them\n';

  it('writes them as \\u escapes in the table, and says so once on stderr', async () => {
    const run = await runCli(['outputs'], { cwd: dirWithOutputsFile(tampered) });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('  Client ID       0oa\\u001b[31mred\n');
    expect(run.stdout).toContain('  Scopes          read\\u202eetirw\n');
    expect(run.stdout).toContain(`  account 111111111111  arn:aws:iam::${ACCOUNT_A}:role/Fortanix\\u009b2J\\u0007\n`);
    expect(run.stdout).not.toMatch(RAW);
    expect(run.stderr).toBe(NOTE);
  });

  it('writes them as \\u escapes in --format env', async () => {
    const run = await runCli(['outputs', '--format', 'env'], { cwd: dirWithOutputsFile(tampered) });

    expect(run.stdout).toContain("KEY_INSIGHT_CLIENT_ID='0oa\\u001b[31mred'\n");
    expect(run.stdout).toContain("KEY_INSIGHT_SCOPES='read\\u202eetirw'\n");
    expect(run.stdout).not.toMatch(RAW);
    expect(run.stderr).toBe(`The client secret is left out; add --show-secret to include it.\n${NOTE}`);
  });

  it('keeps --format json valid, reading back as the same values, with none of them raw', async () => {
    const run = await runCli(['outputs', '--format', 'json'], { cwd: dirWithOutputsFile(tampered) });

    expect(run.stdout).not.toMatch(RAW);
    const report = JSON.parse(run.stdout);
    expect([report.clientId, report.scopes, report.awsRoles[0].roleArn]).toEqual([
      '0oa\u001b[31mred',
      ['read\u202eetirw'],
      `arn:aws:iam::${ACCOUNT_A}:role/Fortanix\u009b2J\u0007`,
    ]);
  });

  it('writes a stack name holding them as escapes in the error that names it', async () => {
    const run = await runCli(['outputs', '--stack', 'ki-\u001b]0;owned\u0007'], { cwd: dirWithOutputsFile(singleAccount) });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(`key-insight: stack "ki-\\u001b]0;owned\\u0007" is not in key-insight.outputs.json; stacks with a client_id output: ki-dev\n${NOTE}`);
  });
});

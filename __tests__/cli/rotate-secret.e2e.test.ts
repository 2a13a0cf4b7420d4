import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  AUTHORIZATION_SERVERS,
  CLIENT_SECRET,
  environmentOutputs,
  MANAGEMENT_API_TOKEN,
  startAuthorizationServer,
  type AuthorizationServerFixture,
} from './helpers/authorization-server';
import { ROTATED_CLIENT_SECRET_OUTPUT } from '../../lib/client-secret-mode';
import { expectNoSecrets } from './helpers/no-secrets';
import { dirWithOutputsFile, removeTempDirs, runCli, type CliRun } from './helpers/run-cli';

// `key-insight rotate-secret` against a HAND-WRITTEN STAND-IN of Okta's app secrets API
// (fixtures/okta-management-stand-in.mjs), served on the same loopback port as the real OAuth 2.0
// server (oidc-provider) whose token endpoint accepts exactly the app's ACTIVE secrets: a secret the
// command creates really gets tokens, and one it deletes really stops working.

/** Each test rotates its own app, so that no test depends on another's secrets. */
const APP = {
  start: '0oa-rotate-start',
  startShow: '0oa-rotate-start-show',
  startFull: '0oa-rotate-start-full',
  startBadScope: '0oa-rotate-start-bad-scope',
  startAccounts: '0oa-rotate-start-accounts',
  startRotated: '0oa-rotate-start-rotated',
  startNamed: '0oa-rotate-start-named',
  finish: '0oa-rotate-finish',
  finishWrongFile: '0oa-rotate-finish-wrong-file',
  finishNone: '0oa-rotate-finish-none',
  finishNeither: '0oa-rotate-finish-neither',
  abort: '0oa-rotate-abort',
} as const;
const OLD_SECRET = CLIENT_SECRET;
const SECOND_SECRET = 'SENTINEL-second-secret-made-earlier';

// Each run loads Okta's SDK (about a second of CPU on its own) and gets real tokens.
jest.setTimeout(30_000);

let server: AuthorizationServerFixture;

beforeAll(async () => {
  server = await startAuthorizationServer({
    apps: Object.values(APP).map((id) => ({
      id,
      label: 'Fortanix Key Insight',
      secrets: id === APP.startFull || id === APP.finishWrongFile || id === APP.finishNeither || id === APP.abort ? [OLD_SECRET, SECOND_SECRET] : [OLD_SECRET],
    })),
  });
});

afterAll(async () => {
  removeTempDirs();
  await server?.stop();
});

const OUTPUTS_FILE = 'key-insight.outputs.json';

function outputsFor(appId: string, clientSecret = OLD_SECRET) {
  return { ...environmentOutputs(server.issuer(AUTHORIZATION_SERVERS.main)), client_id: appId, client_secret: clientSecret };
}

function oktaEnv(): Record<string, string> {
  return { OKTA_ORG_URL: server.orgUrl, OKTA_API_TOKEN: MANAGEMENT_API_TOKEN };
}

async function rotate(dir: string, args: string[], extraSecrets: string[] = []): Promise<CliRun> {
  const run = await runCli(['rotate-secret', ...args], { cwd: dir, env: oktaEnv() });
  expectNoSecrets(run, { secrets: [SECOND_SECRET, MANAGEMENT_API_TOKEN, ...extraSecrets], tokens: server.issuedAccessTokens });
  return run;
}

function fileSecret(dir: string): unknown {
  return JSON.parse(readFileSync(join(dir, OUTPUTS_FILE), 'utf8'))['ki-dev'].client_secret;
}

interface StandInSecret {
  id: string;
  status: string;
  client_secret: string;
}

/** The app's secrets as Okta's management API lists them. */
async function listSecrets(appId: string): Promise<StandInSecret[]> {
  const response = await fetch(`${server.orgUrl}/api/v1/apps/${appId}/credentials/secrets`, { headers: { authorization: `SSWS ${MANAGEMENT_API_TOKEN}` } });
  return (await response.json()) as StandInSecret[];
}

/** Asks the real token endpoint for a client-credentials token; the HTTP status says whether the secret works. */
async function tokenStatus(appId: string, secret: string): Promise<number> {
  const encode = (value: string) => new URLSearchParams([['', value]]).toString().slice(1);
  const response = await fetch(`${server.issuer(AUTHORIZATION_SERVERS.main)}/v1/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${encode(appId)}:${encode(secret)}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials&scope=keyinsight.read',
  });
  await response.body?.cancel();
  return response.status;
}

describe('key-insight rotate-secret start', () => {
  it('creates a second secret that gets tokens, writes it into the outputs file, and keeps the old one working', async () => {
    // GIVEN an app with one secret, the one in the outputs file
    const dir = dirWithOutputsFile({ 'ki-dev': outputsFor(APP.start) });

    // WHEN start runs
    const run = await rotate(dir, ['start']);

    // THEN it succeeds, Okta holds two active secrets, the file holds the new one, and both get tokens
    expect(run.exitCode).toBe(0);
    const secrets = await listSecrets(APP.start);
    expect(secrets.map((secret) => secret.status)).toEqual(['ACTIVE', 'ACTIVE']);
    const created = secrets[1]!.client_secret;
    expect(fileSecret(dir)).toBe(created);
    expect(created).not.toBe(OLD_SECRET);
    expect(await tokenStatus(APP.start, created)).toBe(200);
    expect(await tokenStatus(APP.start, OLD_SECRET)).toBe(200);
    expect(statSync(join(dir, OUTPUTS_FILE)).mode & 0o777).toBe(0o600);
    expect(run.stdout).toContain('  get a token with the new secret\n');
    expect(run.stdout).toContain("replace the Client Secret with the new one (`npx key-insight outputs --show-secret` prints it)");
    expect(run.stdout).toContain('  2. Run `npx key-insight rotate-secret finish`: it checks the new secret again, then deactivates and deletes the old one.\n');
    expect(run.stdout).toContain(
      'Terraform: with clientSecret "terraform" (the default), from now on the okta_app_oauth data source reads the app\'s newest active secret, so the next `cdktf deploy` (or a refresh) stores it in the state and the client_secret output; the app is managed with omit_secret = true, so Terraform never sends a secret back to Okta.',
    );
    expectNoSecrets(run, { secrets: [created] });
  });

  it('says that Terraform keeps no secret when the outputs file holds the "rotated" sentence', async () => {
    // GIVEN a stack with clientSecret "rotated", whose client_secret output is the sentence
    const dir = dirWithOutputsFile({ 'ki-dev': outputsFor(APP.startRotated, ROTATED_CLIENT_SECRET_OUTPUT) });

    // WHEN start runs
    const run = await rotate(dir, ['start']);

    // THEN the new secret replaces the sentence, and the note speaks of the rotated mode only
    expect(run.exitCode).toBe(0);
    expect(fileSecret(dir)).toBe((await listSecrets(APP.startRotated))[1]!.client_secret);
    expect(run.stdout).toContain('\nTerraform keeps no client secret with clientSecret "rotated", so nothing else needs updating.\n');
    expect(run.stdout).not.toContain('okta_app_oauth data source');
  });

  it('prints the new secret once with --show-secret and leaves the outputs file as it was', async () => {
    // GIVEN an app with one secret
    const dir = dirWithOutputsFile({ 'ki-dev': outputsFor(APP.startShow) });

    // WHEN start runs with --show-secret
    const run = await runCli(['rotate-secret', 'start', '--show-secret'], { cwd: dir, env: oktaEnv() });

    // THEN the new secret is printed exactly once, and the file still holds the old one
    expect(run.exitCode).toBe(0);
    const created = (await listSecrets(APP.startShow))[1]!.client_secret;
    expect(run.stdout.split(created)).toHaveLength(2);
    expect(run.stdout).toContain(`New client secret (shown once, not written to any file): ${created}\n`);
    expect(fileSecret(dir)).toBe(OLD_SECRET);
  });

  it('refuses when the app already has two secrets, and changes nothing', async () => {
    // GIVEN an app that already has two secrets
    const dir = dirWithOutputsFile({ 'ki-dev': outputsFor(APP.startFull) });

    // WHEN start runs
    const run = await rotate(dir, ['start']);

    // THEN it exits 1 naming the step and what to do, and both secrets still work
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      'key-insight: rotate-secret start failed at step "list the client secrets": the app already has 2 client secrets, the most Okta allows: a rotation is under way\n' +
        'Run `npx key-insight rotate-secret finish` once Key Insight uses the newest secret, or `npx key-insight rotate-secret abort` to delete it; nothing was changed.\n',
    );
    expect(await listSecrets(APP.startFull)).toHaveLength(2);
    expect(await tokenStatus(APP.startFull, OLD_SECRET)).toBe(200);
    expect(await tokenStatus(APP.startFull, SECOND_SECRET)).toBe(200);
  });

  it('names the token step when the new secret gets no token, and leaves both secrets active', async () => {
    // GIVEN outputs asking for a scope the client may not have
    const dir = dirWithOutputsFile({ 'ki-dev': { ...outputsFor(APP.startBadScope), scopes: ['keyinsight.admin'] } });

    // WHEN start runs
    const run = await rotate(dir, ['start']);

    // THEN it exits 1 at the token step, both secrets are active, and the file is unchanged
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^key-insight: rotate-secret start failed at step "get a token with the new secret": Token endpoint issues an access token \(client_credentials, client_secret_basic\): HTTP 400 invalid_scope/);
    expect(run.stderr).toContain('Both secrets are active; the new one (ocs');
    expect(run.stderr).toContain('run `npx key-insight rotate-secret abort` to delete it, then start again.\n');
    expect((await listSecrets(APP.startBadScope)).map((secret) => secret.status)).toEqual(['ACTIVE', 'ACTIVE']);
    expect(fileSecret(dir)).toBe(OLD_SECRET);
  });

  it('writes the new secret into <stack>-secret when the environment has account stacks', async () => {
    // GIVEN the outputs of an environment with an account: the secret is in ki-dev-secret
    const { client_secret: secret, ...environment } = outputsFor(APP.startAccounts);
    const dir = dirWithOutputsFile({
      'ki-dev': environment,
      'ki-dev-secret': { client_secret: secret },
      'ki-dev-111111111111': { aws_role_arn: 'arn:aws:iam::111111111111:role/ki-dev-scanner' },
    });

    // WHEN start runs
    const run = await rotate(dir, ['start']);

    // THEN the new secret replaces the old one in ki-dev-secret, and the environment stack still holds none
    expect(run.exitCode).toBe(0);
    const written = JSON.parse(readFileSync(join(dir, OUTPUTS_FILE), 'utf8'));
    const created = (await listSecrets(APP.startAccounts))[1]!.client_secret;
    expect(written['ki-dev-secret']).toEqual({ client_secret: created });
    expect(written['ki-dev'].client_secret).toBeUndefined();
    expectNoSecrets(run, { secrets: [created] });
  });

  it('stops with exit code 2 and names the variables when no Okta credentials are set', async () => {
    // GIVEN an outputs file but no OKTA_* variables
    const dir = dirWithOutputsFile({ 'ki-dev': outputsFor(APP.start) });

    // WHEN start runs
    const env = { OKTA_ORG_URL: server.orgUrl, OKTA_API_TOKEN: '', OKTA_API_CLIENT_ID: '', OKTA_API_PRIVATE_KEY: '' };
    const run = await runCli(['rotate-secret', 'start'], { cwd: dir, env });

    // THEN it stops before calling Okta
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      'key-insight: no Okta credentials: set OKTA_API_TOKEN, or OKTA_API_CLIENT_ID with OKTA_API_PRIVATE_KEY, OKTA_API_PRIVATE_KEY_ID and OKTA_API_SCOPES (the variables the Okta Terraform provider reads)\n',
    );
  });
});

describe('key-insight rotate-secret, as people type it', () => {
  it('takes the step after the options, and names the step and Okta\'s host when Okta cannot be reached', async () => {
    // GIVEN an Okta org URL where nothing listens
    const dir = dirWithOutputsFile({ 'ki-dev': outputsFor(APP.start) }, 'dev.json');

    // WHEN start runs, its options first
    const run = await runCli(['rotate-secret', '--stack', 'ki-dev', '--outputs-file', 'dev.json', 'start'], { cwd: dir, env: { ...oktaEnv(), OKTA_ORG_URL: 'http://127.0.0.1:9' } });

    // THEN it exits 1 at the first step, naming the host
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe('key-insight: rotate-secret start failed at step "list the client secrets": cannot reach Okta at 127.0.0.1:9 (ECONNREFUSED)\nnothing was changed\n');
  });

  it('prints next steps that carry the --stack and --outputs-file it was given', async () => {
    // GIVEN an app with one secret, its outputs in a file of another name
    const dir = dirWithOutputsFile({ 'ki-dev': outputsFor(APP.startNamed) }, 'dev.json');

    // WHEN start runs with --stack and --outputs-file
    const run = await runCli(['rotate-secret', 'start', '--stack', 'ki-dev', '--outputs-file', 'dev.json'], { cwd: dir, env: oktaEnv() });

    // THEN every command it suggests names the same stack and file
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('(`npx key-insight outputs --show-secret --stack ki-dev --outputs-file dev.json` prints it)');
    expect(run.stdout).toContain('  2. Run `npx key-insight rotate-secret finish --stack ki-dev --outputs-file dev.json`: it checks');
    expect(run.stdout).toContain('  To drop the new secret instead: `npx key-insight rotate-secret abort --stack ki-dev --outputs-file dev.json`.\n');
  });
});

describe('key-insight rotate-secret finish', () => {
  it('deletes the old secret after start: the new one still gets tokens, the old one is refused', async () => {
    // GIVEN a rotation started by start
    const dir = dirWithOutputsFile({ 'ki-dev': outputsFor(APP.finish) });
    expect((await rotate(dir, ['start'])).exitCode).toBe(0);
    const created = fileSecret(dir) as string;

    // WHEN finish runs
    const run = await rotate(dir, ['finish'], [created]);

    // THEN one secret is left, the new one: it gets tokens, and the old one is refused
    expect(run.exitCode).toBe(0);
    const secrets = await listSecrets(APP.finish);
    expect(secrets.map((secret) => [secret.client_secret, secret.status])).toEqual([[created, 'ACTIVE']]);
    expect(await tokenStatus(APP.finish, created)).toBe(200);
    expect(await tokenStatus(APP.finish, OLD_SECRET)).toBe(401);
    expect(run.stdout).toContain(`Done: the app has one client secret, the one in ${OUTPUTS_FILE}.`);
  });

  it('keeps the older secret when the outputs file holds it, and deletes only the newest, which the file does not hold', async () => {
    // GIVEN an app with two secrets whose outputs file still holds the older one
    const dir = dirWithOutputsFile({ 'ki-dev': outputsFor(APP.finishWrongFile, OLD_SECRET) });
    const [older, newest] = await listSecrets(APP.finishWrongFile);

    // WHEN finish runs
    const run = await rotate(dir, ['finish']);

    // THEN the secret in the file is the one left, and it still gets tokens
    expect([run.exitCode, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toContain(`    ${OUTPUTS_FILE} holds secret ${older!.id}, the older one; secret ${newest!.id} goes\n`);
    expect(run.stdout).toContain(`  deactivate the other secret (${newest!.id})\n  delete the other secret (${newest!.id})\n`);
    expect((await listSecrets(APP.finishWrongFile)).map((secret) => [secret.client_secret, secret.status])).toEqual([[OLD_SECRET, 'ACTIVE']]);
    expect(await tokenStatus(APP.finishWrongFile, OLD_SECRET)).toBe(200);
    expect(await tokenStatus(APP.finishWrongFile, SECOND_SECRET)).toBe(401);
  });

  it('refuses before deactivating anything when the outputs file holds neither secret', async () => {
    // GIVEN an app with two secrets and an outputs file holding a third value
    const dir = dirWithOutputsFile({ 'ki-dev': outputsFor(APP.finishNeither, 'SENTINEL-not-a-secret-of-this-app') });
    const [older, newest] = await listSecrets(APP.finishNeither);

    // WHEN finish runs
    const run = await rotate(dir, ['finish'], ['SENTINEL-not-a-secret-of-this-app']);

    // THEN it exits 1 before any deactivation, and both secrets still get tokens
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      `key-insight: rotate-secret finish failed at step "compare the secret in the outputs file with the app's secrets": the secret in ${OUTPUTS_FILE} is neither of the app's two secrets (${older!.id}, ${newest!.id})\n` +
        `Nothing was changed: put the secret Key Insight uses into ${OUTPUTS_FILE} (\`npx key-insight rotate-secret start\` wrote the new one there), or run \`npx key-insight rotate-secret abort\` to delete the newest.\n`,
    );
    expect(run.stdout).not.toContain('deactivate');
    expect((await listSecrets(APP.finishNeither)).map((secret) => secret.status)).toEqual(['ACTIVE', 'ACTIVE']);
    expect(await tokenStatus(APP.finishNeither, OLD_SECRET)).toBe(200);
    expect(await tokenStatus(APP.finishNeither, SECOND_SECRET)).toBe(200);
  });

  it('refuses when no rotation is under way', async () => {
    // GIVEN an app with one secret
    const dir = dirWithOutputsFile({ 'ki-dev': outputsFor(APP.finishNone) });

    // WHEN finish runs
    const run = await rotate(dir, ['finish']);

    // THEN it exits 1 and the secret still works
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      'key-insight: rotate-secret finish failed at step "list the client secrets": the app has 1 client secret, so no rotation is under way to finish\n' +
        'Nothing was changed; `npx key-insight rotate-secret start` begins a rotation.\n',
    );
    expect(await tokenStatus(APP.finishNone, OLD_SECRET)).toBe(200);
  });
});

describe('key-insight rotate-secret abort', () => {
  it('deletes the newest secret and writes the remaining one, from Okta\'s list, back into the outputs file', async () => {
    // GIVEN an app with two secrets, the newer one in the outputs file (as start leaves them)
    const created = SECOND_SECRET;
    const dir = dirWithOutputsFile({ 'ki-dev': outputsFor(APP.abort, created) });

    // WHEN abort runs
    const run = await rotate(dir, ['abort']);

    // THEN the old secret is the only one, the new one is refused, and the file holds the old one again, readable by its owner only
    expect(run.exitCode).toBe(0);
    const remaining = await listSecrets(APP.abort);
    expect(remaining.map((secret) => [secret.client_secret, secret.status])).toEqual([[OLD_SECRET, 'ACTIVE']]);
    expect(await tokenStatus(APP.abort, created)).toBe(401);
    expect(await tokenStatus(APP.abort, OLD_SECRET)).toBe(200);
    expect(fileSecret(dir)).toBe(OLD_SECRET);
    expect(statSync(join(dir, OUTPUTS_FILE)).mode & 0o777).toBe(0o600);
    expect(run.stdout).toContain(`${OUTPUTS_FILE} holds the remaining secret (${remaining[0]!.id}) again, as Okta's list of the app's secrets returned it.\n`);
  });
});

import { chmodSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { AUTHORIZATION_SERVERS, CLIENT_SECRET, environmentOutputs, MANAGEMENT_API_TOKEN, startAuthorizationServer, type AuthorizationServerFixture } from './helpers/authorization-server';
import { dirWithOutputsFile, removeTempDirs } from './helpers/run-cli';

// `key-insight rotate-secret` run in the test process (rotate-secret.e2e.test.ts runs it through bin/
// in a child process), against the real OAuth 2.0 server (oidc-provider) and the HAND-WRITTEN STAND-IN
// of Okta's app secrets API (fixtures/okta-management-stand-in.mjs): what the command leaves on disk.

const APP = { start: '0oa-file-start', abort: '0oa-file-abort' } as const;
const OLD_SECRET = CLIENT_SECRET;
const SECOND_SECRET = 'SENTINEL-second-secret-for-abort';
const OUTPUTS_FILE = 'key-insight.outputs.json';

jest.setTimeout(30_000);

let server: AuthorizationServerFixture;
const savedEnv = { ...process.env };

beforeAll(async () => {
  server = await startAuthorizationServer({
    apps: [
      { id: APP.start, label: 'Fortanix Key Insight', secrets: [OLD_SECRET] },
      { id: APP.abort, label: 'Fortanix Key Insight', secrets: [OLD_SECRET, SECOND_SECRET] },
    ],
  });
  process.env.OKTA_ORG_URL = server.orgUrl;
  process.env.OKTA_API_TOKEN = MANAGEMENT_API_TOKEN;
});

afterAll(async () => {
  process.env = savedEnv;
  removeTempDirs();
  await server?.stop();
});

async function rotate(dir: string, action: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exitCode = await main(['rotate-secret', action, '--outputs-file', join(dir, OUTPUTS_FILE)], {
    stdout: (text) => stdout.push(text),
    stderr: (text) => stderr.push(text),
  });
  return { exitCode, stdout: stdout.join(''), stderr: stderr.join('') };
}

function outputsFor(appId: string, clientSecret: string) {
  return { ...environmentOutputs(server.issuer(AUTHORIZATION_SERVERS.main)), client_id: appId, client_secret: clientSecret };
}

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe('the outputs file rotate-secret writes', () => {
  it('is readable by its owner only after start writes the new secret, and holds the other stacks as they were', async () => {
    // GIVEN an outputs file any user of the machine may read, with another stack beside the environment
    const neighbour = { aws_role_arn: 'arn:aws:iam::111111111111:role/ki-other-scanner' };
    const dir = dirWithOutputsFile({ 'ki-dev': outputsFor(APP.start, OLD_SECRET), 'ki-other': neighbour });
    const file = join(dir, OUTPUTS_FILE);
    chmodSync(file, 0o644);

    // WHEN start runs
    const run = await rotate(dir, 'start');

    // THEN the file holds the new secret, mode 0600, and no temporary file is left beside it
    expect([run.exitCode, run.stderr]).toEqual([0, '']);
    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(written['ki-dev'].client_secret).toMatch(/^[\w-]{40}$/);
    expect(written['ki-dev'].client_secret).not.toBe(OLD_SECRET);
    expect(written['ki-other']).toEqual(neighbour);
    expect(modeOf(file)).toBe(0o600);
    expect(readdirSync(dir)).toEqual([OUTPUTS_FILE]);
  });

  it('is readable by its owner only after abort writes the remaining secret back in place of the deleted one', async () => {
    // GIVEN an app with two secrets, the newer one in an outputs file any user may read (as start found it)
    const dir = dirWithOutputsFile({ 'ki-dev': outputsFor(APP.abort, SECOND_SECRET) });
    const file = join(dir, OUTPUTS_FILE);
    chmodSync(file, 0o644);

    // WHEN abort runs
    const run = await rotate(dir, 'abort');

    // THEN the file holds the older secret, the one Okta still has, and only its owner may read it
    expect([run.exitCode, run.stderr]).toEqual([0, '']);
    expect(JSON.parse(readFileSync(file, 'utf8'))['ki-dev'].client_secret).toBe(OLD_SECRET);
    expect(modeOf(file)).toBe(0o600);
    expect(readdirSync(dir)).toEqual([OUTPUTS_FILE]);
  });
});

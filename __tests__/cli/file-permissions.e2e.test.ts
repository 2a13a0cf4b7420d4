import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { ROTATED_CLIENT_SECRET_OUTPUT } from '../../lib/client-secret-mode';
import { readableByOthers } from '../../cli/file-permissions';
import { ciMain } from '../../scripts/ci/main';
import { CLIENT_SECRET, environmentOutputs } from './helpers/authorization-server';
import { dirWithOutputsFile, removeTempDirs, runCli } from './helpers/run-cli';

// The warning that an outputs file holding the client secret can be read by others than its owner:
// `key-insight outputs` and `verify` (through bin/key-insight.cjs) and `key-insight-ci mask-secrets`.

afterAll(removeTempDirs);

const OUTPUTS_FILE = 'key-insight.outputs.json';
/** Nothing listens on the discard port of loopback: verify's first request fails at once, and stays on this machine. */
const ISSUER = 'http://127.0.0.1:9/oauth2/aus-unreachable';
const { client_secret: _secret, ...published } = environmentOutputs(ISSUER);
const withSecret = { 'ki-dev': published, 'ki-dev-secret': { client_secret: CLIENT_SECRET } };
const rotated = { 'ki-dev': published, 'ki-dev-secret': { client_secret: ROTATED_CLIENT_SECRET_OUTPUT } };

/** A folder with the outputs file at this mode. */
function outputsAt(outputs: unknown, mode: number): string {
  const dir = dirWithOutputsFile(outputs, OUTPUTS_FILE);
  chmodSync(join(dir, OUTPUTS_FILE), mode);
  return dir;
}

/** What `outputs --format json` says on stderr of the secret it leaves out. */
const SECRET_LEFT_OUT = 'The client secret is left out; add --show-secret to include it.\n';
const warning = (mode: string) =>
  `key-insight: warning: ${OUTPUTS_FILE} holds the client secret and its mode ${mode} lets others than its owner read it: run chmod 600 ${OUTPUTS_FILE}\n`;

describe('readableByOthers', () => {
  it.each([
    ['0644', 0o644],
    ['0640', 0o640],
    ['0604', 0o604],
  ])('names mode %s, which group or others can read, and the chmod that fixes it', (shown, mode) => {
    const file = join(outputsAt(withSecret, mode), OUTPUTS_FILE);

    expect(readableByOthers(file, 'the client secret')).toBe(`${file} holds the client secret and its mode ${shown} lets others than its owner read it: run chmod 600 ${file}`);
  });

  it.each([
    ['0600', 0o600],
    ['0400', 0o400],
    ['0620', 0o620],
  ])('says nothing of mode %s, which only the owner can read', (_shown, mode) => {
    expect(readableByOthers(join(outputsAt(withSecret, mode), OUTPUTS_FILE), 'the client secret')).toBeUndefined();
  });
});

describe('key-insight outputs and verify on an outputs file others can read', () => {
  it('outputs warns on stderr and prints the settings as usual', async () => {
    const run = await runCli(['outputs', '--format', 'json'], { cwd: outputsAt(withSecret, 0o644) });

    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe(warning('0644') + SECRET_LEFT_OUT);
    expect(JSON.parse(run.stdout).clientId).toBe(published.client_id);
  });

  it('outputs says nothing of a file only its owner can read', async () => {
    const run = await runCli(['outputs', '--format', 'json'], { cwd: outputsAt(withSecret, 0o600) });

    expect([run.exitCode, run.stderr]).toEqual([0, SECRET_LEFT_OUT]);
  });

  it('outputs says nothing of a readable file that holds no secret (clientSecret "rotated")', async () => {
    const run = await runCli(['outputs', '--format', 'json'], { cwd: outputsAt(rotated, 0o644) });

    expect(run.exitCode).toBe(0);
    expect(run.stderr.split('\n').filter((line) => line.startsWith('key-insight: warning:'))).toEqual([]);
  });

  it('verify warns on stderr before its checks, which report on stdout', async () => {
    const run = await runCli(['verify', '--timeout-ms', '2000'], { cwd: outputsAt(withSecret, 0o640) });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(warning('0640'));
    expect(run.stdout).toContain(`Verifying stack "ki-dev" from ${OUTPUTS_FILE}`);
  });
});

describe('key-insight-ci mask-secrets and verify-deployed on an outputs file others can read', () => {
  async function ci(command: string, outputs: unknown, mode: number) {
    const file = join(outputsAt(outputs, mode), OUTPUTS_FILE);
    const stdout: string[] = [];
    const stderr: string[] = [];
    const exitCode = await ciMain([command, '--outputs-file', file], {}, { stdout: (text) => stdout.push(text), stderr: (text) => stderr.push(text) });
    return { file, exitCode, stdout: stdout.join(''), stderr: stderr.join('') };
  }
  const maskSecrets = (outputs: unknown, mode: number) => ci('mask-secrets', outputs, mode);

  it('masks the secret on stdout and warns on stderr, naming the chmod', async () => {
    const run = await maskSecrets(withSecret, 0o644);

    expect([run.exitCode, run.stdout]).toEqual([0, `::add-mask::${CLIENT_SECRET}\n`]);
    expect(run.stderr).toBe(`key-insight-ci mask-secrets: warning: ${run.file} holds client secrets and its mode 0644 lets others than its owner read it: run chmod 600 ${run.file}\n`);
  });

  it('says nothing of a file only its owner can read, or of a readable one without a secret', async () => {
    const runs = [await maskSecrets(withSecret, 0o600), await maskSecrets(rotated, 0o644)];

    expect(runs.map((run) => run.stderr)).toEqual(['', '']);
  });

  it("verify-deployed passes on verify's warning for the environment it verifies", async () => {
    const run = await ci('verify-deployed', withSecret, 0o644);

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(`key-insight: warning: ${run.file} holds the client secret and its mode 0644 lets others than its owner read it: run chmod 600 ${run.file}\n`);
  });
});

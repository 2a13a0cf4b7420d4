import { EXIT_CODES } from '../../cli/exit-codes';
import { main } from '../../cli/main';

async function run(argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exitCode = await main(argv, { stdout: (text) => stdout.push(text), stderr: (text) => stderr.push(text) });
  return { exitCode, stdout: stdout.join(''), stderr: stderr.join('') };
}

describe('main', () => {
  it('prints the usage and the exit codes with --help', async () => {
    const result = await run(['--help']);

    expect(result.exitCode).toBe(EXIT_CODES.ok);
    expect(result.stdout).toContain('key-insight outputs [--outputs-file F] [--stack S] [--format table|json|env] [--show-secret]');
    expect(result.stdout).toContain('Exit codes: 0 all good, 1 a check or an Okta or Armor call failed, 2 usage error');
    expect(result.stderr).toBe('');
  });

  it('names the secret stack in the deploy command that writes the outputs file, which otherwise lacks the client secret', async () => {
    const result = await run(['--help']);

    expect(result.stdout).toContain(
      '  npx cdktf deploy <stack> <stack>-secret --outputs-file key-insight.outputs.json --outputs-file-include-sensitive-outputs\n' +
        '(with AWS accounts, name its <stack>-<account ID> stacks too; default --outputs-file: ./key-insight.outputs.json).\n',
    );
  });

  it("prints a command's own help", async () => {
    const result = await run(['verify', '--help']);

    expect(result.exitCode).toBe(EXIT_CODES.ok);
    expect(result.stdout).toContain('--timeout-ms N   limit for each request (default 10000)');
  });

  it("prints status's help, naming the Armor variables and the default scan age", async () => {
    const result = await run(['status', '--help']);

    expect(result.exitCode).toBe(EXIT_CODES.ok);
    expect(result.stdout).toContain('--max-scan-age-hours N  how recent the latest completed scan must be (default 48)');
    expect(result.stdout).toContain('Credentials: FORTANIX_ARMOR_APP_ID and FORTANIX_ARMOR_API_KEY');
  });

  it('answers a missing command with exit code 2 on stderr', async () => {
    const result = await run([]);

    expect(result.exitCode).toBe(EXIT_CODES.usage);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('key-insight: missing command: key-insight outputs | verify | rotate-secret | discover | status | rename-stack (key-insight --help for more)\n');
  });
});

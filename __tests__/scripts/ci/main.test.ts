import { CI_HELP, ciMain } from '../../../scripts/ci/main';

async function ci(argv: string[]) {
  const out = { stdout: '', stderr: '' };
  const exitCode = await ciMain(argv, {}, { stdout: (text) => (out.stdout += text), stderr: (text) => (out.stderr += text) });
  return { exitCode, ...out };
}

describe('key-insight-ci arguments', () => {
  it('refuses an argument to a command that takes none in one line, exit code 2', async () => {
    expect(await ci(['deploy-check', 'extra'])).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'key-insight-ci deploy-check: takes no arguments, but was given "extra" (options: --help)\n',
    });
  });

  it('refuses --outputs-file where the command reads no outputs file', async () => {
    expect(await ci(['plan', '--outputs-file', 'key-insight.outputs.json'])).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: "key-insight-ci plan: Unknown option '--outputs-file' (options: --help)\n",
    });
  });

  it('asks for the value of --outputs-file, without the parser\'s hint about --', async () => {
    expect(await ci(['mask-secrets', '--outputs-file'])).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: "key-insight-ci mask-secrets: Option '--outputs-file <value>' argument missing (options: --help, --outputs-file)\n",
    });
  });

  it('refuses --outputs-file given twice', async () => {
    expect((await ci(['verify-deployed', '--outputs-file', 'a.json', '--outputs-file=b.json'])).stderr).toBe(
      'key-insight-ci verify-deployed: --outputs-file is given 2 times, but takes one value\n',
    );
  });

  it("prints the help for a command's --help, exit code 0", async () => {
    expect(await ci(['drift', '--help'])).toEqual({ exitCode: 0, stdout: CI_HELP, stderr: '' });
  });

  it('names an unknown command and the commands there are in one line', async () => {
    expect(await ci(['deploy'])).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'key-insight-ci: unknown command "deploy": use deploy-check | plan | drift | deployed-stacks | mask-secrets | verify-deployed | state-policy | deploy-role-policy | plan-role-policy | environments | hcp-token (key-insight-ci --help for more)\n',
    });
  });

  it('names the commands when none is given', async () => {
    expect((await ci([])).stderr).toBe(
      'key-insight-ci: missing command: use deploy-check | plan | drift | deployed-stacks | mask-secrets | verify-deployed | state-policy | deploy-role-policy | plan-role-policy | environments | hcp-token (key-insight-ci --help for more)\n',
    );
  });
});

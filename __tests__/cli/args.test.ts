import { DEFAULT_OUTPUTS_FILE, DEFAULT_TIMEOUT_MS, parseInvocation } from '../../cli/args';

describe('parseInvocation', () => {
  it('defaults outputs to the table format, the default file, a masked secret and no account listing', () => {
    expect(parseInvocation(['outputs'])).toEqual({
      command: 'outputs',
      options: { outputsFile: DEFAULT_OUTPUTS_FILE, format: 'table', showSecret: false, accounts: false },
    });
  });

  it('asks for the member accounts with --accounts', () => {
    expect(parseInvocation(['outputs', '--accounts'])).toMatchObject({ command: 'outputs', options: { accounts: true } });
  });

  it('defaults verify to text, a 10 s timeout and no STS exchange', () => {
    expect(parseInvocation(['verify'])).toEqual({
      command: 'verify',
      options: { outputsFile: DEFAULT_OUTPUTS_FILE, json: false, timeoutMs: DEFAULT_TIMEOUT_MS, assumeRole: false },
    });
  });

  it('reads every verify option, in both --name value and --name=value forms', () => {
    expect(parseInvocation(['verify', '--outputs-file=o.json', '--stack', 's', '--json', '--timeout-ms', '250', '--assume-role'])).toEqual({
      command: 'verify',
      options: { outputsFile: 'o.json', stack: 's', json: true, timeoutMs: 250, assumeRole: true },
    });
  });

  it.each([
    ['1', 1],
    ['600000', 600000],
  ])('accepts --timeout-ms %s (a limit of its range)', (value, expected) => {
    expect(parseInvocation(['verify', '--timeout-ms', value])).toMatchObject({ options: { timeoutMs: expected } });
  });

  it.each(['0', '600001', '1.5', '-5', '10s', ''])('refuses --timeout-ms %j', (value) => {
    expect(() => parseInvocation(['verify', `--timeout-ms=${value}`])).toThrow(
      `--timeout-ms is set to "${value}", but must be a whole number of milliseconds from 1 to 600000`,
    );
  });

  it('refuses an option the command does not have, listing the ones it has', () => {
    expect(() => parseInvocation(['outputs', '--json'])).toThrow(
      "Unknown option '--json' for outputs (options: --outputs-file, --stack, --help, --format, --show-secret, --accounts)",
    );
  });

  it('refuses an option given without its value', () => {
    expect(() => parseInvocation(['verify', '--stack'])).toThrow("Option '--stack <value>' argument missing for verify");
  });

  it('refuses an empty --stack', () => {
    expect(() => parseInvocation(['verify', '--stack='])).toThrow('--stack is empty, but must name a stack');
  });

  it('refuses an unknown command and a missing one', () => {
    expect(() => parseInvocation(['deploy'])).toThrow('unknown command "deploy": use key-insight outputs | verify');
    expect(() => parseInvocation([])).toThrow('missing command: key-insight outputs | verify');
  });

  it('answers --help for the tool and for each command', () => {
    expect(parseInvocation(['--help'])).toEqual({ command: 'help' });
    expect(parseInvocation(['verify', '-h'])).toEqual({ command: 'help', topic: 'verify' });
  });
});

import { DEFAULT_OUTPUTS_FILE, DEFAULT_TIMEOUT_MS, parseInvocation } from '../../cli/args';
import { UsageError } from '../../cli/usage-error';

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

describe('parseInvocation, options as people type them', () => {
  it('takes the rotate-secret step before or after the options', () => {
    const expected = { command: 'rotate-secret', options: { outputsFile: DEFAULT_OUTPUTS_FILE, stack: 'S', action: 'start', showSecret: false, timeoutMs: DEFAULT_TIMEOUT_MS } };
    expect(parseInvocation(['rotate-secret', '--stack', 'S', 'start'])).toEqual(expected);
    expect(parseInvocation(['rotate-secret', 'start', '--stack', 'S'])).toEqual(expected);
  });

  it('refuses two rotate-secret steps', () => {
    expect(() => parseInvocation(['rotate-secret', 'start', 'finish'])).toThrow(new UsageError('rotate-secret takes one step (start | finish | abort), but was given "start", "finish"'));
  });

  it.each([
    [['verify', '--timeout-ms', '-5'], '--timeout-ms is set to "-5", but must be a whole number of milliseconds from 1 to 600000'],
    [['rotate-secret', 'finish', '--timeout-ms', '-1.5'], '--timeout-ms is set to "-1.5", but must be a whole number of milliseconds from 1 to 600000'],
    [['verify', '--timeout-ms', 'soon'], '--timeout-ms is set to "soon", but must be a whole number of milliseconds from 1 to 600000'],
  ])('names the option for a negative or non-numeric number: %j', (argv, message) => {
    expect(() => parseInvocation(argv)).toThrow(new UsageError(message));
  });

  it.each([
    [['verify', '--stack', 'a', '--stack', 'b'], '--stack is given 2 times ("a", "b"), but takes one value'],
    [['outputs', '--outputs-file=x.json', '--outputs-file', 'y.json'], '--outputs-file is given 2 times ("x.json", "y.json"), but takes one value'],
    [['rotate-secret', '--timeout-ms', '5', 'start', '--timeout-ms', '6'], '--timeout-ms is given 2 times ("5", "6"), but takes one value'],
  ])('refuses a repeated option that takes one value: %j', (argv, message) => {
    expect(() => parseInvocation(argv)).toThrow(new UsageError(message));
  });

  it('reads rename-stack OLD NEW', () => {
    expect(parseInvocation(['rename-stack', 'ki-old', 'ki-new'])).toEqual({ command: 'rename-stack', options: { from: 'ki-old', to: 'ki-new' } });
  });
});

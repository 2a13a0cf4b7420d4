import { DEFAULT_OUTPUTS_FILE, DEFAULT_TIMEOUT_MS, parseInvocation } from '../../cli/args';

// The commands that call Okta's management API: rotate-secret and discover.

describe('parseInvocation: rotate-secret', () => {
  it.each(['start', 'finish', 'abort'])('reads the step %s with the defaults: the default file, a 10 s timeout, the secret not shown', (action) => {
    expect(parseInvocation(['rotate-secret', action])).toEqual({
      command: 'rotate-secret',
      options: { outputsFile: DEFAULT_OUTPUTS_FILE, action, showSecret: false, timeoutMs: DEFAULT_TIMEOUT_MS },
    });
  });

  it('reads every option after the step', () => {
    expect(parseInvocation(['rotate-secret', 'start', '--outputs-file', 'o.json', '--stack=ki-prod', '--show-secret', '--timeout-ms', '500'])).toEqual({
      command: 'rotate-secret',
      options: { outputsFile: 'o.json', stack: 'ki-prod', action: 'start', showSecret: true, timeoutMs: 500 },
    });
  });

  it('refuses a missing step, naming the steps', () => {
    expect(() => parseInvocation(['rotate-secret'])).toThrow('rotate-secret needs a step first: start | finish | abort (the step is missing)');
  });

  it('refuses an unknown step', () => {
    expect(() => parseInvocation(['rotate-secret', 'begin'])).toThrow('rotate-secret needs a step first: start | finish | abort (the step is "begin")');
  });

  it('answers --help before or after the step', () => {
    expect(parseInvocation(['rotate-secret', '--help'])).toEqual({ command: 'help', topic: 'rotate-secret' });
    expect(parseInvocation(['rotate-secret', 'finish', '-h'])).toEqual({ command: 'help', topic: 'rotate-secret' });
  });

  it('refuses an option rotate-secret does not have', () => {
    expect(() => parseInvocation(['rotate-secret', 'start', '--json'])).toThrow(
      "Unknown option '--json' for rotate-secret (options: --outputs-file, --stack, --help, --show-secret, --timeout-ms)",
    );
  });
});

describe('parseInvocation: discover', () => {
  it('searches every stack by default', () => {
    expect(parseInvocation(['discover'])).toEqual({ command: 'discover', options: {} });
  });

  it('reads --stack', () => {
    expect(parseInvocation(['discover', '--stack', 'ki-prod'])).toEqual({ command: 'discover', options: { stack: 'ki-prod' } });
  });

  it('refuses an empty --stack', () => {
    expect(() => parseInvocation(['discover', '--stack='])).toThrow('--stack is empty, but must name a stack');
  });

  it('refuses --outputs-file, which discover does not read', () => {
    expect(() => parseInvocation(['discover', '--outputs-file', 'o.json'])).toThrow("Unknown option '--outputs-file' for discover (options: --stack, --help)");
  });
});

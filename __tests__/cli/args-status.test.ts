import { DEFAULT_OUTPUTS_FILE, parseInvocation } from '../../cli/args';

describe('parseInvocation for status', () => {
  it('defaults status to a table, scans no older than 48 hours and a 10 s limit per request', () => {
    expect(parseInvocation(['status'])).toEqual({
      command: 'status',
      options: { outputsFile: DEFAULT_OUTPUTS_FILE, json: false, maxScanAgeHours: 48, timeoutMs: 10_000 },
    });
  });

  it('reads every status option', () => {
    expect(parseInvocation(['status', '--outputs-file', 'o.json', '--stack=ki-prod', '--json', '--max-scan-age-hours', '24', '--timeout-ms', '500'])).toEqual({
      command: 'status',
      options: { outputsFile: 'o.json', stack: 'ki-prod', json: true, maxScanAgeHours: 24, timeoutMs: 500 },
    });
  });

  it.each([
    ['1', 1],
    ['8760', 8760],
  ])('accepts --max-scan-age-hours %s (a limit of its range)', (value, expected) => {
    expect(parseInvocation(['status', '--max-scan-age-hours', value])).toMatchObject({ options: { maxScanAgeHours: expected } });
  });

  it.each(['0', '8761', '1.5', '2d', ''])('refuses --max-scan-age-hours %j', (value) => {
    expect(() => parseInvocation(['status', `--max-scan-age-hours=${value}`])).toThrow(
      `--max-scan-age-hours is set to "${value}", but must be a whole number of hours from 1 to 8760`,
    );
  });

  it('answers status --help with its own help', () => {
    expect(parseInvocation(['status', '--help'])).toEqual({ command: 'help', topic: 'status' });
  });
});

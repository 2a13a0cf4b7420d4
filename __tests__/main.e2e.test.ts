/**
 * The app as `cdktf synth` runs it (scripts/app.cjs), in a fresh project folder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configWith, minimalStack, oneEnvironment, ROOT, withValue } from './helpers/config';
import { filesBelow, runApp } from './helpers/app';

describe('a valid configuration', () => {
  const run = runApp(oneEnvironment());

  it('synthesizes each stack into cdktf.out and exits 0, warning that the secret stack keeps local state', () => {
    expect(run.stderr).toBe(
      'Warning: [KI-SECRET-STATE-LOCAL] acme-key-insight: the stack that holds the client secret keeps its Terraform state, the secret in plain text included, in a local file (terraform.acme-key-insight-secret.tfstate, not written yet). Fix: set stacks[].backend to an "s3" or "cloud" backend; while the state stays local, keep the file readable by its owner only (chmod 600 on it; a deploy under umask 077 creates it so).\n',
    );
    expect(run.status).toBe(0);
    expect(Object.keys(filesBelow(run.outdir)).sort()).toEqual([
      'manifest.json',
      'stacks/acme-key-insight-secret/cdk.tf.json',
      'stacks/acme-key-insight/cdk.tf.json',
    ]);
  });

  it('ends with one line that names the stacks and the folder it wrote', () => {
    expect(run.stdout).toBe('Wrote 2 stacks to cdktf.out: acme-key-insight, acme-key-insight-secret\n');
  });

  it('writes no absolute path of this machine', () => {
    const output = Object.values(filesBelow(run.outdir)).join('\n');
    expect(output).not.toContain(run.outdir.replace(/\/cdktf\.out$/, ''));
  });
});

describe('credentials in the environment', () => {
  const sentinels = {
    OKTA_ORG_NAME: 'sentinel-org-5f2c',
    OKTA_BASE_URL: 'sentinel-base-9a1d.example',
    OKTA_API_TOKEN: 'sentinel-token-00c3b7e1',
    OKTA_API_CLIENT_ID: 'sentinel-client-7d21',
    OKTA_API_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----sentinel-key-4e9b-----END PRIVATE KEY-----',
    OKTA_API_PRIVATE_KEY_ID: 'sentinel-kid-18aa',
    OKTA_API_SCOPES: 'sentinel.scope.3c0f',
    AWS_ACCESS_KEY_ID: 'AKIASENTINEL6B1F0000',
    AWS_SECRET_ACCESS_KEY: 'sentinel-aws-secret-2f7e',
    AWS_SESSION_TOKEN: 'sentinel-aws-session-81d4',
  };

  it('never reach cdktf.out', () => {
    const run = runApp(oneEnvironment(), { env: sentinels });
    expect(run.status).toBe(0);
    const output = Object.values(filesBelow(run.outdir)).join('\n') + run.stdout + run.stderr;
    for (const [name, value] of Object.entries(sentinels)) {
      expect({ name, found: output.includes(value) }).toEqual({ name, found: false });
    }
  });
});

describe('a refused configuration', () => {
  function refusedAfterGoodSynth(badConfig: string | object | undefined, setUp?: (cwd: string) => void) {
    const first = runApp(oneEnvironment());
    expect(first.status).toBe(0);
    const before = filesBelow(first.outdir);
    const cwd = join(first.outdir, '..');
    setUp?.(cwd);
    const second = runApp(badConfig, { cwd });
    return { second, before, after: filesBelow(first.outdir) };
  }

  it('exits 1 with the message and no stack trace, and leaves the previous cdktf.out as it was', () => {
    const bad = configWith(withValue(minimalStack(), 'okta.rule.accessTokenLifetimeMinutes', 2000));
    const { second, before, after } = refusedAfterGoodSynth(bad);
    expect(second.status).toBe(1);
    expect(second.stderr).toBe(
      `Invalid configuration in ${join(second.outdir, '..', 'key-insight.config.json')} (1 problem):\n` +
        '  - stacks[0].okta.rule.accessTokenLifetimeMinutes is 2000, but must be an integer from 5 to 1440 (minutes)\n',
    );
    expect(after).toEqual(before);
  });

  it("stops an adopting synth with cdktf's Terraform check when terraform is not on PATH, leaving the previous cdktf.out as it was", () => {
    // A PATH that finds node and nothing else: importFrom's check runs `terraform version`.
    const bin = mkdtempSync(join(tmpdir(), 'ki-bin-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    const first = runApp(oneEnvironment());
    const before = filesBelow(first.outdir);
    const adopting = configWith(withValue(minimalStack(), 'adopt', { okta: { appId: '0oa1a2b3c4d5e6f7g8h9' } }));
    const second = runApp(adopting, { cwd: join(first.outdir, '..'), env: { PATH: bin } });
    expect(second.status).toBe(1);
    expect(second.stderr).toBe(
      "The synth stopped before writing anything: cdktf's checks failed:\n" +
        '  - [ki-test/Okta/App] Could not determine version of terraform, terraform version failed: Error: Command failed: terraform version /bin/sh: 1: terraform: not found\n',
    );
    expect(filesBelow(first.outdir)).toEqual(before);
  });

  it('names a malformed file, with the line and column of the mistake', () => {
    const { second, before, after } = refusedAfterGoodSynth('{\n  "stacks": [\n    }\n');
    expect(second.status).toBe(1);
    expect(second.stderr).toBe(
      `${join(second.outdir, '..', 'key-insight.config.json')} is not valid JSON at line 3, column 5: expected a value, found "}".\n`,
    );
    expect(after).toEqual(before);
  });

  it('names a missing file, and reads the one KEY_INSIGHT_CONFIG names', () => {
    const run = runApp(undefined, { env: { KEY_INSIGHT_CONFIG: 'envs/prod.json' } });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `Configuration file not found: ${join(run.outdir, '..', 'envs', 'prod.json')}. Create it, or set KEY_INSIGHT_CONFIG to the path of another file.\n`,
    );
    mkdirSync(join(run.outdir, '..', 'envs'));
    writeFileSync(join(run.outdir, '..', 'envs', 'prod.json'), JSON.stringify(configWith(minimalStack({ name: 'ki-prod' }))));
    const found = runApp(undefined, { cwd: join(run.outdir, '..'), env: { KEY_INSIGHT_CONFIG: 'envs/prod.json' } });
    expect(found.status).toBe(0);
    expect(Object.keys(filesBelow(found.outdir))).toContain('stacks/ki-prod/cdk.tf.json');
  });
});

describe('reproducible output', () => {
  /** A clock 400 days ahead of the real one, in the child process only (helpers/shifted-clock.cjs). */
  const shiftedClock = {
    NODE_OPTIONS: `--require ${join(__dirname, 'helpers', 'shifted-clock.cjs')}`,
    SHIFTED_CLOCK_OFFSET_MS: String(400 * 24 * 3600 * 1000),
  };
  // Two environments over three stacks; an access policy for all clients draws a review warning.
  const config = oneEnvironment();
  config.stacks.push({
    ...withValue(minimalStack({ name: 'ki-prod' }), 'okta.accessPolicy', { assignTo: 'all-clients' }),
    aws: { region: 'eu-west-1', accounts: [{ accountId: '111111111111' }, { accountId: '222222222222' }] },
    backend: { type: 's3', bucket: 'acme-state', keyPrefix: 'ki', region: 'eu-west-1' },
  });
  const first = runApp(config, { env: { USER: 'alice', HOME: '/home/alice', TZ: 'UTC', LANG: 'en_US.UTF-8' } });
  const second = runApp(config, { env: { USER: 'bob', HOME: '/tmp', TZ: 'Pacific/Kiritimati', LANG: 'de_DE.UTF-8', ...shiftedClock } });

  it('runs the second synth with a clock 400 days ahead', () => {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(Date.now() - performance.timeOrigin - performance.now()))'], {
      env: { PATH: process.env.PATH, ...shiftedClock },
      encoding: 'utf8',
    });
    const aheadDays = Number(child.stdout) / (24 * 3600 * 1000);

    expect(child.stderr).toBe('');
    expect(Math.round(aheadDays)).toBe(400);
  });

  it('is byte-identical across two synths in other folders, for other users, time zones and clocks, warnings included', () => {
    expect([first.status, second.status]).toEqual([0, 0]);
    expect(first.outdir).not.toBe(second.outdir);
    const firstFiles = filesBelow(first.outdir);
    expect(Object.keys(firstFiles)).toHaveLength(7);
    expect(filesBelow(second.outdir)).toEqual(firstFiles);
    expect(Object.values(firstFiles).join('\n')).not.toMatch(/alice|\/home\/|\/tmp\/|\d{4}-\d\d-\d\dT\d\d/);
  });

  it('records the warning in manifest.json without a stack trace', () => {
    const annotations = JSON.parse(filesBelow(first.outdir)['manifest.json']).stacks['ki-prod'].annotations;
    expect(annotations).toEqual([
      { constructPath: 'ki-prod', level: '@cdktf/warn', message: expect.stringMatching(/^\[KI-POLICY-ALL-CLIENTS\] /) },
    ]);
  });

  it('prints the warnings, then ends with one line that names the stacks and the folder it wrote', () => {
    expect(first.stderr).toMatch(/^Warning: \[KI-POLICY-ALL-CLIENTS\] ki-prod: [^\n]+\nWarning: \[KI-SECRET-STATE-LOCAL\] acme-key-insight: [^\n]+\n$/);
    expect(first.stdout).toBe(
      'Wrote 6 stacks to cdktf.out: acme-key-insight, acme-key-insight-secret, ki-prod, ki-prod-111111111111, ki-prod-222222222222, ki-prod-secret\n',
    );
  });
});

describe('a refused synth through the cdktf CLI', () => {
  const work = mkdtempSync(join(tmpdir(), 'ki-cli-refused-'));
  writeFileSync(join(work, 'terraform.tfrc'), '');
  const configFile = join(work, 'refused.json');
  const stack = withValue(withValue(minimalStack(), 'aws.region', 'us-east-7'), 'okta.rule', { accessTokenLifetimeMinutes: 2000 });
  writeFileSync(configFile, JSON.stringify(configWith(stack)));
  const problems = [
    `Invalid configuration in ${configFile} (2 problems):`,
    '  - stacks[0].okta.rule.accessTokenLifetimeMinutes is 2000, but must be an integer from 5 to 1440 (minutes)',
    "  - stacks[0].aws.region is \"us-east-7\", but must be an AWS region such as us-east-1 or eu-west-1 (one the AWS SDK's partition data lists)",
  ];
  const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'cdktf'), ['synth', '--output', join(work, 'cdktf.out')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      TMPDIR: process.env.TMPDIR,
      HOME: work,
      CHECKPOINT_DISABLE: '1',
      TF_CLI_CONFIG_FILE: join(work, 'terraform.tfrc'),
      KEY_INSIGHT_CONFIG: configFile,
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const occurrences = (text: string, line: string) => text.split(line).length - 1;

  it('exits 1 and writes no output folder', () => {
    expect(result.status).toBe(1);
    expect(existsSync(join(work, 'cdktf.out'))).toBe(false);
  });

  // The app writes the problems once, to stderr; the cdktf CLI shows that stderr twice: as it arrives,
  // in its log on stdout, and again in the error report it ends with, on stderr.
  const lines = problems.map((line, index) => [index === 0 ? 'the heading' : `problem ${index}`, line]);

  it.each(lines)('names %s once in the error report on stderr', (_, line) => {
    expect(occurrences(result.stderr, line)).toBe(1);
  });

  it.each(lines)('names %s once in the log on stdout', (_, line) => {
    expect(occurrences(result.stdout, line)).toBe(1);
  });

  it('shows no stack trace', () => {
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('KEY_INSIGHT_PLAN_ONLY', () => {
  const withAccount = configWith(withValue(minimalStack({ name: 'ki-prod' }), 'aws.accounts', [{ accountId: '111111111111' }]));

  it('set to 1, writes the plan-only account stack and says what it is', () => {
    const run = runApp(withAccount, { env: { KEY_INSIGHT_PLAN_ONLY: '1' } });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(
      'KEY_INSIGHT_PLAN_ONLY=1: a plan-only synth; account stacks can plan before their environment is deployed (terraform plan -var environment_deployed=false), and refuse every apply.\n' +
        'Warning: [KI-SECRET-STATE-LOCAL] ki-prod: the stack that holds the client secret keeps its Terraform state, the secret in plain text included, in a local file (terraform.ki-prod-secret.tfstate, not written yet). ' +
        'Fix: set stacks[].backend to an "s3" or "cloud" backend; while the state stays local, keep the file readable by its owner only (chmod 600 on it; a deploy under umask 077 creates it so).\n',
    );
    expect(filesBelow(run.outdir)['stacks/ki-prod-111111111111/cdk.tf.json']).toContain('"environment_deployed"');
  });

  it('set to anything else, is refused before anything is written', () => {
    const run = runApp(withAccount, { env: { KEY_INSIGHT_PLAN_ONLY: 'true' } });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'KEY_INSIGHT_PLAN_ONLY is "true", but must be "1" (a plan-only synth, for pull-request plans) or unset (a synth that can be deployed); nothing was written\n',
    );
    expect(existsSync(run.outdir)).toBe(false);
  });
});

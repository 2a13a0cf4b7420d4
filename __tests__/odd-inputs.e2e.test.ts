/**
 * Every command of both tools, given odd arguments and variables, answers in sentences: no stack trace
 * (no "    at " frame, no TypeError, no "Error:" line of Node's), the exit code the help promises, and
 * within a bound. The runs share one child process (__tests__/helpers/odd-inputs-runner.ts), which
 * calls the tools in-process; a run that passes the bound is killed, which fails its test, and the
 * rest continue in a new child. Nothing leaves loopback: no Okta or AWS credentials are set, Armor's
 * are made up, and the issuer and every AWS and Armor endpoint are a closed port on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configWith, minimalStack } from './helpers/config';
import { deployedOutputs } from './helpers/deployed-outputs';
import type { Finished, Invocation, RunnerRequest } from './helpers/odd-inputs-runner';

/** How long one run may take: each stops at its first check, so far less; a run that hangs never ends. */
const BOUND_MS = 20_000;

const RUNNER = join(__dirname, 'helpers', 'odd-inputs-runner.ts');

/** The lines that show a stack trace or an error Node printed for an exception nobody caught. */
const TRACE_LINES = [/^\s+at \S/m, /\b(TypeError|RangeError|ReferenceError|SyntaxError)\b/, /^\w*Error( \[\w+\])?: /m, /\bnode:internal\//, /\bnode:\w+:\d+/];

function traceLine(text: string): string | undefined {
  return text.split('\n').find((line) => TRACE_LINES.some((pattern) => pattern.test(`${line}\n`)));
}

interface Case extends Invocation {
  /** 2 for a usage error (a bad argument, variable or file), 1 for a check or a call that failed. */
  readonly exitCode: 0 | 1 | 2;
  /** What the message must name: the argument refused. */
  readonly names?: string;
}

const ki = (argv: string[], exitCode: Case['exitCode'], env?: Readonly<Record<string, string>>): Case => ({ tool: 'key-insight', argv, exitCode, env });
const ci = (argv: string[], exitCode: Case['exitCode'], env?: Record<string, string>, names?: string): Case => ({ tool: 'key-insight-ci', argv, exitCode, env, names });

// Relative paths are in the project folder the runs start in (made below): `a-file` is a file, `a-folder`
// a folder, `not-json` a file of text, `bad-out` a cdktf.out whose manifest is not JSON.
// status asks for Armor's credentials before it reads the file: it gets made-up ones, for a closed port.
const ARMOR_CREDENTIALS = { FORTANIX_ARMOR_APP_ID: 'odd-inputs-app', FORTANIX_ARMOR_API_KEY: 'odd-inputs-key' };
const OUTPUTS_FILE_READERS = [
  ['outputs', undefined],
  ['verify', undefined],
  ['status', ARMOR_CREDENTIALS],
] as const;
const CASES: Case[] = [
  ki(['outputs', 'extra'], 2),
  ki(['outputs', '--no-such-flag'], 2),
  ki(['outputs', '--stack', ''], 2),
  ki(['outputs', '--stack', 'no-such-stack'], 2),
  ki(['outputs', '--format', ''], 2),
  ki(['outputs', '--outputs-file'], 2),
  ...OUTPUTS_FILE_READERS.flatMap(([command, env]) => [
    ki([command, '--outputs-file', ''], 2, env),
    ki([command, '--outputs-file', 'a-folder'], 2, env),
    ki([command, '--outputs-file', 'a-file/outputs.json'], 2, env),
    ki([command, '--outputs-file', 'not-json'], 2, env),
    ki([command, '--outputs-file', '/proc'], 2, env),
    ki([command, '--outputs-file', '/sys'], 2, env),
    ki([command, '--outputs-file', '/proc/self/mem'], 2, env),
    ki([command, '--outputs-file', '/dev/urandom'], 2, env),
  ]),
  ki(['outputs'], 0, { KEY_INSIGHT_CONFIG: 'a-folder' }),
  ki(['outputs'], 0, { KEY_INSIGHT_CONFIG: '/dev/urandom' }),
  ki(['outputs'], 0, { KEY_INSIGHT_CONFIG: '/proc/self/mem' }),
  ki(['verify', 'extra'], 2),
  ki(['verify', '--timeout-ms', ''], 2),
  ki(['verify', '--timeout-ms', '-1'], 2),
  ki(['verify', '--stack', 'ki-test', '--stack', 'ki-test'], 2),
  ki(['verify'], 1),
  ki(['rotate-secret'], 2),
  ki(['rotate-secret', 'begin'], 2),
  ki(['rotate-secret', 'start', 'extra'], 2),
  ...['start', 'finish', 'abort'].flatMap((step) => [
    ki(['rotate-secret', step], 2),
    ki(['rotate-secret', step, '--outputs-file', 'a-folder'], 2),
    ki(['rotate-secret', step, '--timeout-ms', 'soon'], 2),
  ]),
  ki(['discover', 'extra'], 2),
  ki(['discover', '--stack', ''], 2),
  ki(['discover', '--stack', 'no-such-stack'], 2),
  ki(['discover'], 2),
  ki(['discover'], 2, { KEY_INSIGHT_CONFIG: '' }),
  ki(['discover'], 2, { KEY_INSIGHT_CONFIG: 'a-folder' }),
  ki(['discover'], 2, { KEY_INSIGHT_CONFIG: 'not-json' }),
  ki(['discover'], 2, { KEY_INSIGHT_CONFIG: '/dev/urandom' }),
  ki(['discover'], 2, { KEY_INSIGHT_CONFIG: '/proc/self/mem' }),
  ki(['status', 'extra'], 2),
  ki(['status', '--max-scan-age-hours', '0'], 2),
  ki(['status'], 2),
  ki(['status'], 1, ARMOR_CREDENTIALS),
  ki(['rename-stack'], 2),
  ki(['rename-stack', 'ki-old'], 2),
  ki(['rename-stack', 'ki-old', 'ki-test', 'extra'], 2),
  ki(['rename-stack', 'ki-test', 'ki-test'], 2),
  ki(['rename-stack', '../ki', 'ki-test'], 2),
  ki(['rename-stack', 'ki-old', 'ki-test'], 2, { KEY_INSIGHT_CONFIG: '/proc' }),
  ki(['no-such-command'], 2),
  ki([''], 2),

  ...['deploy-check', 'plan', 'drift', 'deployed-stacks', 'mask-secrets', 'verify-deployed', 'state-policy', 'deploy-role-policy', 'plan-role-policy', 'environments', 'hcp-token'].flatMap((command) => [
    ci([command, 'extra'], 2, undefined, '"extra"'),
    ci([command, '--no-such-flag'], 2, undefined, "'--no-such-flag'"),
    ci([command, '-x'], 2, undefined, "'-x'"),
    ci([command, '--help=yes'], 2, undefined, '--help'),
    ci([command, '--help', 'extra'], 2, undefined, '"extra"'),
  ]),
  ...['deploy-check', 'plan', 'drift', 'deployed-stacks', 'hcp-token'].flatMap((command) => [
    ci([command], 2),
    ci([command], 2, { CDKTF_OUTDIR: 'a-file' }),
    ci([command], 2, { CDKTF_OUTDIR: '/dev/urandom' }),
    ci([command], 2, { CDKTF_OUTDIR: '/proc' }),
    ci([command], 2, { CDKTF_OUTDIR: 'bad-out' }),
    ci([command], 2, { CDKTF_OUTDIR: '' }),
  ]),
  ci(['deploy-check'], 2, { STACKS: 'ki-test;rm -rf /', CDKTF_OUTDIR: 'bad-out' }),
  ci(['plan'], 2, { PLAN_DIR: 'a-file' }),
  ci(['plan'], 2, { PLAN_DIR: 'a-file/plans' }),
  ci(['plan'], 2, { PLAN_DIR: '/proc/plans' }),
  ci(['plan'], 2, { PLAN_DIR: '/proc' }),
  ci(['plan'], 2, { PLAN_DIR: '/sys/plans' }),
  ci(['plan'], 2, { PLAN_DIR: '/dev/urandom' }),
  ...['mask-secrets', 'verify-deployed'].flatMap((command) => [
    ci([command, '--outputs-file'], 2),
    ci([command, '--outputs-file', ''], 2),
    ci([command, '--outputs-file', 'a-folder'], 2),
    ci([command, '--outputs-file', 'not-json'], 2),
    ci([command, '--outputs-file', '/proc'], 2),
    ci([command, '--outputs-file', '/proc/self/mem'], 2),
    ci([command, '--outputs-file', '/dev/urandom'], 2),
    ci([command, '--outputs-file', 'x', '--outputs-file', 'y'], 2),
  ]),
  ci(['state-policy'], 2, { KEY_INSIGHT_CONFIG: 'a-folder' }),
  ci(['state-policy'], 2, { KEY_INSIGHT_CONFIG: 'not-json' }),
  ci(['state-policy'], 2, { KEY_INSIGHT_CONFIG: '/dev/urandom' }),
  ci(['state-policy'], 2, { KEY_INSIGHT_CONFIG: '/proc/self/mem' }),
  ci(['environments', '--remote-state=yes'], 2, undefined, '--remote-state'),
  ci(['environments'], 2, { STACKS: 'ki-test;rm -rf /' }),
  ...['deploy-role-policy', 'plan-role-policy', 'environments'].flatMap((command) => [
    ci([command], 2, { KEY_INSIGHT_CONFIG: 'a-folder' }),
    ci([command], 2, { KEY_INSIGHT_CONFIG: 'not-json' }),
    ci([command], 2, { KEY_INSIGHT_CONFIG: '/dev/urandom' }),
  ]),
  ci(['no-such-command'], 2),
  ci([], 2),
];

type Outcome = (Finished & { readonly stray: string }) | { readonly lost: string; readonly stray: string };

let project: string;
const outcomes = new Map<number, Outcome>();

/** A loopback port nothing listens on: taken from the system, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs the cases from `start` in one child; resolves with the index to go on from. */
function runFrom(start: number, baseEnv: Record<string, string>): Promise<number> {
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), RUNNER], { cwd: project, env: baseEnv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let current = start;
  let stray = '';
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      outcomes.set(current, { lost: `did not finish within ${BOUND_MS / 1000} s, and was killed`, stray });
      child.kill('SIGKILL');
    }, BOUND_MS);
  };
  // Output that bypassed the streams the tool was given goes to the run that was going on.
  const collect = (chunk: Buffer) => (stray += chunk.toString('utf8'));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  child.on('message', (message: { started: number } | Finished) => {
    if ('started' in message) {
      current = message.started;
      stray = '';
      arm();
      return;
    }
    clearTimeout(timer);
    outcomes.set(message.finished, { ...message, stray });
    if (message.finished === CASES.length - 1) child.kill();
  });
  arm();
  child.send({ cwd: project, baseEnv, invocations: CASES, start } satisfies RunnerRequest);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!outcomes.has(current)) outcomes.set(current, { lost: `ended the runner process (exit ${code ?? signal})`, stray });
      resolve(current + 1);
    });
  });
}

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'ki-odd-inputs-'));
  const config = configWith(minimalStack());
  const port = await closedPort();
  const outputs = deployedOutputs(config, {
    clientId: '0oa1a2b3c4d5e6f7g8h9',
    clientSecret: 'odd-inputs-client-secret-0123456789abcdef',
    issuer: `http://127.0.0.1:${port}/oauth2/aus1a2b3c4d5e6f7g8h9`,
    environmentAccountId: '123456789012',
  });
  writeFileSync(join(project, 'key-insight.config.json'), JSON.stringify(config));
  writeFileSync(join(project, 'key-insight.outputs.json'), JSON.stringify(outputs));
  writeFileSync(join(project, 'a-file'), 'a file\n');
  writeFileSync(join(project, 'not-json'), 'not { json\n');
  mkdirSync(join(project, 'a-folder'));
  mkdirSync(join(project, 'bad-out'));
  writeFileSync(join(project, 'bad-out', 'manifest.json'), '{"stacks": ');
  const endpoint = `http://127.0.0.1:${port}`;
  const baseEnv = {
    PATH: process.env.PATH ?? '',
    HOME: project,
    TMPDIR: tmpdir(),
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL: endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(project, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(project, 'no-aws-credentials'),
    FORTANIX_ARMOR_URL: endpoint,
  };
  let start = 0;
  while (start < CASES.length) start = await runFrom(start, baseEnv);
}, CASES.length * BOUND_MS);

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('the stack-trace detector', () => {
  it('finds the lines Node prints for an uncaught TypeError', () => {
    const printed = "node:internal/errors:540\nTypeError [ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL]: Unexpected argument 'extra'.\n    at positionalError (node:internal/util/parse_args/parse_args:120:9)\n";
    expect(traceLine(printed)).toBe('node:internal/errors:540');
    expect(traceLine('    at Object.mkdirSync (node:fs:1386:26)')).toBe('    at Object.mkdirSync (node:fs:1386:26)');
    expect(traceLine("Error: ENOTDIR: not a directory, mkdir 'a-file/plans'")).toBe("Error: ENOTDIR: not a directory, mkdir 'a-file/plans'");
  });

  it('finds none in a sentence of the tools', () => {
    expect(traceLine('key-insight-ci plan: PLAN_DIR is "a-file", but must name a folder that can be written in: a-file is a file\n')).toBeUndefined();
  });
});

describe.each(CASES.map((testCase, index) => [`${testCase.tool} ${testCase.argv.map((arg) => JSON.stringify(arg)).join(' ')}${testCase.env === undefined ? '' : ` with ${Object.entries(testCase.env).map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(' ')}`}`, index] as const))(
  '%s',
  (_, index) => {
    const { exitCode: expected, names } = CASES[index]!;
    it(`ends within ${BOUND_MS / 1000} s with exit code ${expected}${expected === 2 ? ', one line on stderr' : ''}, without a stack trace`, () => {
      const outcome = outcomes.get(index)!;
      expect('lost' in outcome ? outcome.lost : undefined).toBeUndefined();
      const { exitCode, stdout, stderr } = outcome as Finished;
      expect(traceLine(`${stdout}${stderr}${outcome.stray}`)).toBeUndefined();
      expect(exitCode).toBe(expected);
      if (expected === 2) expect(stderr).toMatch(/^[^\n]+\n$/);
      if (names !== undefined) expect(stderr).toContain(names);
      if (expected === 1) expect(`${stdout}${stderr}`.trim()).not.toBe('');
    });
  },
);

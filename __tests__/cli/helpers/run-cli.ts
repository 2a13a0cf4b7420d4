import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../../..');
const LAUNCHER = join(REPO_ROOT, 'bin', 'key-insight.cjs');

export interface CliRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment a run gets: the test process's own without its AWS_* variables (a developer's shell may have some), and the test's. */
function runEnvironment(env: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return { ...inherited, ...env };
}

/** Makes process.env hold exactly `env`, changing the object in place as Node documents (process.env stays the same object). */
function replaceEnvironment(env: NodeJS.ProcessEnv): void {
  for (const name of Object.keys(process.env)) if (!(name in env)) delete process.env[name];
  Object.assign(process.env, env);
}

/**
 * Runs `key-insight` in this process, as bin/key-insight.cjs runs it: `main` from cli/main.ts with the
 * arguments, in `cwd`, with the environment `runEnvironment` makes, printing to buffers. Here mutation
 * testing sees the code the run reaches, and no process is started. The working directory and the
 * environment are the process's own while the command runs (the AWS SDK reads its settings from
 * process.env), and restored after; tests of one file run one at a time, so no two runs share them.
 */
export async function runCli(args: readonly string[], options: { cwd: string; env?: Readonly<Record<string, string>> }): Promise<CliRun> {
  const { main } = require('../../../cli/main') as typeof import('../../../cli/main');
  const stdout: string[] = [];
  const stderr: string[] = [];
  const savedEnv = { ...process.env };
  const savedCwd = process.cwd();
  replaceEnvironment(runEnvironment(options.env));
  process.chdir(options.cwd);
  try {
    const exitCode = await main(args, { stdout: (text) => stdout.push(text), stderr: (text) => stderr.push(text) });
    return { exitCode, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    process.chdir(savedCwd);
    replaceEnvironment(savedEnv);
  }
}

/**
 * Runs the tool through its real entry, `node bin/key-insight.cjs`, in `cwd`: for the tests of the
 * launcher itself, its exit codes and what reaches the real stdout and stderr.
 */
export function runCliProcess(args: readonly string[], options: { cwd: string; env?: Readonly<Record<string, string>> }): Promise<CliRun> {
  const child = spawn(process.execPath, [LAUNCHER, ...args], { cwd: options.cwd, env: runEnvironment(options.env) });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode) => {
      resolvePromise({ exitCode, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
}

const tempDirs: string[] = [];

export function makeTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'key-insight-cli-'));
  tempDirs.push(dir);
  return dir;
}

/** Removes every directory made by makeTempDir in this test file (call it from afterAll). */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Writes an outputs file as `cdktf output --outputs-file` does under the README's `umask 077` (mode 0600),
 * into a fresh directory; returns the directory.
 */
export function dirWithOutputsFile(outputs: unknown, fileName = 'key-insight.outputs.json'): string {
  const dir = makeTempDir();
  writeFileSync(join(dir, fileName), typeof outputs === 'string' ? outputs : JSON.stringify(outputs, null, 2), { mode: 0o600 });
  return dir;
}

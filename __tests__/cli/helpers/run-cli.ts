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

/**
 * Runs the tool through its real entry, `node bin/key-insight.cjs`, in `cwd`. The child gets no
 * AWS_* variables from the developer's shell: only those a test passes.
 */
export function runCli(args: readonly string[], options: { cwd: string; env?: Readonly<Record<string, string>> }): Promise<CliRun> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  const child = spawn(process.execPath, [LAUNCHER, ...args], { cwd: options.cwd, env: { ...inherited, ...options.env } });
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

/**
 * For tests that compare stderr whole: leaves out Node's process warnings, such as the AWS SDK's
 * NodeVersionSupportWarning (it will need Node 22 from 2027), which are not the tool's messages.
 */
export const NODE_QUIET = { NODE_NO_WARNINGS: '1' } as const;

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

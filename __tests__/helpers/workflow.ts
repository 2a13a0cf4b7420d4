import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './config';

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

export interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, YamlValue>;
  readonly env?: Record<string, string>;
}

export interface Job {
  readonly name?: string;
  readonly needs?: string;
  readonly if?: string;
  readonly environment?: string;
  readonly permissions?: Record<string, string>;
  readonly concurrency?: Record<string, YamlValue>;
  readonly strategy?: Record<string, YamlValue>;
  readonly outputs?: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly steps: readonly Step[];
}

export interface Workflow {
  readonly on: Record<string, YamlValue>;
  readonly permissions: Record<string, string>;
  readonly env: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

export const WORKFLOWS_DIR = join(ROOT, '.github', 'workflows');

export function readWorkflow(file: string): { text: string; workflow: Workflow } {
  const text = readFileSync(join(WORKFLOWS_DIR, file), 'utf8');
  return { text, workflow: parse(text, { uniqueKeys: true }) as Workflow };
}

export function jobOf(workflow: Workflow, id: string): Job {
  const found = workflow.jobs[id];
  if (found === undefined) throw new Error(`the workflow has no job "${id}"; it has ${Object.keys(workflow.jobs).join(', ')}`);
  return found;
}

export function stepOf(job: Job, name: string): Step {
  const found = job.steps.find((step) => step.name === name || step.run === name);
  if (found === undefined) throw new Error(`the job has no step named "${name}"`);
  return found;
}

/** What the project's own files are, for a project folder made of links to them. */
const PROJECT_FILES = ['package.json', 'node_modules', 'bin', 'cli', 'lib', 'scripts', 'cdktf.json', 'main.ts', 'tsconfig.json'];

const projects: string[] = [];

/**
 * A project folder as a CI checkout holds it after `npm ci`: links to this project's code and
 * node_modules, and `config` as key-insight.config.json. The workflow's steps run in it with `npx`.
 */
export function projectWith(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'ki-ci-project-'));
  projects.push(dir);
  for (const file of PROJECT_FILES) symlinkSync(join(ROOT, file), join(dir, file));
  writeFileSync(join(dir, 'key-insight.config.json'), JSON.stringify(config));
  return dir;
}

export function removeProjects(): void {
  for (const dir of projects.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface StepRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a step's script as GitHub runs a `run:` step (`bash --noprofile --norc -eo pipefail`), in
 * `cwd`, with the variables GitHub would give it (the test supplies what the YAML's expressions
 * would evaluate to) and nothing of the developer's shell but PATH and HOME.
 */
export function runStep(step: Step, cwd: string, env: Record<string, string> = {}): Promise<StepRun> {
  if (step.run === undefined) throw new Error(`step "${step.name}" runs no script`);
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, npm_config_update_notifier: 'false', ...env },
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }));
  });
}

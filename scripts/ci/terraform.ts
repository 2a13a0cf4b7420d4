import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SynthesizedStack } from './synthesized-stacks';

/** The provider lock file the project commits at its root (`npm run providers:lock` writes it; the synth copies it into each stack folder). */
export const COMMITTED_LOCK_FILE = '.terraform.lock.hcl';

export interface TerraformResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `terraform init` for a stack: once the project commits a lock file, `-lockfile=readonly`, so that CI
 * installs exactly the providers and checksums the lock file names, or fails.
 */
export function initArgs(outdir: string): string[] {
  const readonly = existsSync(join(dirname(outdir), COMMITTED_LOCK_FILE)) ? ['-lockfile=readonly'] : [];
  return ['init', '-input=false', '-no-color', ...readonly];
}

/** Terraform's variable for an API token of one host (Terraform's CLI configuration docs, "Environment Variable Credentials"). */
export function tokenVariable(hostname: string): string {
  return `TF_TOKEN_${hostname.replace(/\./g, '_').replace(/-/g, '__')}`;
}

/**
 * The environment Terraform gets for one stack: the job's, without any HCP Terraform token it may
 * hold, plus `token` for the stack's cloud host when the stack keeps its state in HCP Terraform. So a
 * token reaches only the stacks that need it, and only the token the command was given.
 */
export function terraformEnv(env: NodeJS.ProcessEnv, stack: SynthesizedStack, token: string | undefined): NodeJS.ProcessEnv {
  const child = Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('TF_TOKEN_') && name !== 'TF_API_TOKEN' && name !== 'TF_PLAN_API_TOKEN'));
  if (stack.state.kind === 'cloud' && token !== undefined) child[tokenVariable(stack.state.hostname)] = token;
  return { ...child, TF_IN_AUTOMATION: '1' };
}

/** Runs terraform in the stack folder and collects what it prints. */
export function runTerraform(args: readonly string[], stack: SynthesizedStack, env: NodeJS.ProcessEnv): Promise<TerraformResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('terraform', args, { cwd: stack.dir, env });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ exitCode: code ?? 1, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }),
    );
  });
}

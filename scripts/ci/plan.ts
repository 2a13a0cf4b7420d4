import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CiStreams } from './main';
import { outdirOf, secretStacks, synthesizedStacks, type SynthesizedStack } from './synthesized-stacks';
import { initArgs, runTerraform, terraformEnv } from './terraform';

/** Where the plan texts go unless PLAN_DIR names a folder. */
export const DEFAULT_PLAN_DIR = 'key-insight-plans';

/**
 * `key-insight-ci plan`: plans every synthesized stack for a pull request, read-only. Reads
 * `AWS_PLAN_ROLE_ARN` (set when the job assumed the read-only plan role), `TF_PLAN_API_TOKEN` (an HCP
 * Terraform team token with plan permission, the only token cloud stacks get) and `PLAN_DIR`.
 * The `<env>-secret` stacks are never planned: their state holds the client secret. Plans are text
 * (a plan file would hold the prior state), without the state lock (a plan writes no state, and must
 * not make a deploy that starts meanwhile fail). Exit 1 when a plan failed.
 */
export async function planCommand(env: NodeJS.ProcessEnv, print: CiStreams): Promise<number> {
  const outdir = outdirOf(env);
  const stacks = synthesizedStacks(outdir);
  const secrets = secretStacks(stacks);
  const planDir = resolve(env.PLAN_DIR || DEFAULT_PLAN_DIR);
  mkdirSync(planDir, { recursive: true });
  const token = nonEmpty(env.TF_PLAN_API_TOKEN);
  const awsRole = nonEmpty(env.AWS_PLAN_ROLE_ARN);
  const failed: string[] = [];
  let planned = 0;
  for (const stack of stacks) {
    const skip = skipReason(stack, secrets, token, awsRole);
    if (skip !== undefined) {
      print.stdout(`::notice::not planned: ${stack.name}: ${skip}\n`);
      continue;
    }
    print.stdout(`::group::${stack.name}\n`);
    const childEnv = terraformEnv(env, stack, token);
    const init = await runTerraform(initArgs(outdir), stack, childEnv);
    const plan = init.exitCode === 0 ? await runTerraform(planArgs(stack), stack, childEnv) : undefined;
    const text = `${init.stdout}${init.stderr}${plan === undefined ? '' : `${plan.stdout}${plan.stderr}`}`;
    writeFileSync(join(planDir, `${stack.name}.txt`), text);
    print.stdout(text);
    print.stdout('::endgroup::\n');
    if (plan === undefined || plan.exitCode !== 0) {
      print.stdout(`::error::terraform could not ${plan === undefined ? 'initialize' : 'plan'} stack ${stack.name}\n`);
      failed.push(stack.name);
    } else {
      planned += 1;
    }
  }
  print.stdout(`Planned ${planned} of ${stacks.length} stacks${failed.length > 0 ? `; failed: ${failed.join(', ')}` : ''}.\n`);
  return failed.length > 0 ? 1 : 0;
}

function planArgs(stack: SynthesizedStack): string[] {
  // HCP Terraform's speculative plans take no state lock, and its remote runs refuse -lock=false.
  return ['plan', '-input=false', '-no-color', ...(stack.state.kind === 'cloud' ? [] : ['-lock=false'])];
}

function skipReason(stack: SynthesizedStack, secrets: ReadonlySet<string>, token: string | undefined, awsRole: string | undefined): string | undefined {
  if (secrets.has(stack.name)) return 'it holds the client secret, which a pull request must not be able to read';
  if (stack.state.kind === 'cloud') {
    return token === undefined
      ? 'its state is in HCP Terraform: set the repository secret TF_PLAN_API_TOKEN to a team token with plan permission to plan it (the deploy token TF_API_TOKEN is never used for pull requests)'
      : undefined;
  }
  return awsRole === undefined
    ? 'set the repository variable AWS_PLAN_ROLE_ARN to a read-only AWS role to plan it (the deploy role is never used for pull requests)'
    : undefined;
}

export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

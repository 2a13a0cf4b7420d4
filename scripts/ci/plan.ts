import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CiStreams } from './main';
import { makeOutputFolder } from '../../lib/output-folder';
import { ENVIRONMENT_DEPLOYED_VARIABLE } from '../../lib/plan-only';
import { declaredVariables, matchStacks, outdirOf, secretStacks, stackPatterns, synthesizedStacks, type SynthesizedStack } from './synthesized-stacks';
import { initArgs, runTerraform, terraformEnv, type TerraformResult } from './terraform';

/** Where the plan texts go unless PLAN_DIR names a folder. */
export const DEFAULT_PLAN_DIR = 'key-insight-plans';

/** How Terraform's built-in `terraform_remote_state` data source fails when the state it reads does not exist. */
const MISSING_REMOTE_STATE = 'Unable to find remote state';

/**
 * `key-insight-ci plan`: plans the synthesized stacks `STACKS` selects (cdktf patterns, default every
 * stack) for a pull request, read-only. Reads `AWS_PLAN_ROLE_ARN` (set when the job assumed the read-only plan role), `TF_PLAN_API_TOKEN` (an HCP
 * Terraform team token with plan permission, the only token cloud stacks get) and `PLAN_DIR`.
 * The `<env>-secret` stacks are never planned: their state holds the client secret. Plans are text
 * (a plan file would hold the prior state), without the state lock (a plan writes no state, and must
 * not make a deploy that starts meanwhile fail). A stack of a plan-only synth (`KEY_INSIGHT_PLAN_ONLY=1`)
 * that declares `environment_deployed`, and whose plan fails because its environment stack has no state
 * yet, is planned again with `-var environment_deployed=false`: with placeholder values, a plan that can
 * never be applied. No other plan is given that variable. Exit 1 when a plan failed.
 */
export async function planCommand(env: NodeJS.ProcessEnv, print: CiStreams): Promise<number> {
  const planDir = makeOutputFolder('PLAN_DIR', env.PLAN_DIR || DEFAULT_PLAN_DIR);
  const outdir = outdirOf(env);
  const all = synthesizedStacks(outdir);
  const stacks = matchStacks(all, stackPatterns(env));
  const secrets = secretStacks(all);
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
    let plan = init.exitCode === 0 ? await runTerraform(planArgs(stack), stack, childEnv) : undefined;
    let placeholders = '';
    if (plan !== undefined && environmentNotDeployed(stack, plan)) {
      placeholders = `::notice::${stack.name}: ${placeholderNotice(stack)}\n`;
      plan = await runTerraform([...planArgs(stack), '-var', `${ENVIRONMENT_DEPLOYED_VARIABLE}=false`], stack, childEnv);
    }
    const text = `${init.stdout}${init.stderr}${placeholders}${plan === undefined ? '' : `${plan.stdout}${plan.stderr}`}`;
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

/** Whether a plan failed only because the environment stack a plan-only account stack reads has no state yet. */
function environmentNotDeployed(stack: SynthesizedStack, plan: TerraformResult): boolean {
  return plan.exitCode !== 0 && `${plan.stdout}${plan.stderr}`.includes(MISSING_REMOTE_STATE) && declaredVariables(stack).includes(ENVIRONMENT_DEPLOYED_VARIABLE);
}

function placeholderNotice(stack: SynthesizedStack): string {
  const environment = stack.dependencies.length > 0 ? `environment stack ${stack.dependencies.join(', ')}` : 'environment stack';
  return (
    `its ${environment} has no state yet (not deployed): planned with placeholder values for the issuer and client ID ` +
    `(-var ${ENVIRONMENT_DEPLOYED_VARIABLE}=false); this plan can never be applied`
  );
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

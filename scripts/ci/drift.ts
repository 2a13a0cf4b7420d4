import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CiStreams } from './main';
import { nonEmpty } from './plan';
import { matchStacks, outdirOf, secretStacks, stackPatterns, synthesizedStacks, type SynthesizedStack } from './synthesized-stacks';
import { initArgs, runTerraform, terraformEnv } from './terraform';

/** One line of `terraform plan -json` (Terraform's machine-readable UI) that this command reads. */
interface UiMessage {
  readonly type?: string;
  readonly change?: { readonly resource?: { readonly addr?: string }; readonly action?: string };
  readonly diagnostic?: { readonly severity?: string; readonly summary?: string; readonly detail?: string };
}

export interface StackDrift {
  readonly stack: string;
  /** Resources whose real state differs from the state Terraform recorded (`resource_drift`). */
  readonly changedOutside: ReadonlyArray<{ readonly address: string; readonly action: string }>;
  /** What the next deploy would do (`planned_change`). */
  readonly planned: ReadonlyArray<{ readonly address: string; readonly action: string }>;
}

/**
 * The stacks the drift check plans: those `patterns` select, but the `<env>-secret` ones, and why each
 * other selected one is left out.
 */
export function driftTargets(stacks: readonly SynthesizedStack[], patterns: readonly string[], token: string | undefined): Array<{ stack: SynthesizedStack; skip?: string }> {
  const secrets = secretStacks(stacks);
  return matchStacks(stacks, patterns).map((stack) => {
    if (secrets.has(stack.name)) return { stack, skip: 'it holds the client secret, which the plan role and token may not read' };
    if (stack.state.kind === 'local' && !existsSync(resolve(stack.dir, stack.state.path))) {
      return { stack, skip: `its state is a local file (${stack.state.path}) that is not on this machine` };
    }
    if (stack.state.kind === 'cloud' && token === undefined) return { stack, skip: 'its state is in HCP Terraform: set TF_PLAN_API_TOKEN to check it' };
    return { stack };
  });
}

/**
 * `key-insight-ci drift`: plans every deployed stack that `STACKS` selects (cdktf patterns, default
 * every stack; `<env>-secret` excepted) with
 * `-detailed-exitcode`, and fails naming each stack and each resource that changed outside Terraform
 * or that the next deploy would change; fails too when it could plan no stack. Reads `TF_PLAN_API_TOKEN` for HCP Terraform stacks, the AWS
 * credentials of the job (the plan role), and the Okta provider's `OKTA_*` variables.
 */
export async function driftCommand(env: NodeJS.ProcessEnv, print: CiStreams): Promise<number> {
  const outdir = outdirOf(env);
  const token = nonEmpty(env.TF_PLAN_API_TOKEN);
  const drifted: StackDrift[] = [];
  const failed: string[] = [];
  const skipped: string[] = [];
  let checked = 0;
  for (const { stack, skip } of driftTargets(synthesizedStacks(outdir), stackPatterns(env), token)) {
    if (skip !== undefined) {
      print.stdout(`::notice::not checked: ${stack.name}: ${skip}\n`);
      skipped.push(stack.name);
      continue;
    }
    const childEnv = terraformEnv(env, stack, token);
    const init = await runTerraform(initArgs(outdir), stack, childEnv);
    if (init.exitCode !== 0) {
      print.stdout(`::error::${stack.name}: terraform init failed:\n${init.stderr}${init.stdout}`);
      failed.push(stack.name);
      continue;
    }
    const lock = stack.state.kind === 'cloud' ? [] : ['-lock=false'];
    const plan = await runTerraform(['plan', '-input=false', '-no-color', '-detailed-exitcode', '-json', ...lock], stack, childEnv);
    const messages = parseUi(plan.stdout);
    if (plan.exitCode === 1 || (plan.exitCode !== 0 && plan.exitCode !== 2)) {
      const errors = messages.filter((message) => message.diagnostic?.severity === 'error').map((message) => `${message.diagnostic?.summary}: ${message.diagnostic?.detail ?? ''}`);
      print.stdout(`::error::${stack.name}: terraform plan failed: ${errors.join('; ') || plan.stderr.trim()}\n`);
      failed.push(stack.name);
      continue;
    }
    checked += 1;
    if (plan.exitCode === 0) {
      print.stdout(`${stack.name}: no changes\n`);
      continue;
    }
    const drift = stackDrift(stack.name, messages);
    drifted.push(drift);
    for (const { address, action } of drift.changedOutside) print.stdout(`::error::${stack.name}: ${address} changed outside Terraform (${action})\n`);
    for (const { address, action } of drift.planned) print.stdout(`::error::${stack.name}: ${address} differs from the configuration: the next deploy would ${action} it\n`);
  }
  // A check that planned nothing found no drift only because it looked nowhere: that is not a pass.
  if (checked === 0 && failed.length === 0) {
    print.stdout(`::error::Checked no stack, so drift is unknown: every stack STACKS selects was skipped (${skipped.join(', ')}; the notices above say why).\n`);
    return 1;
  }
  print.stdout(
    `Checked ${checked} stack${checked === 1 ? '' : 's'}: ${drifted.length === 0 ? 'no drift' : `drift in ${drifted.map((drift) => drift.stack).join(', ')}`}` +
      `${failed.length > 0 ? `; could not plan ${failed.join(', ')}` : ''}.\n`,
  );
  return drifted.length > 0 || failed.length > 0 ? 1 : 0;
}

function parseUi(stdout: string): UiMessage[] {
  return stdout.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as UiMessage];
    } catch {
      return [];
    }
  });
}

/** The resources a plan's UI messages name as drifted or changing. */
export function stackDrift(stack: string, messages: readonly UiMessage[]): StackDrift {
  const of = (type: string) =>
    messages
      .filter((message) => message.type === type && typeof message.change?.resource?.addr === 'string')
      .map((message) => ({ address: message.change!.resource!.addr!, action: message.change!.action ?? 'change' }));
  return { stack, changedOutside: of('resource_drift'), planned: of('planned_change') };
}

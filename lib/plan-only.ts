import { Fn, ref, TerraformRemoteState, TerraformResource, TerraformStack, TerraformVariable, Token } from 'cdktf';
import { OUTPUT_NAMES } from './outputs';

/**
 * The environment variable that selects the plan-only synth: `1` in a pull-request plan, unset in every
 * synth whose output may be deployed (and in drift plans, which must see the deployed state as it is).
 */
export const PLAN_ONLY_VARIABLE = 'KEY_INSIGHT_PLAN_ONLY';

/**
 * The Terraform variable of a plan-only account stack: `false` when its environment stack has no state yet
 * (`terraform plan -var environment_deployed=false`). Terraform's `terraform_remote_state` fails on a state
 * that does not exist, whatever its `defaults`, so the plan job says so instead.
 */
export const ENVIRONMENT_DEPLOYED_VARIABLE = 'environment_deployed';

/**
 * What a plan-only account stack plans with while its environment stack is not deployed. No deployed
 * environment publishes these: `.invalid` is a reserved top-level domain (RFC 2606), and no Okta client ID
 * is made of words.
 */
export const PLACEHOLDER_ENVIRONMENT_OUTPUTS = {
  [OUTPUT_NAMES.issuer]: 'https://environment-not-deployed.invalid/oauth2/plan-only',
  [OUTPUT_NAMES.clientId]: 'plan-only-placeholder-client-id',
} as const;

/** What an account stack reads from its environment stack's state. */
export interface EnvironmentOutputs {
  readonly issuer: string;
  readonly clientId: string;
}

/**
 * The issuer and client ID of a plan-only account stack: read from the environment stack's state as in
 * the synth that deploys, unless `environment_deployed` is false; then the state is not read and the
 * placeholders stand in.
 */
export function planOnlyEnvironmentOutputs(stack: TerraformStack, environmentState: TerraformRemoteState): EnvironmentOutputs {
  const deployed = new TerraformVariable(stack, ENVIRONMENT_DEPLOYED_VARIABLE, {
    type: 'bool',
    default: true,
    nullable: false,
    description: 'false while the environment stack has no state: plan with placeholder values (a plan-only stack, never applied)',
  });
  environmentState.addOverride('count', Fn.conditional(deployed.booleanValue, 1, 0));
  const read = (output: keyof typeof PLACEHOLDER_ENVIRONMENT_OUTPUTS) =>
    Token.asString(
      Fn.conditional(deployed.booleanValue, ref(`${environmentState.fqn}[0].outputs.${output}`, stack), PLACEHOLDER_ENVIRONMENT_OUTPUTS[output]),
    );
  return { issuer: read(OUTPUT_NAMES.issuer), clientId: read(OUTPUT_NAMES.clientId) };
}

/** Why every apply of a plan-only stack stops, as Terraform prints it. */
export function planOnlyApplyError(stackName: string): string {
  return (
    `${stackName} was synthesized with ${PLAN_ONLY_VARIABLE}=1 for a pull-request plan: it may plan with placeholder values, ` +
    `so it can be planned but never applied. Synthesize without ${PLAN_ONLY_VARIABLE} to deploy.`
  );
}

/**
 * Gives every resource of the stack a precondition that has no answer while planning and is false while
 * applying, so that no apply of a plan-only stack, nor of a plan saved from it, creates or changes
 * anything. `timestamp()` is unknown during a plan (Terraform leaves a condition it cannot know yet to
 * the apply) and known during an apply, where it never equals the text it is compared with; the check
 * runs before the resource is created or changed. Terraform requires a condition to name an object of
 * the configuration: it names the `environment_deployed` variable, which is never null.
 */
export function refuseEveryApply(stack: TerraformStack): void {
  const condition = `\${timestamp() == "plan only" && var.${ENVIRONMENT_DEPLOYED_VARIABLE} != null}`;
  const precondition = { condition, error_message: planOnlyApplyError(stack.node.id) };
  for (const resource of stack.node.findAll().filter((construct): construct is TerraformResource => construct instanceof TerraformResource)) {
    resource.addOverride('lifecycle.precondition', [precondition]);
  }
}

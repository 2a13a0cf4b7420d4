/**
 * Findings about what lies beside the configuration, which the synth reads but does not write: the
 * local state files at the project root and the files in each stack's folder of cdktf.out. Unlike the
 * review's rules they are not about the configuration's choices, so they cannot be acknowledged: each
 * goes away once its cause is removed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { TerraformResource, TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';
import type { StackConfig } from '../config';
import type { Finding } from './index';

/** A stack of an environment, as the review knows it. */
interface EnvironmentStack extends TerraformStack {
  readonly environment: StackConfig;
}

export function environmentStacks(scope: IConstruct): EnvironmentStack[] {
  return scope.node.children.filter((child): child is EnvironmentStack => child instanceof TerraformStack && 'environment' in child);
}

/** The environment's own stack, which findings are reported on, or the stack itself. */
function reportedOn(stack: EnvironmentStack, stacks: readonly EnvironmentStack[]): TerraformStack {
  return stacks.find((candidate) => candidate.node.id === stack.environment.name) ?? stack;
}

/** Groups places per environment into one finding each, as the review does. */
export function grouped(
  places: ReadonlyArray<{ stack: EnvironmentStack; where: string }>,
  stacks: readonly EnvironmentStack[],
  finding: Pick<Finding, 'id' | 'cause' | 'fix'>,
): Finding[] {
  const byEnvironment = new Map<string, Finding>();
  for (const { stack, where } of places) {
    const environment = stack.environment.name;
    const earlier = byEnvironment.get(environment);
    byEnvironment.set(environment, {
      ...finding,
      level: 'warning',
      environment,
      where: [...(earlier?.where ?? []), where],
      stack: reportedOn(stack, stacks),
    });
  }
  return [...byEnvironment.values()];
}

export const ADOPTION_DEPLOYED = {
  id: 'KI-ADOPT-DEPLOYED',
  cause: "adopted resources are in the stack's local state already, so their import blocks have done their work",
  fix:
    'remove their entries from stacks[].adopt or stacks[].aws.accounts[].adopt; kept, an import block fails the plan ' +
    '("Cannot import non-existent remote object") once its resource is deleted outside Terraform',
} as const;

/** The addresses (`<type>.<name>`) of the resources a local state file holds; empty when there is none. */
function resourcesInState(file: string): Set<string> {
  let state: unknown;
  try {
    state = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return new Set();
  }
  const resources = (state as { resources?: unknown })?.resources;
  if (!Array.isArray(resources)) return new Set();
  return new Set(
    resources
      .filter((resource) => resource?.mode === 'managed' && Array.isArray(resource.instances) && resource.instances.length > 0)
      .map((resource) => `${resource.type}.${resource.name}`),
  );
}

/**
 * KI-ADOPT-DEPLOYED: an import block whose resource the stack's local state already holds. Only local
 * state is read (`terraform.<stack>.tfstate` in `stateDir`); for remote backends the documentation says
 * when to remove the adopt block.
 */
export function adoptionsDeployed(scope: IConstruct, stateDir: string): Finding[] {
  const stacks = environmentStacks(scope);
  const places = stacks.flatMap((stack) => {
    if (stack.environment.backend.type !== 'local') return [];
    const inState = resourcesInState(join(stateDir, `terraform.${stack.node.id}.tfstate`));
    if (inState.size === 0) return [];
    const imports = stack.node
      .findAll()
      .filter((construct): construct is TerraformResource => construct instanceof TerraformResource)
      .flatMap((resource) => (resource.toTerraform().import ?? []).map((block: { id: string; to: string }) => ({ resource, ...block })));
    return imports
      .filter((block) => inState.has(block.to))
      .map((block) => ({ stack, where: `${block.resource.node.path} (imported from ${block.id})` }));
  });
  return grouped(places, stacks, ADOPTION_DEPLOYED);
}

export const OVERRIDE_FILES = {
  id: 'KI-TERRAFORM-OVERRIDE',
  cause: "a Terraform override file in a stack's folder changes what the synth wrote, and no synth removes it",
  fix: 'delete the file, unless the stack is meant to be deployed with it; a lasting change belongs in the constructs',
} as const;

/** Terraform reads these as override files: `override.tf`, `override.tf.json` and names ending in `_override.tf` or `_override.tf.json`. */
const OVERRIDE_FILE = /^(.*_)?override\.tf(\.json)?$/;

/** KI-TERRAFORM-OVERRIDE: override files in the folders (`<outdir>/stacks/<stack>`) of the stacks being synthesized. */
export function overrideFiles(scope: IConstruct, outdir: string): Finding[] {
  const stacks = environmentStacks(scope);
  const places = stacks.flatMap((stack) => {
    let entries: string[];
    try {
      entries = readdirSync(join(outdir, 'stacks', stack.node.id));
    } catch {
      return [];
    }
    return entries
      .filter((entry) => OVERRIDE_FILE.test(entry))
      .sort()
      .map((entry) => ({ stack, where: join(basename(outdir), 'stacks', stack.node.id, entry) }));
  });
  return grouped(places, stacks, OVERRIDE_FILES);
}

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { offlineTerraformEnv as offlineEnv, OfflineStack, prepareOfflineStack, providerSource } from '../../scripts/offline-check';
import { ROOT } from './config';

export { OFFLINE_AWS_ENV, OFFLINE_AWS_PROVIDER } from '../../scripts/offline-check';

/** Fails, with what is missing, when this machine has no Terraform. */
export function requireTerraform(): void {
  const version = spawnSync('terraform', ['version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    throw new Error('terraform is not on PATH: install Terraform 1.10 or newer to run these tests');
  }
}

export type TerraformRun = OfflineStack;

const roots: string[] = [];

/** Removes every folder terraformFolder made in this test file (call it from afterAll). */
export function removeTerraformFolders(): void {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
}

/**
 * A project folder whose `cdktf.out/stacks/<name>` holds `cdk.tf.json`, as `cdktf synth` lays it out,
 * with the CLI config `npm run check:aws` uses (scripts/offline-check.ts): hashicorp/aws from the mirror
 * KEY_INSIGHT_TF_PLUGIN_MIRROR names (default /opt/tf-plugins) when it has one, else from the registry
 * through the project's plugin cache. Given `inRoot` (a project folder an earlier call made), the stack
 * folder is added there, beside the others. No override file: the test makes the configuration offline.
 * `env` is added to Terraform's environment (an AWS_ENDPOINT_URL_<SERVICE> for a stand-in, say).
 */
export function terraformFolder(config: object, name = 'stack', inRoot?: string, env?: Readonly<Record<string, string>>): TerraformRun {
  const root = inRoot ?? mkdtempSync(join(tmpdir(), 'ki-terraform-'));
  if (inRoot === undefined) roots.push(root);
  return prepareOfflineStack(root, name, config, { source: providerSource(ROOT), override: false, env });
}

/** Where this machine's Terraform gets hashicorp/aws: the mirror when there is one, else the registry through the project's plugin cache. */
export const PROVIDER_SOURCE = providerSource(ROOT);

/** The environment for running Terraform offline with `root` as its home, as `npm run check:aws` gives it. */
export function offlineTerraformEnv(root: string): NodeJS.ProcessEnv {
  return offlineEnv(root, PROVIDER_SOURCE);
}

export interface PlannedChange {
  readonly type: string;
  readonly actions: string[];
  readonly after: Record<string, any>;
  /** Attributes known only after apply. */
  readonly afterUnknown: Record<string, any>;
  /** What each attribute's expression refers to, from the plan's configuration. */
  readonly references: Record<string, string[]>;
}

/**
 * `terraform init` and `plan`; the planned changes, from `terraform show -json`. No separate
 * `terraform validate`: plan validates the configuration first and fails with the same errors, and
 * each command that loads hashicorp/aws costs seconds of CPU.
 */
export async function initAndPlan(folder: TerraformRun): Promise<PlannedChange[]> {
  await init(folder);
  return plan(folder);
}

export async function init(folder: TerraformRun): Promise<void> {
  await folder.run(['init', '-input=false']);
}

/**
 * `terraform plan` in a folder already initialized; the planned changes. `planArgs` are added to the
 * command, `planFile` names the saved plan (so that two plans of one folder can run at once).
 */
export async function plan(folder: TerraformRun, planArgs: string[] = [], planFile = 'plan.tfplan'): Promise<PlannedChange[]> {
  await folder.run(['plan', '-input=false', ...planArgs, `-out=${planFile}`]);
  return changesOf(JSON.parse(await folder.run(['show', '-json', planFile])));
}

/** The planned changes of a plan, as `terraform show -json` prints it. */
export function changesOf(plan: any): PlannedChange[] {
  const configured = new Map<string, any>(
    (plan.configuration?.root_module?.resources ?? []).map((resource: any) => [resource.address, resource]),
  );
  return (plan.resource_changes ?? []).map((change: any) => {
    const expressions = configured.get(change.address)?.expressions ?? {};
    return {
      type: change.type,
      actions: change.change.actions,
      after: change.change.after,
      afterUnknown: change.change.after_unknown ?? {},
      references: Object.fromEntries(
        Object.entries<any>(expressions).map(([name, expression]) => [name, expression.references ?? []]),
      ),
    };
  });
}

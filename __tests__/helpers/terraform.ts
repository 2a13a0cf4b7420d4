import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** This machine's filesystem mirror: hashicorp/aws 5.100.0, the version @cdktf/provider-aws 20.1.0 was generated from. */
export const PROVIDER_MIRROR = '/opt/tf-plugins';
const AWS_PROVIDER = join(PROVIDER_MIRROR, 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0');

/** Fake credentials: nothing here can reach AWS, and the provider is told not to try. */
export const OFFLINE_AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_EC2_METADATA_DISABLED: 'true',
};
export const OFFLINE_AWS_PROVIDER = {
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
};

/** Fails, with what is missing, when this machine cannot run Terraform offline. */
export function requireTerraform(): void {
  const version = spawnSync('terraform', ['version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    throw new Error('terraform is not on PATH: install Terraform 1.10 or newer to run these tests');
  }
  if (!existsSync(AWS_PROVIDER)) {
    throw new Error(`the provider mirror has no hashicorp/aws 5.100.0: expected ${AWS_PROVIDER}`);
  }
}

export interface TerraformRun {
  /** The project folder, three levels above the stack folder. */
  readonly root: string;
  readonly dir: string;
  run(args: string[]): Promise<string>;
}

const execFileAsync = promisify(execFile);

const roots: string[] = [];

/** Removes every folder terraformFolder made in this test file (call it from afterAll). */
export function removeTerraformFolders(): void {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
}

/**
 * A project folder whose `cdktf.out/stacks/<name>` holds `cdk.tf.json`, as `cdktf synth` lays it out,
 * and a project-local CLI config that installs hashicorp/aws from the mirror (linked, not copied) and
 * nothing from the network.
 */
export function terraformFolder(config: object, name = 'stack'): TerraformRun {
  const root = mkdtempSync(join(tmpdir(), 'ki-terraform-'));
  roots.push(root);
  const dir = join(root, 'cdktf.out', 'stacks', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(config, null, 2));
  const env = offlineTerraformEnv(root);
  return {
    root,
    dir,
    async run(args: string[]): Promise<string> {
      try {
        const { stdout } = await execFileAsync('terraform', [...args, '-no-color'], { cwd: dir, env, maxBuffer: 64 << 20 });
        return stdout;
      } catch (error) {
        const failed = error as { code?: number; stdout?: string; stderr?: string };
        throw new Error(`terraform ${args.join(' ')} failed (${failed.code}):\n${failed.stderr}\n${failed.stdout}`);
      }
    },
  };
}

/**
 * The environment for running Terraform offline with `root` as its home: a CLI config written there that
 * installs hashicorp/aws from the mirror (linked, not copied) and nothing from the network, and fake AWS
 * credentials.
 */
export function offlineTerraformEnv(root: string): NodeJS.ProcessEnv {
  const cliConfig = join(root, 'terraform.tfrc');
  writeFileSync(
    cliConfig,
    [
      `plugin_cache_dir = "${PROVIDER_MIRROR}"`,
      'plugin_cache_may_break_dependency_lock_file = true',
      'provider_installation {',
      `  filesystem_mirror {\n    path    = "${PROVIDER_MIRROR}"\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }`,
      '  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }',
      '}',
    ].join('\n'),
  );
  return {
    PATH: process.env.PATH,
    HOME: root,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
    ...OFFLINE_AWS_ENV,
  };
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

function changesOf(plan: any): PlannedChange[] {
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

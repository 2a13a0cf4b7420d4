/**
 * Plans the AWS half of synthesized stacks with real Terraform, without credentials: `npm run check:aws`
 * runs it on every stack of cdktf.out, and the Terraform tests run their stacks through the same code.
 *
 * Each stack is copied into a scratch folder, never planned where it was synthesized:
 * - `cdk.tf.json`: the stack without its Okta half (the Okta provider, its resources, data sources, import
 *   blocks and version pin; a reference to an Okta attribute becomes a placeholder value), and without the
 *   AWS provider's settings that call STS (`assume_role`, `allowed_account_ids`);
 * - `offline_override.tf.json`, a Terraform override file: a local backend in the scratch folder instead of
 *   S3 or HCP Terraform, the AWS provider told not to call AWS, and every `terraform_remote_state` read
 *   from a local file in the scratch folder (an empty state unless one is there), with placeholder
 *   `defaults` for the outputs it reads.
 * Terraform then runs `init` (the local backend) and `plan`, which validates the configuration first and
 * fails with the same errors `validate` would, with fake credentials and a CLI config of its own (see
 * `cliConfigText`).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

/** The environment variable naming a Terraform provider filesystem mirror. */
export const PLUGIN_MIRROR_VARIABLE = 'KEY_INSIGHT_TF_PLUGIN_MIRROR';
export const DEFAULT_PLUGIN_MIRROR = '/opt/tf-plugins';
const AWS_PROVIDER_ADDRESS = 'registry.terraform.io/hashicorp/aws';

/** Fake credentials: nothing here can reach AWS, and the provider is told not to try. */
export const OFFLINE_AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_EC2_METADATA_DISABLED: 'true',
};

/** The AWS provider's settings that keep it from calling AWS before the plan's own (offline) work. */
export const OFFLINE_AWS_PROVIDER = {
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
};

/** AWS provider settings that need STS: the assumed role, and the account check of `allowed_account_ids`. */
const STS_PROVIDER_SETTINGS = ['assume_role', 'assume_role_with_web_identity', 'allowed_account_ids', 'forbidden_account_ids', 'profile'];

/** Stands for the Okta authorization server's issuer, which only a deployed Okta half knows. */
export const PLACEHOLDER_ISSUER = 'https://offline-check.invalid/oauth2/offline-check';

/** Values the Okta half would supply, by attribute or output name; anything else becomes `offline-check-<name>`. */
export interface PlaceholderValues {
  readonly [name: string]: string;
}

const DEFAULT_PLACEHOLDERS: PlaceholderValues = { issuer: PLACEHOLDER_ISSUER };

function placeholder(name: string, values: PlaceholderValues): string {
  return values[name] ?? DEFAULT_PLACEHOLDERS[name] ?? `offline-check-${name}`;
}

/** Where Terraform gets hashicorp/aws: a filesystem mirror, or the registry through a plugin cache. */
export type ProviderSource = { readonly mirror: string } | { readonly pluginCache: string };

/**
 * The mirror named by KEY_INSIGHT_TF_PLUGIN_MIRROR (default /opt/tf-plugins) when it holds hashicorp/aws;
 * otherwise the registry, with downloads kept in `<project>/.terraform/plugin-cache` (ignored by git).
 */
export function providerSource(projectRoot: string, env: NodeJS.ProcessEnv = process.env): ProviderSource {
  const mirror = env[PLUGIN_MIRROR_VARIABLE] || DEFAULT_PLUGIN_MIRROR;
  if (existsSync(join(mirror, AWS_PROVIDER_ADDRESS))) return { mirror: resolve(mirror) };
  return { pluginCache: join(projectRoot, '.terraform', 'plugin-cache') };
}

/** A Terraform CLI config that installs hashicorp/aws from `source` and nothing else from a mirror. */
export function cliConfigText(source: ProviderSource): string {
  if ('pluginCache' in source) return `plugin_cache_dir = ${JSON.stringify(source.pluginCache)}\n`;
  return [
    // Providers are linked from the mirror, not copied into each working folder.
    `plugin_cache_dir = ${JSON.stringify(source.mirror)}`,
    'plugin_cache_may_break_dependency_lock_file = true',
    'provider_installation {',
    `  filesystem_mirror {\n    path    = ${JSON.stringify(source.mirror)}\n    include = ["${AWS_PROVIDER_ADDRESS}"]\n  }`,
    `  direct {\n    exclude = ["${AWS_PROVIDER_ADDRESS}"]\n  }`,
    '}',
    '',
  ].join('\n');
}

type Json = any;

const OKTA_REFERENCE = /\b(?:data\.)?okta_[a-z0-9_]+\.[A-Za-z0-9_-]+\.([a-z0-9_]+)/g;

/** Replaces every reference to an Okta attribute in the strings of `value` by a quoted placeholder. */
function withoutOktaReferences(value: Json, values: PlaceholderValues): Json {
  if (typeof value === 'string') return value.replace(OKTA_REFERENCE, (_match, attribute: string) => JSON.stringify(placeholder(attribute, values)));
  if (Array.isArray(value)) return value.map((item) => withoutOktaReferences(item, values));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutOktaReferences(item, values)]));
  }
  return value;
}

const isOkta = (type: string) => type.startsWith('okta_');
const namesOkta = (address: string) => /^(data\.)?okta_/.test(address);

/** Whether a synthesized stack has an AWS half: an AWS provider. */
export function hasAwsHalf(stack: Json): boolean {
  return (stack.provider?.aws ?? []).length > 0;
}

/** The stack without its Okta half and without the AWS provider settings that need STS (see the file's comment). */
export function awsHalf(stack: Json, values: PlaceholderValues = {}): Json {
  const { okta: _oktaProvider, ...providers } = stack.provider ?? {};
  const { okta: _oktaPin, ...requiredProviders } = stack.terraform?.required_providers ?? {};
  const copy: Json = {
    ...stack,
    terraform: { ...stack.terraform, required_providers: requiredProviders },
    provider: {
      ...providers,
      aws: (providers.aws ?? []).map((provider: Json) =>
        Object.fromEntries(Object.entries(provider).filter(([setting]) => !STS_PROVIDER_SETTINGS.includes(setting))),
      ),
    },
  };
  for (const block of ['resource', 'data'] as const) {
    if (stack[block] === undefined) continue;
    copy[block] = Object.fromEntries(Object.entries(stack[block]).filter(([type]) => !isOkta(type)));
    // Terraform refuses an empty block.
    if (Object.keys(copy[block]).length === 0) delete copy[block];
    for (const byName of Object.values<Json>(copy[block] ?? {})) {
      for (const item of Object.values<Json>(byName)) {
        if (Array.isArray(item.depends_on)) item.depends_on = item.depends_on.filter((address: string) => !namesOkta(address));
      }
    }
  }
  if (Array.isArray(stack.import)) copy.import = stack.import.filter((block: Json) => !namesOkta(block.to));
  if (Array.isArray(stack.moved)) {
    copy.moved = stack.moved.filter((block: Json) => !namesOkta(block.from) && !namesOkta(block.to));
    if (copy.moved.length === 0) delete copy.moved;
  }
  return withoutOktaReferences(copy, values);
}

/** The names of the outputs a stack reads through `data.terraform_remote_state.<name>`. */
function outputsRead(stack: Json, name: string): string[] {
  const pattern = new RegExp(`data\\.terraform_remote_state\\.${name}\\.outputs\\.([A-Za-z0-9_-]+)`, 'g');
  return [...new Set([...JSON.stringify(stack).matchAll(pattern)].map((match) => match[1]))].sort();
}

/**
 * The override file: a local backend (`terraform.tfstate` in the scratch stack folder), each AWS provider
 * told not to call AWS, and each remote state read from a local file: the path it already has when its
 * backend is local (relative to the stack folder, so inside the scratch copy), else one that does not
 * exist; `defaults` stand for the outputs it reads.
 */
export function offlineOverride(stack: Json, values: PlaceholderValues = {}): Json {
  const override: Json = {
    terraform: { backend: { local: { path: 'terraform.tfstate' } } },
    provider: { aws: (stack.provider?.aws ?? []).map((provider: Json) => ({ ...(provider.alias ? { alias: provider.alias } : {}), ...OFFLINE_AWS_PROVIDER })) },
  };
  const remoteStates: Record<string, Json> = stack.data?.terraform_remote_state ?? {};
  if (Object.keys(remoteStates).length > 0) {
    override.data = {
      terraform_remote_state: Object.fromEntries(
        Object.entries(remoteStates).map(([name, remoteState]) => [
          name,
          {
            backend: 'local',
            config: { path: remoteState.backend === 'local' ? remoteState.config.path : `remote-state.${name}.tfstate` },
            defaults: Object.fromEntries(outputsRead(stack, name).map((output) => [output, placeholder(output, values)])),
          },
        ]),
      ),
    };
  }
  return override;
}

/** A scratch folder laid out as cdktf.out (`<root>/cdktf.out/stacks/<name>`), where Terraform runs on a copy of one stack. */
export interface OfflineStack {
  /** The scratch project folder, three levels above the stack folder. */
  readonly root: string;
  readonly dir: string;
  /** Runs `terraform <args>` in the stack folder; its standard output, or an error with both outputs. */
  run(args: string[]): Promise<string>;
}

const execFileAsync = promisify(execFile);

/**
 * Go's garbage collector target for Terraform and its provider processes: collecting a quarter as often
 * as Go's default (100) cuts the CPU time of loading hashicorp/aws's schema, the largest part of an
 * offline plan, for memory that the short-lived processes give back when they end.
 */
const TERRAFORM_GOGC = '400';

/**
 * Terraform's environment with `root` as its home: a CLI config written there that takes hashicorp/aws
 * from `source`, and fake AWS credentials; nothing else of the caller's environment but PATH and TMPDIR.
 */
export function offlineTerraformEnv(root: string, source: ProviderSource): NodeJS.ProcessEnv {
  if ('pluginCache' in source) mkdirSync(source.pluginCache, { recursive: true });
  const cliConfig = join(root, 'terraform.tfrc');
  writeFileSync(cliConfig, cliConfigText(source));
  return {
    PATH: process.env.PATH,
    TMPDIR: process.env.TMPDIR,
    HOME: root,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
    GOGC: TERRAFORM_GOGC,
    ...OFFLINE_AWS_ENV,
  };
}

/**
 * Writes the offline copy of `stack` into `<root>/cdktf.out/stacks/<name>` and the CLI config into
 * `<root>/terraform.tfrc`. `cdkTfJson` is written as given (the check passes `awsHalf(stack)`);
 * `override` defaults to `offlineOverride(cdkTfJson)`.
 */
export function prepareOfflineStack(
  root: string,
  name: string,
  cdkTfJson: Json,
  options: {
    source: ProviderSource;
    override?: Json | false;
    /** @default - none: Terraform gets only `offlineTerraformEnv`'s variables */
    env?: Readonly<Record<string, string>>;
  },
): OfflineStack {
  const dir = join(root, 'cdktf.out', 'stacks', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cdk.tf.json'), `${JSON.stringify(cdkTfJson, null, 2)}\n`);
  const override = options.override ?? offlineOverride(cdkTfJson);
  if (override !== false) {
    writeFileSync(join(dir, 'offline_override.tf.json'), `${JSON.stringify(override, null, 2)}\n`);
    writeMissingRemoteStates(dir, override);
  }
  const env = { ...offlineTerraformEnv(root, options.source), ...options.env };
  return {
    root,
    dir,
    async run(args: string[]): Promise<string> {
      try {
        const { stdout } = await execFileAsync('terraform', [...args, '-no-color'], { cwd: dir, env, maxBuffer: 64 << 20 });
        return stdout;
      } catch (error) {
        const failed = error as { code?: number; stdout?: string; stderr?: string };
        throw new Error(`terraform ${args.join(' ')} failed (${failed.code}):\n${failed.stderr ?? ''}\n${failed.stdout ?? ''}`.trimEnd());
      }
    },
  };
}

/**
 * An empty state for each remote state the override reads that has no file yet: Terraform refuses to read
 * a state that does not exist, and uses the `defaults` for the outputs an empty one lacks.
 */
function writeMissingRemoteStates(dir: string, override: Json): void {
  for (const [name, remoteState] of Object.entries<Json>(override.data?.terraform_remote_state ?? {})) {
    const file = resolve(dir, remoteState.config.path);
    if (existsSync(file)) continue;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ version: 4, terraform_version: '1.10.0', serial: 1, lineage: `offline-check-${name}`, outputs: {}, resources: [] }));
  }
}

/**
 * `init` with the local backend and `plan`; the plan's JSON. No separate `validate`: each command that
 * loads hashicorp/aws costs seconds of CPU, and plan validates first.
 */
export async function checkOfflineStack(stack: OfflineStack): Promise<Json> {
  await stack.run(['init', '-input=false']);
  await stack.run(['plan', '-input=false', '-out=plan.tfplan']);
  return JSON.parse(await stack.run(['show', '-json', 'plan.tfplan']));
}

/** One stack's result: the plan's counts, or why the check failed; `skipped` for a stack without an AWS half. */
export type StackResult =
  | {
      readonly stack: string;
      readonly status: 'planned';
      readonly create: number;
      readonly update: number;
      readonly destroy: number;
      /** The plan, as `terraform show -json` prints it. */
      readonly plan: Json;
    }
  | { readonly stack: string; readonly status: 'skipped' }
  | { readonly stack: string; readonly status: 'failed'; readonly error: string };

function counts(plan: Json) {
  const actions: string[][] = (plan.resource_changes ?? []).map((change: Json) => change.change.actions);
  return {
    create: actions.filter((a) => a.includes('create')).length,
    update: actions.filter((a) => a.length === 1 && a[0] === 'update').length,
    destroy: actions.filter((a) => a.includes('delete')).length,
  };
}

/** The stacks of a synthesized cdktf.out, by name, from its manifest.json. */
export function synthesizedStacks(outdir: string): Record<string, Json> {
  const manifestFile = join(outdir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new Error(`${manifestFile} does not exist: synthesize first (npx cdktf synth or npm run synth)`);
  }
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  return Object.fromEntries(
    Object.values<Json>(manifest.stacks).map((entry) => [entry.name, JSON.parse(readFileSync(join(outdir, entry.synthesizedStackPath), 'utf8'))]),
  );
}

/** Checks every stack of `stacks` in `<scratch>/cdktf.out/stacks/<name>`, `parallel` at a time; results in stack order. */
export async function checkStacks(
  stacks: Record<string, Json>,
  options: {
    scratch: string;
    source: ProviderSource;
    parallel: number;
    /** What stands for the Okta half's values (see `PlaceholderValues`). */
    values?: PlaceholderValues;
    onResult?: (result: StackResult) => void;
  },
): Promise<StackResult[]> {
  const names = Object.keys(stacks).sort();
  const results: StackResult[] = new Array(names.length);
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const index = next++;
      const name = names[index];
      let result: StackResult;
      if (!hasAwsHalf(stacks[name])) {
        result = { stack: name, status: 'skipped' };
      } else {
        try {
          const copy = awsHalf(stacks[name], options.values);
          const offline = prepareOfflineStack(options.scratch, name, copy, { source: options.source, override: offlineOverride(copy, options.values) });
          const plan = await checkOfflineStack(offline);
          result = { stack: name, status: 'planned', ...counts(plan), plan };
        } catch (error) {
          result = { stack: name, status: 'failed', error: (error as Error).message };
        }
      }
      results[index] = result;
      options.onResult?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.parallel) }, worker));
  return results;
}

/** One line per stack, as the check prints it. */
export function describeResult(result: StackResult): string {
  switch (result.status) {
    case 'planned':
      return `ok      ${result.stack}: plans ${result.create} to create, ${result.update} to update, ${result.destroy} to destroy`;
    case 'skipped':
      return `skipped ${result.stack}: no AWS half (only Okta, which this check cannot plan)`;
    case 'failed':
      return `FAILED  ${result.stack}: ${result.error}`;
  }
}

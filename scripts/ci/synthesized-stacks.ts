import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { secretStackName } from '../../lib/stack-names';
import { CiUsageError } from './ci-usage-error';

/** cdktf 0.21's own matcher (the version @cdktf/cli-core pins), which ships no types. */
const minimatch = require('minimatch') as (name: string, pattern: string) => boolean;

/** Where cdktf.json tells `cdktf synth` to write; CDKTF_OUTDIR overrides it, as for scripts/app.cjs. */
export function outdirOf(env: NodeJS.ProcessEnv, cwd = process.cwd()): string {
  const outdir = resolve(cwd, env.CDKTF_OUTDIR || 'cdktf.out');
  if (existsSync(outdir) && !statSync(outdir).isDirectory()) {
    throw new CiUsageError(`CDKTF_OUTDIR is ${JSON.stringify(env.CDKTF_OUTDIR ?? 'cdktf.out')}, but must name the folder \`npx cdktf synth\` writes: ${outdir} is not a folder`);
  }
  return outdir;
}

/**
 * Where a synthesized stack keeps its state, read from what cdktf wrote: `terraform.cloud` for
 * CloudBackend (HCP Terraform), `terraform.backend.<type>` for the others, and Terraform's local
 * default when there is neither.
 */
export type StateLocation =
  | { readonly kind: 'local'; readonly path: string }
  | { readonly kind: 'cloud'; readonly hostname: string; readonly organization: string; readonly workspace: string }
  | { readonly kind: 's3'; readonly bucket: string; readonly key: string }
  | { readonly kind: 'other'; readonly type: string };

/** HCP Terraform's hostname, which the cloud block uses when it names none. */
export const DEFAULT_CLOUD_HOSTNAME = 'app.terraform.io';

export interface SynthesizedStack {
  readonly name: string;
  /** The folder Terraform runs in. */
  readonly dir: string;
  readonly state: StateLocation;
  /** Stacks cdktf deploys before this one. */
  readonly dependencies: readonly string[];
}

/** Every stack of cdktf.out, in the manifest's order: the list cdktf itself matches stack patterns against. */
export function synthesizedStacks(outdir: string): SynthesizedStack[] {
  const manifestFile = join(outdir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new CiUsageError(`${manifestFile} does not exist: run \`npx cdktf synth\` (or \`npm run synth\`) first`);
  }
  try {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
      stacks: Record<string, { name: string; workingDirectory: string; synthesizedStackPath: string; dependencies?: string[] }>;
    };
    return Object.values(manifest.stacks).map((stack) => {
      const terraform = JSON.parse(readFileSync(join(outdir, stack.synthesizedStackPath), 'utf8')).terraform ?? {};
      return { name: stack.name, dir: join(outdir, stack.workingDirectory), state: stateLocation(terraform), dependencies: stack.dependencies ?? [] };
    });
  } catch (error) {
    // A folder cdktf did not write, or one a synth left half-written: what it holds is no input to trust.
    throw new CiUsageError(`${outdir} does not hold a synth that can be read (${(error as Error).message}): run \`npx cdktf synth\` (or \`npm run synth\`) again`);
  }
}

function stateLocation(terraform: { cloud?: any; backend?: Record<string, any> }): StateLocation {
  if (terraform.cloud !== undefined) {
    return {
      kind: 'cloud',
      hostname: terraform.cloud.hostname ?? DEFAULT_CLOUD_HOSTNAME,
      organization: String(terraform.cloud.organization),
      workspace: String(terraform.cloud.workspaces?.name ?? ''),
    };
  }
  const [type, settings] = Object.entries(terraform.backend ?? {})[0] ?? ['local', {}];
  switch (type) {
    case 'local':
      return { kind: 'local', path: String(settings?.path ?? 'terraform.tfstate') };
    case 's3':
      return { kind: 's3', bucket: String(settings.bucket), key: String(settings.key) };
    default:
      return { kind: 'other', type };
  }
}

/** The names of the Terraform variables a synthesized stack declares (its cdk.tf.json's `variable` block). */
export function declaredVariables(stack: SynthesizedStack): string[] {
  return Object.keys(JSON.parse(readFileSync(join(stack.dir, 'cdk.tf.json'), 'utf8')).variable ?? {});
}

/** What the `STACKS` variable may hold: stack names or cdktf patterns, separated by single spaces. */
const STACK_PATTERNS = /^[A-Za-z0-9_*?-]+( [A-Za-z0-9_*?-]+)*$/;

/** Reads `STACKS` (default every stack, `*`); a value that is not stack patterns is refused before anything runs. */
export function stackPatterns(env: NodeJS.ProcessEnv): string[] {
  const value = env.STACKS ?? '';
  if (value === '') return ['*'];
  if (!STACK_PATTERNS.test(value)) {
    throw new CiUsageError(`STACKS is "${value}", but must be stack names or patterns (letters, digits, _ - * ?) separated by single spaces`);
  }
  return value.split(' ');
}

/**
 * The stacks `cdktf deploy <patterns>` deploys: each pattern matched with minimatch against the stack
 * names, as cdktf 0.21 does (@cdktf/cli-core getMultipleStacks), and a pattern that matches no stack is an
 * error there as here.
 */
export function matchStacks<Stack extends { readonly name: string }>(stacks: readonly Stack[], patterns: readonly string[]): Stack[] {
  const selected = new Set<string>();
  for (const pattern of patterns) {
    const matching = stacks.filter((stack) => minimatch(stack.name, pattern));
    if (matching.length === 0) {
      throw new CiUsageError(`no stack matches "${pattern}" (stacks: ${stacks.map((stack) => stack.name).join(', ')})`);
    }
    matching.forEach((stack) => selected.add(stack.name));
  }
  return stacks.filter((stack) => selected.has(stack.name));
}

/**
 * The `<env>-secret` stacks (lib/stack-names.ts secretStackName), which hold the client secret: a stack
 * whose name is the secret stack name of another synthesized stack.
 */
export function secretStacks(stacks: readonly SynthesizedStack[]): Set<string> {
  const names = new Set(stacks.map((stack) => stack.name));
  return new Set(stacks.map((stack) => secretStackName(stack.name)).filter((name) => names.has(name)));
}

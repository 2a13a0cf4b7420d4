import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Annotations, App, TerraformAsset, TerraformStack } from 'cdktf';
import { DEFAULT_CONFIG_FILE, refusal, type KeyInsightConfig } from './config';
import { addEnvironments, type SynthOptions } from './key-insight-app';
import { PLAN_ONLY_VARIABLE } from './plan-only';
import { copyLockFile } from './provider-lock';
import { Finding, acknowledgementProblems, formatFinding, reviewApp } from './review';
import { adoptionsDeployed, overrideFiles } from './review/workspace';
import { AwsAccountStack, ClientSecretStack, KeyInsightStack } from './key-insight-stack';
import { secretStatesLocal } from './review/rules/secret-state-local';
import { STACKS_FROZEN_VARIABLE, STACK_RECORD_FILE, StackRecordError, readStackRecord, recordChanges, recordOf, unretiredRemovals, writeStackRecord, type StackRecord } from './stack-record';
import { isProjectStackName, secretStackName } from './stack-names';

/** A synth stopped before writing anything; the message is meant for the person who runs it. */
export class SynthRefusal extends Error {}

/** The security review found errors; nothing was written. */
export class ReviewRefusal extends SynthRefusal {
  constructor(public readonly errors: readonly Finding[]) {
    super(`The security review refused the synth:\n${errors.map((error) => `  - ${formatFinding(error)}`).join('\n')}`);
    this.name = 'ReviewRefusal';
  }
}

/** The synth would drop stacks whose local state still holds resources; nothing was written. */
export class StateRefusal extends SynthRefusal {
  constructor(public readonly problems: readonly string[]) {
    super(
      `Refusing to synthesize: these stacks are no longer configured, but their local state still holds resources that nothing would manage any more (nothing was written):\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    );
    this.name = 'StateRefusal';
  }
}

/**
 * The synth would drop stacks that key-insight.stacks.json records, and whose state the synth cannot
 * read, without their having been retired first; nothing was written.
 */
export class RemovalRefusal extends SynthRefusal {
  constructor(public readonly problems: readonly string[]) {
    super(
      `Refusing to synthesize: ${STACK_RECORD_FILE} records these stacks, which are no longer configured and were not retired first, so their state may still hold resources that nothing would manage any more (nothing was written):\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    );
    this.name = 'RemovalRefusal';
  }
}

/** cdktf's own checks of the constructs failed (an import block needs Terraform on PATH); nothing was written. */
export class ValidationRefusal extends SynthRefusal {
  constructor(public readonly problems: readonly string[]) {
    super(`The synth stopped before writing anything: cdktf's checks failed:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ValidationRefusal';
  }
}

/**
 * A construct added a TerraformAsset, which this app cannot write; nothing was written. cdktf zips an
 * asset folder by running its own module file in a child process; in the synth's bundle that file is the
 * bundle, which zips nothing, so the stack would name a zip that does not exist.
 */
export class AssetRefusal extends SynthRefusal {
  constructor(public readonly assetPaths: readonly string[]) {
    super(
      `TerraformAsset is not supported, but ${assetPaths.join(', ')} ${assetPaths.length === 1 ? 'is one' : 'are'}: ` +
        "the stacks ship no files, and in the synth's bundle (scripts/build-app.cjs) cdktf writes no zip of an asset folder",
    );
    this.name = 'AssetRefusal';
  }
}

/**
 * Runs every construct's validations (cdktf's, such as the Terraform version an import block needs), one
 * line per problem. cdktf runs them itself only while writing, stack by stack, so a failure there would
 * leave some stacks written.
 */
function validationProblems(app: App): string[] {
  return app.node
    .findAll()
    .flatMap((construct) => construct.node.validate().map((message) => `[${construct.node.path}] ${message.replace(/\s+/g, ' ').trim()}`));
}

const LOCAL_STATE_FILE = /^terraform\.(.+)\.tfstate$/;
const ACCOUNT_STACK = /-\d{12}$/;

/** How many resources (not data sources) a state file holds; undefined when it is not a state. */
function managedResources(file: string): number | undefined {
  const text = readFileSync(file, 'utf8');
  // Terraform leaves an empty file behind when it moves a state to another backend.
  if (text.trim() === '') return 0;
  try {
    const state: unknown = JSON.parse(text);
    // Every state Terraform writes is an object with a format version; other JSON may be anything.
    if (typeof state !== 'object' || state === null || typeof (state as { version?: unknown }).version !== 'number') return undefined;
    const resources: unknown = (state as { resources?: unknown }).resources;
    if (resources === undefined) return 0;
    if (!Array.isArray(resources)) return undefined;
    return resources.filter((resource) => resource?.mode === 'managed' && (resource.instances ?? []).length > 0).length;
  } catch {
    return undefined;
  }
}

/**
 * The environment a stack of this project belongs to: the stack itself, or the environment whose
 * client-secret or account stack it is, when that environment is not `synthesized` (so it was removed
 * or renamed as a whole).
 */
function goneEnvironmentOf(stackName: string, synthesized: ReadonlySet<string>): string | undefined {
  const secretSuffix = secretStackName('');
  const owner = stackName.endsWith(secretSuffix) ? stackName.slice(0, -secretSuffix.length) : stackName.replace(ACCOUNT_STACK, '');
  return synthesized.has(owner) ? undefined : owner;
}

/**
 * One line for each local state file (`terraform.<stack>.tfstate` in `stateDir`, where the local backend
 * keeps it) of a stack this project could have made, that the app no longer synthesizes and that still
 * holds resources. Other files, and states holding nothing, are left alone. A state of an environment
 * that is gone while a configured local environment (of `environments`) has no state yet is likely a
 * rename: the line then names `rename-stack` first, for those environments only.
 */
export function orphanedStates(stateDir: string, synthesized: ReadonlySet<string>, environments: readonly string[] = []): string[] {
  let entries: string[];
  try {
    entries = readdirSync(stateDir);
  } catch {
    return [];
  }
  const holdsResources = (stackName: string) => entries.includes(`terraform.${stackName}.tfstate`) && managedResources(join(stateDir, `terraform.${stackName}.tfstate`)) !== 0;
  const withoutState = environments.filter((environment) => !holdsResources(environment));
  return entries.sort().flatMap((entry) => {
    const stackName = LOCAL_STATE_FILE.exec(entry)?.[1];
    if (stackName === undefined || !isProjectStackName(stackName) || synthesized.has(stackName)) return [];
    const count = managedResources(join(stateDir, entry));
    if (count === 0) return [];
    const holds = count === undefined ? 'is not a Terraform state this synth can read, so it may hold resources' : `holds ${count} resource${count === 1 ? '' : 's'}`;
    const destroy = `run \`npx cdktf destroy ${stackName}\` before removing it`;
    const gone = goneEnvironmentOf(stackName, synthesized);
    if (gone !== undefined && withoutState.length > 0) {
      const renames = withoutState.map((environment) => `\`npx key-insight rename-stack ${gone} ${environment}\``).join(' or ');
      return [
        `${stackName}: ${entry} ${holds}; if environment "${gone}" was renamed, run ${renames} first, which moves the states of its stacks to the new names; ` +
          `only to really remove the environment, put it back in the configuration and ${destroy}`,
      ];
    }
    const wayOut = ACCOUNT_STACK.test(stackName) && gone === undefined
      ? `keep its account in stacks[].aws.accounts with "retired": true and deploy the stack, which destroys them, then remove the entry; or put the account back and ${destroy}`
      : `put it back in the configuration and ${destroy}`;
    return [`${stackName}: ${entry} ${holds}; ${wayOut}`];
  });
}

/**
 * Checks the acknowledgements, builds every environment's stacks, reviews them all, checks that no
 * stack left out still has local state holding resources, and, given `options.stackRecordDir`, that no
 * stack of key-insight.stacks.json left out was not retired first, runs the constructs' validations,
 * and only then writes cdktf.out, so that a refused synth leaves the previous output as it was; then
 * copies the project's committed provider lock file, if any, into every stack folder, and writes the
 * record. Give it an App
 * made with `skipValidation: true`, or cdktf runs the validations a second time while writing. `source`
 * names the configuration file in messages. Returns the warnings, also added as annotations (which the
 * cdktf CLI prints).
 */
export function synthesize(app: App, config: KeyInsightConfig, source = DEFAULT_CONFIG_FILE, options: SynthOptions = {}): string[] {
  const acknowledgements = acknowledgementProblems(config);
  if (acknowledgements.length > 0) throw refusal(source, acknowledgements.map((line) => `  - ${line}`));
  addEnvironments(app, config, options);
  const assets = app.node.findAll().filter((construct) => construct instanceof TerraformAsset);
  if (assets.length > 0) throw new AssetRefusal(assets.map((asset) => asset.node.path));
  const findings = reviewApp(app);
  const errors = findings.filter((finding) => finding.level === 'error');
  if (errors.length > 0) throw new ReviewRefusal(errors);
  const synthesized = new Set(app.node.children.filter(TerraformStack.isStack).map((stack) => stack.node.id));
  // Local state lives beside cdktf.out (lib/backend.ts localStatePath): at the project root.
  const projectRoot = dirname(resolve(app.outdir));
  const orphaned = orphanedStates(
    projectRoot,
    synthesized,
    // Only a local environment can be a local state's new name: rename-stack moves a state within its backend.
    config.stacks.filter((stack) => stack.backend.type === 'local').map((stack) => stack.name),
  );
  if (orphaned.length > 0) throw new StateRefusal(orphaned);
  const record = recordOf(
    app.node.children
      .filter((child) => child instanceof KeyInsightStack || child instanceof ClientSecretStack || child instanceof AwsAccountStack)
      .map((stack) => ({ name: stack.node.id, environment: stack.environment.name, backend: stack.environment.backend, retired: stack.retired })),
  );
  if (options.stackRecordDir !== undefined) checkRecord(options.stackRecordDir, record, synthesized, config, options);
  const invalid = validationProblems(app);
  if (invalid.length > 0) throw new ValidationRefusal(invalid);
  // Both synth paths (the cdktf CLI and scripts/app.cjs) keep the folders of the stacks they write, files they did not write included.
  findings.push(...adoptionsDeployed(app, projectRoot), ...overrideFiles(app, resolve(app.outdir)), ...secretStatesLocal(app, projectRoot));
  const warnings = findings.map((warning) => {
    const message = formatFinding(warning);
    Annotations.of(warning.stack).addWarning(message);
    return message;
  });
  app.synth();
  copyLockFile(projectRoot, app.outdir, synthesized);
  if (options.stackRecordDir !== undefined) writeStackRecord(options.stackRecordDir, record);
  return warnings;
}

/**
 * Refuses a synth that drops a recorded stack that was not retired, and, with the record frozen
 * (`KEY_INSIGHT_STACKS_FROZEN=1`, for CI), a synth that would change the record at all.
 */
function checkRecord(projectRoot: string, record: StackRecord, synthesized: ReadonlySet<string>, config: KeyInsightConfig, options: SynthOptions): void {
  let previous: StackRecord | undefined;
  try {
    previous = readStackRecord(projectRoot);
  } catch (error) {
    if (error instanceof StackRecordError) throw new SynthRefusal(error.message);
    throw error;
  }
  if (previous !== undefined) {
    const removals = unretiredRemovals(previous, synthesized, new Set(config.stacks.map((stack) => stack.name)));
    if (removals.length > 0) throw new RemovalRefusal(removals);
  }
  if (options.stacksFrozen && recordChanges(projectRoot, record)) {
    throw new SynthRefusal(
      `${STACK_RECORD_FILE} ${previous === undefined ? 'is missing' : 'does not match the configuration'}, and ${STACKS_FROZEN_VARIABLE}=1 keeps the synth from writing it: ` +
        `run the synth without ${STACKS_FROZEN_VARIABLE} and commit ${STACK_RECORD_FILE} with the configuration; nothing was written`,
    );
  }
}

/**
 * The synth's options from the environment: `KEY_INSIGHT_PLAN_ONLY=1` selects the plan-only synth;
 * unset or empty, the synth whose output may be deployed. Any other value is refused, so that a typo
 * never silently gives a pull-request plan the deploy synth, or a deploy the plan-only one.
 */
export function synthOptionsFromEnvironment(env: NodeJS.ProcessEnv): SynthOptions {
  return { planOnly: planOnlyFromEnvironment(env), stacksFrozen: stacksFrozenFromEnvironment(env) };
}

function planOnlyFromEnvironment(env: NodeJS.ProcessEnv): boolean {
  const value = env[PLAN_ONLY_VARIABLE];
  if (value === undefined || value === '') return false;
  if (value === '1') return true;
  throw new SynthRefusal(
    `${PLAN_ONLY_VARIABLE} is ${JSON.stringify(value)}, but must be "1" (a plan-only synth, for pull-request plans) or unset (a synth that can be deployed); nothing was written`,
  );
}

function stacksFrozenFromEnvironment(env: NodeJS.ProcessEnv): boolean {
  const value = env[STACKS_FROZEN_VARIABLE];
  if (value === undefined || value === '') return false;
  if (value === '1') return true;
  throw new SynthRefusal(
    `${STACKS_FROZEN_VARIABLE} is ${JSON.stringify(value)}, but must be "1" (the synth refuses to change ${STACK_RECORD_FILE}, for CI) or unset (the synth writes it); nothing was written`,
  );
}

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { cloudWorkspaceName, s3StateKey, type BackendConfig } from './backend';
import { accountIdOfStack, localStateFile } from './stack-names';

/**
 * The record of the synthesized stacks, committed at the project root beside the configuration and
 * reviewed in pull requests like a lock file. The synth writes it; it is how a synth without access to
 * the state (s3, cloud) knows which stacks the configuration had, so that none disappears before a
 * deploy has destroyed what it holds.
 */
export const STACK_RECORD_FILE = 'key-insight.stacks.json';

/** Set to 1 (in CI), the synth refuses to change the record instead of writing it. */
export const STACKS_FROZEN_VARIABLE = 'KEY_INSIGHT_STACKS_FROZEN';

const NOTE =
  'Written by the synth (npx cdktf synth, npm run synth): every stack of the configuration and where its state lives. ' +
  'Commit it with the configuration. A stack with s3 or cloud state leaves it only after a synth that retired it (docs/many-accounts.md).';

const BACKEND_KINDS = ['local', 's3', 'cloud'] as const;

const recordedStackSchema = z.strictObject({
  environment: z.string(),
  backend: z.enum(BACKEND_KINDS),
  state: z.string(),
  retired: z.literal(true).optional(),
});

const recordSchema = z.strictObject({
  '//': z.string().optional(),
  stacks: z.record(z.string(), recordedStackSchema),
});

export type RecordedStack = z.output<typeof recordedStackSchema>;
export type StackRecord = Readonly<Record<string, RecordedStack>>;

/** A synthesized stack, as the record keeps it. */
export interface StackEntry {
  readonly name: string;
  readonly environment: string;
  readonly backend: BackendConfig;
  /** Whether the stack is synthesized without resources, so that its next deploy destroys them. */
  readonly retired: boolean;
}

/** The key-insight.stacks.json of a project is not one the synth can read; nothing was written. */
export class StackRecordError extends Error {}

/** Where a stack's state lives, in one line: the local file, the S3 object, or the HCP Terraform workspace. */
export function stateLocation(stackName: string, backend: BackendConfig): string {
  switch (backend.type) {
    case 'local':
      return localStateFile(stackName);
    case 's3':
      return `s3://${backend.bucket}/${s3StateKey(backend.keyPrefix, stackName)}`;
    case 'cloud':
      return `${backend.hostname}/${backend.organization}/workspaces/${cloudWorkspaceName(backend.workspacePrefix, stackName)}`;
  }
}

/** The record of these stacks, by name in sorted order, as the synth writes it. */
export function recordOf(stacks: readonly StackEntry[]): StackRecord {
  const sorted = [...stacks].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return Object.fromEntries(
    sorted.map((stack) => [
      stack.name,
      {
        environment: stack.environment,
        backend: stack.backend.type,
        state: stateLocation(stack.name, stack.backend),
        ...(stack.retired ? { retired: true as const } : {}),
      },
    ]),
  );
}

function recordText(record: StackRecord): string {
  return `${JSON.stringify({ '//': NOTE, stacks: record }, null, 2)}\n`;
}

/** The project's record, or undefined before the first synth wrote one. */
export function readStackRecord(projectRoot: string): StackRecord | undefined {
  const path = join(projectRoot, STACK_RECORD_FILE);
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new StackRecordError(`${path} is not JSON (${(error as Error).message}); restore it from version control, nothing was written`);
  }
  const result = recordSchema.safeParse(parsed);
  if (!result.success) {
    throw new StackRecordError(`${path} is not a record of stacks the synth writes; restore it from version control, nothing was written`);
  }
  return result.data.stacks;
}

/** Whether writing `record` would change the project's file. */
export function recordChanges(projectRoot: string, record: StackRecord): boolean {
  const path = join(projectRoot, STACK_RECORD_FILE);
  return !existsSync(path) || readFileSync(path, 'utf8') !== recordText(record);
}

/** Writes the record when it changed, through a temporary file, so that a reader never sees half of it. */
export function writeStackRecord(projectRoot: string, record: StackRecord): void {
  if (!recordChanges(projectRoot, record)) return;
  const path = join(projectRoot, STACK_RECORD_FILE);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, recordText(record));
  renameSync(temporary, path);
}

/**
 * One line for each environment, or account of a configured environment, whose recorded stacks are no
 * longer synthesized although they were not retired in the record: their state may still hold resources
 * that nothing would manage any more. Stacks with local state are left to the check of the state files
 * themselves (lib/synthesize.ts orphanedStates), which sees what they hold.
 */
export function unretiredRemovals(previous: StackRecord, synthesized: ReadonlySet<string>, environments: ReadonlySet<string>): string[] {
  const gone = Object.entries(previous).filter(([name, stack]) => !synthesized.has(name) && stack.backend !== 'local' && stack.retired !== true);
  const lines: string[] = [];
  const byEnvironment = new Map<string, Array<[string, RecordedStack]>>();
  for (const [name, stack] of gone) {
    const accountId = accountIdOfStack(stack.environment, name);
    if (environments.has(stack.environment) && accountId !== undefined) {
      lines.push(
        `${name} (${stack.backend} state ${stack.state}): retire it first: set "retired": true on account ${accountId} in stacks[].aws.accounts of environment "${stack.environment}", ` +
          `synthesize and deploy ${name} (npx cdktf deploy ${name}), which destroys its resources, then remove the account`,
      );
    } else {
      byEnvironment.set(stack.environment, [...(byEnvironment.get(stack.environment) ?? []), [name, stack]]);
    }
  }
  for (const [environment, stacks] of byEnvironment) {
    const names = stacks.map(([name]) => name);
    const states = stacks.map(([, stack]) => `${stack.backend} state ${stack.state}`);
    lines.push(
      `${names.join(', ')} (${states.join(', ')}): retire environment "${environment}" first: put it back with "retired": true (stacks[].retired), ` +
        `synthesize and deploy its stacks (npx cdktf deploy ${names.join(' ')}), which destroys their resources, then remove it; ` +
        `if it was renamed instead, move its states with \`npx key-insight rename-stack ${environment} <new name>\`, then delete these stacks from ${STACK_RECORD_FILE}`,
    );
  }
  return lines.sort();
}

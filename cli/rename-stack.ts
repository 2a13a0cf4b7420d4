import { existsSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { configPath, type StackConfig } from '../lib/config';
import { loadCommandConfig } from './load-config';
import { accountStackName, defaultRoleName, localStateFile, renamedStackName, secretStackName, stackSetName } from '../lib/stack-names';
import type { RenameStackOptions } from './args';
import { awsEndpointProblem, describeAwsError } from './aws-errors';
import { EXIT_CODES } from './exit-codes';
import type { Streams } from './main';
import { UsageError } from './usage-error';

/** What Terraform's s3 backend names a state's lock file with `use_lockfile` (Terraform 1.10+): `<key>.tflock`. */
const S3_LOCK_SUFFIX = '.tflock';
const STATE_SUFFIX = '.tfstate';

/** One state to move, and how it is named in messages. */
interface Move {
  readonly fromStack: string;
  readonly toStack: string;
}

/** The move cannot go ahead, or stopped: exit code 1, with what was and was not moved. */
class RenameFailure extends Error {}

/**
 * `key-insight rename-stack OLD NEW`: moves the state of environment OLD and of its client-secret and
 * account stacks to the names of NEW, the environment's name in the configuration now, for the local and
 * s3 backends; for the cloud backend it names the workspaces to rename, `<env>-secret`'s among them. Everything is checked before anything moves: every target is free and no state is locked.
 */
export async function renameStackCommand(options: RenameStackOptions, print: Streams, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<number> {
  const { from, to } = options;
  const path = configPath(env, cwd);
  const config = loadCommandConfig(path);
  const index = config.stacks.findIndex((stack) => stack.name === to);
  if (index < 0) {
    throw new UsageError(`stack "${to}" is not in ${path}: rename the environment there first (stacks[].name "${from}" to "${to}"), then run rename-stack`);
  }
  if (config.stacks.some((stack) => stack.name === from)) {
    throw new UsageError(`stack "${from}" is still in ${path}: rename-stack moves the state of an environment that was renamed; rename it there first`);
  }
  const stack = config.stacks[index]!;
  try {
    switch (stack.backend.type) {
      case 'local':
        moveLocalStates(cwd, from, to, print);
        break;
      case 's3':
        await moveS3States(stack.backend, from, to, print, env);
        break;
      case 'cloud':
        print.stderr(cloudProcedure(stack, from, to));
        return EXIT_CODES.failed;
    }
  } catch (error) {
    if (!(error instanceof RenameFailure)) throw error;
    print.stderr(`key-insight: rename-stack: ${error.message}\n`);
    return EXIT_CODES.failed;
  }
  print.stdout(followUp(stack, index, from, to));
  return EXIT_CODES.ok;
}

/** Where Terraform's local backend writes the lock information of a state it has locked. */
function localLockInfo(stateFile: string): string {
  return `.${stateFile}.lock.info`;
}

function moveLocalStates(dir: string, from: string, to: string, print: Streams): void {
  // The parts of a state file's name around the stack's name.
  const [before, after] = localStateFile('\n').split('\n') as [string, string];
  const moves = statesOf(readdirSync(dir), from, to, (entry) => (entry.startsWith(before) && entry.endsWith(after) ? entry.slice(before.length, -after.length) : undefined));
  if (moves.length === 0) {
    throw new RenameFailure(`no local state of environment "${from}" in ${dir}: looked for ${localStateFile(from)}, ${localStateFile(secretStackName(from))} and ${localStateFile(accountStackName(from, '<account ID>'))}; nothing was moved`);
  }
  const problems: string[] = [];
  for (const move of moves) {
    const source = localStateFile(move.fromStack);
    const target = localStateFile(move.toStack);
    if (existsSync(join(dir, target))) problems.push(`${target} already exists`);
    for (const file of [source, target]) {
      if (existsSync(join(dir, localLockInfo(file)))) problems.push(`${file} is locked by a Terraform run (${localLockInfo(file)} exists)`);
    }
  }
  if (problems.length > 0) throw new RenameFailure(`refusing to move any state of "${from}" (nothing was moved): ${problems.join('; ')}`);
  for (const move of moves) {
    const source = localStateFile(move.fromStack);
    const target = localStateFile(move.toStack);
    renameSync(join(dir, source), join(dir, target));
    print.stdout(`moved ${source} to ${target}\n`);
    // Terraform's backup of the state before its last change moves along, so that it stays with its state.
    if (existsSync(join(dir, `${source}.backup`)) && !existsSync(join(dir, `${target}.backup`))) {
      renameSync(join(dir, `${source}.backup`), join(dir, `${target}.backup`));
      print.stdout(`moved ${source}.backup to ${target}.backup\n`);
    }
  }
}

/** The moves for every stack name (`stackOf` reads it from an entry) that belongs to environment `from`. */
function statesOf(entries: readonly string[], from: string, to: string, stackOf: (entry: string) => string | undefined): Move[] {
  return entries
    .map(stackOf)
    .filter((stackName): stackName is string => stackName !== undefined)
    .sort()
    .flatMap((fromStack) => {
      const toStack = renamedStackName(fromStack, from, to);
      return toStack === undefined ? [] : [{ fromStack, toStack }];
    });
}

type S3Backend = Extract<StackConfig['backend'], { type: 's3' }>;

/**
 * Copies each state object to its new key, reads the copy back and compares it, then deletes the old
 * object. Both keys are locked the way Terraform's `use_lockfile` locks them while a state moves, and
 * nothing moves while any of them is locked or a target exists.
 */
async function moveS3States(backend: S3Backend, from: string, to: string, print: Streams, env: NodeJS.ProcessEnv): Promise<void> {
  const endpointProblem = awsEndpointProblem('S3', 'S3', env);
  if (endpointProblem !== undefined) throw new UsageError(endpointProblem);
  const s3 = await import('@aws-sdk/client-s3');
  const client: S3Client = new s3.S3Client({ region: backend.region, maxAttempts: 2 });
  const keyOf = (stackName: string) => `${backend.keyPrefix}/${stackName}${STATE_SUFFIX}`;
  const url = (key: string) => `s3://${backend.bucket}/${key}`;
  const call = async <T>(what: string, action: () => Promise<T>): Promise<T> => {
    try {
      return await action();
    } catch (error) {
      if (error instanceof RenameFailure) throw error;
      throw new RenameFailure(`cannot ${what}: ${describeAwsError(error)}`);
    }
  };
  const exists = (key: string) =>
    call(`read ${url(key)}`, async () => {
      try {
        await client.send(new s3.HeadObjectCommand({ Bucket: backend.bucket, Key: key }));
        return true;
      } catch (error) {
        if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
        throw error;
      }
    });

  try {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await call(`list ${url(`${backend.keyPrefix}/${from}`)}*`, () =>
        client.send(new s3.ListObjectsV2Command({ Bucket: backend.bucket, Prefix: `${backend.keyPrefix}/${from}`, ...(token === undefined ? {} : { ContinuationToken: token }) })),
      );
      for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    const prefix = `${backend.keyPrefix}/`;
    const moves = statesOf(keys, from, to, (key) => (key.startsWith(prefix) && key.endsWith(STATE_SUFFIX) ? key.slice(prefix.length, -STATE_SUFFIX.length) : undefined));
    if (moves.length === 0) {
      throw new RenameFailure(
        `no state of environment "${from}" in ${url(prefix)}: looked for ${keyOf(from)}, ${keyOf(secretStackName(from))} and ${keyOf(accountStackName(from, '<account ID>'))}; nothing was moved`,
      );
    }

    const problems: string[] = [];
    for (const move of moves) {
      const [source, target] = [keyOf(move.fromStack), keyOf(move.toStack)];
      if (await exists(target)) problems.push(`${url(target)} already exists`);
      for (const key of [source, target]) if (await exists(`${key}${S3_LOCK_SUFFIX}`)) problems.push(`${url(key)} is locked (${url(`${key}${S3_LOCK_SUFFIX}`)} exists)`);
    }
    if (problems.length > 0) throw new RenameFailure(`refusing to move any state of "${from}" (nothing was moved): ${problems.join('; ')}`);

    const lockInfo = (key: string) =>
      JSON.stringify({ ID: `rename-stack-${process.pid}-${Date.now()}`, Operation: 'rename-stack', Info: `npx key-insight rename-stack ${from} ${to}`, Who: 'key-insight', Version: '', Created: new Date().toISOString(), Path: `${backend.bucket}/${key}` });
    for (const move of moves) {
      const [source, target] = [keyOf(move.fromStack), keyOf(move.toStack)];
      const locks: string[] = [];
      const unlock = async () => {
        for (const lock of locks.splice(0)) await client.send(new s3.DeleteObjectCommand({ Bucket: backend.bucket, Key: lock })).catch(() => undefined);
      };
      try {
        for (const key of [source, target]) {
          const lock = `${key}${S3_LOCK_SUFFIX}`;
          // IfNoneMatch makes taking the lock fail when someone else has just taken it, as Terraform's own lock does.
          await call(`lock ${url(key)} (${url(lock)} may have just been written by a Terraform run)`, () =>
            client.send(new s3.PutObjectCommand({ Bucket: backend.bucket, Key: lock, Body: lockInfo(key), IfNoneMatch: '*', ContentType: 'application/json' })),
          );
          locks.push(lock);
        }
        const read = async (key: string) => {
          const object = await call(`read ${url(key)}`, () => client.send(new s3.GetObjectCommand({ Bucket: backend.bucket, Key: key })));
          return Buffer.from((await object.Body?.transformToByteArray()) ?? []);
        };
        const state = await read(source);
        await call(`write ${url(target)}`, () =>
          client.send(
            new s3.PutObjectCommand({
              Bucket: backend.bucket,
              Key: target,
              Body: state,
              IfNoneMatch: '*',
              ContentType: 'application/json',
              ...(backend.kmsKeyId === undefined ? { ServerSideEncryption: 'AES256' } : { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: backend.kmsKeyId }),
            }),
          ),
        );
        if (!(await read(target)).equals(state)) {
          throw new RenameFailure(`the copy ${url(target)} differs from ${url(source)} once written; ${url(source)} was kept, delete the copy before trying again`);
        }
        await call(`delete ${url(source)} (its copy ${url(target)} is complete: delete ${url(source)} yourself)`, () =>
          client.send(new s3.DeleteObjectCommand({ Bucket: backend.bucket, Key: source })),
        );
      } finally {
        await unlock();
      }
      print.stdout(`moved ${url(source)} to ${url(target)} (copied, compared, deleted)\n`);
    }
  } finally {
    client.destroy();
  }
}

/** HCP Terraform keeps one workspace per stack: renaming them keeps their state, variables and runs. */
function cloudProcedure(stack: StackConfig, from: string, to: string): string {
  const backend = stack.backend as Extract<StackConfig['backend'], { type: 'cloud' }>;
  const names = [to, secretStackName(to), ...(stack.aws.accounts ?? []).map((account) => accountStackName(to, account.accountId))];
  const renames = names.map((name) => `${backend.workspacePrefix}${renamedStackName(name, to, from)} to ${backend.workspacePrefix}${name}`);
  return (
    `key-insight: rename-stack: stack "${to}" keeps its state in HCP Terraform (backend "cloud", organization "${backend.organization}"), where each stack's state belongs to its workspace; ` +
    `rename the workspaces in HCP Terraform (the workspace's Settings > General > Name) before the next deploy: ${renames.join(', ')}. Nothing was moved.\n`
  );
}

/** What the rename does not carry over by itself: names made from the environment's name. */
function followUp(stack: StackConfig, index: number, from: string, to: string): string {
  const lines = [''];
  if (stack.aws.role.name === undefined) {
    lines.push(
      `The role's default name follows the environment's: the next deploy would replace role "${defaultRoleName(from)}" with "${defaultRoleName(to)}", and Key Insight would need the new role ARN. ` +
        `To keep the role, set stacks[${index}].aws.role.name to "${defaultRoleName(from)}".`,
    );
  }
  if (stack.aws.organization !== undefined) {
    lines.push(`The StackSet's name follows the environment's: the next deploy replaces StackSet "${stackSetName(from)}" with "${stackSetName(to)}" in every member account.`);
  }
  lines.push(`Next: \`npx cdktf diff ${to}\` (and each moved stack) should show no change; then deploy as usual.`, '');
  return lines.join('\n');
}

import { OUTPUT_NAMES } from '../lib/outputs';
import { preview } from '../lib/preview';
import { FileRefusal, readRegularFile, type FileProblem } from '../lib/regular-file';
import { accountIdOfStack, secretStackName } from '../lib/stack-names';
import { shortSecretProblem } from './redactor';
import { UsageError } from './usage-error';

export { OUTPUT_NAMES };

/** Outputs every environment stack writes (the client secret aside: it is sensitive, see below). */
const ENVIRONMENT_OUTPUTS = [
  OUTPUT_NAMES.clientId,
  OUTPUT_NAMES.metadataUri,
  OUTPUT_NAMES.issuer,
  OUTPUT_NAMES.tokenEndpoint,
  OUTPUT_NAMES.audience,
  OUTPUT_NAMES.scopes,
] as const;

/** The cdktf flag without which `--outputs-file` leaves sensitive outputs (the client secret) out. */
export const INCLUDE_SENSITIVE_FLAG = '--outputs-file-include-sensitive-outputs';

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/\S+$/;

export interface AwsRole {
  readonly accountId: string;
  readonly roleArn: string;
  /** The stack whose `aws_role_arn` output this is. */
  readonly stackName: string;
}

/** Everything Key Insight needs, and everything `verify` checks, for one environment stack. */
export interface KeyInsightSetup {
  readonly outputsFile: string;
  readonly stackName: string;
  readonly clientId: string;
  /** @default - absent when the file was written without the include-sensitive flag */
  readonly clientSecret?: string;
  /**
   * The stack whose `client_secret` output holds the secret: the environment's `<stack>-secret` (or the
   * environment stack, in a file written when that stack had the output).
   */
  readonly clientSecretStack: string;
  readonly metadataUri: string;
  readonly issuer: string;
  readonly tokenEndpoint: string;
  readonly audience: string;
  readonly scopes: readonly string[];
  /** One per AWS account, the environment stack's own first, then account stacks by account ID. */
  readonly awsRoles: readonly AwsRole[];
}

type Outputs = Readonly<Record<string, unknown>>;

/**
 * The largest outputs file read: an environment's stacks write a few hundred bytes each, so fifty
 * environments of a thousand accounts each fit in far less.
 */
export const OUTPUTS_FILE_MAX_BYTES = 16 * 1024 * 1024;

/** Reads and parses the outputs file, like the configuration file (a regular file, up to a size); any problem is a UsageError naming the file. */
export function readOutputsFile(path: string): unknown {
  let text: string;
  try {
    text = readRegularFile(path, OUTPUTS_FILE_MAX_BYTES);
  } catch (error) {
    if (!(error instanceof FileRefusal)) throw error;
    throw new UsageError(refusedOutputsFile(path, error.problem));
  }
  try {
    return JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the fault, which may be the client secret.
    throw new UsageError(`outputs file ${path} is not valid JSON: cdktf writes it whole, so it was cut short or edited; write it again with cdktf`);
  }
}

function refusedOutputsFile(path: string, problem: FileProblem): string {
  const nameTheFile = 'name the file `cdktf deploy|output --outputs-file` wrote with --outputs-file';
  switch (problem.kind) {
    case 'missing':
      return `outputs file ${path} does not exist: write it with \`npx cdktf deploy <stack> <stack>-secret --outputs-file ${path} ${INCLUDE_SENSITIVE_FLAG}\` (or \`cdktf output\` with the same stacks for a deployed one; name its <stack>-<account ID> stacks too when it has AWS accounts), or name another file with --outputs-file`;
    case 'folder':
      return `outputs file ${path} is a folder, not a file: ${nameTheFile}`;
    case 'not-regular':
      return `outputs file ${path} is ${problem.what}, not a regular file: ${nameTheFile}`;
    case 'too-large':
      return `outputs file ${path} is larger than ${OUTPUTS_FILE_MAX_BYTES} bytes (16 MiB), the most an outputs file may be: ${nameTheFile}`;
    case 'unreadable':
      return `cannot read outputs file ${path}: ${problem.code ?? problem.reason}`;
  }
}

export function loadSetup(outputsFile: string, stack?: string): KeyInsightSetup {
  return selectSetup(readOutputsFile(outputsFile), outputsFile, stack);
}

/** The environment stacks of a parsed outputs file: those with a client_id output, in the file's order. */
export function environmentStackNames(file: unknown): string[] {
  if (!isRecord(file)) return [];
  return Object.entries(file).filter(([, outputs]) => isRecord(outputs) && OUTPUT_NAMES.clientId in outputs).map(([name]) => name);
}

/** Picks the environment stack from a parsed outputs file and gathers its AWS roles. */
export function selectSetup(file: unknown, outputsFile: string, stack?: string): KeyInsightSetup {
  if (!isRecord(file)) {
    throw new UsageError(`outputs file ${outputsFile} must hold a JSON object {"<stack>": {"<output>": value}}, but holds ${describeJsonType(file)}`);
  }
  const stacks = new Map(Object.entries(file).filter((entry): entry is [string, Outputs] => isRecord(entry[1])));
  const environmentStacks = [...stacks.keys()].filter((name) => OUTPUT_NAMES.clientId in (stacks.get(name) ?? {}));
  const stackName = pickEnvironmentStack(environmentStacks, [...stacks.keys()], outputsFile, stack);
  const outputs = stacks.get(stackName) ?? {};
  const missing = ENVIRONMENT_OUTPUTS.filter((name) => !(name in outputs));
  if (missing.length > 0) {
    throw new UsageError(
      `stack "${stackName}" in ${outputsFile} has no ${missing.join(', ')} output${missing.length > 1 ? 's' : ''}; the stack writes ${ENVIRONMENT_OUTPUTS.join(', ')}: write its outputs again with cdktf`,
    );
  }
  const read = (name: string) => requireString(outputs[name], name, stackName);
  const clientSecretStack = secretHolder(stacks, stackName);
  const clientSecret = stacks.get(clientSecretStack)?.[OUTPUT_NAMES.clientSecret];
  if (clientSecret !== undefined && (typeof clientSecret !== 'string' || clientSecret === '')) {
    throw new UsageError(`stack "${clientSecretStack}" output ${OUTPUT_NAMES.clientSecret} must be a non-empty string (value not shown)`);
  }
  const shortSecret = clientSecret === undefined ? undefined : shortSecretProblem(clientSecret, `stack "${clientSecretStack}" output ${OUTPUT_NAMES.clientSecret}`);
  if (shortSecret !== undefined) throw new UsageError(`${shortSecret}: write the outputs again with cdktf`);
  return {
    outputsFile,
    stackName,
    clientId: read(OUTPUT_NAMES.clientId),
    ...(clientSecret === undefined ? {} : { clientSecret }),
    clientSecretStack,
    metadataUri: read(OUTPUT_NAMES.metadataUri),
    issuer: read(OUTPUT_NAMES.issuer),
    tokenEndpoint: read(OUTPUT_NAMES.tokenEndpoint),
    audience: read(OUTPUT_NAMES.audience),
    scopes: requireScopes(outputs[OUTPUT_NAMES.scopes], stackName),
    awsRoles: awsRoles(stacks, stackName),
  };
}

/**
 * Which stack holds the client secret: the environment's `<stack>-secret`, or the environment stack when
 * it has the output itself (a file written before every environment had a secret stack).
 */
function secretHolder(stacks: ReadonlyMap<string, Outputs>, stackName: string): string {
  return OUTPUT_NAMES.clientSecret in (stacks.get(stackName) ?? {}) ? stackName : secretStackName(stackName);
}

function pickEnvironmentStack(environmentStacks: string[], allStacks: string[], outputsFile: string, requested?: string): string {
  const listed = (names: string[]) => (names.length > 0 ? names.join(', ') : 'none');
  if (requested !== undefined) {
    if (environmentStacks.includes(requested)) return requested;
    if (allStacks.includes(requested)) {
      throw new UsageError(
        `stack "${requested}" in ${outputsFile} has no ${OUTPUT_NAMES.clientId} output, so it does not hold the Okta app; stacks that do: ${listed(environmentStacks)}`,
      );
    }
    throw new UsageError(`stack "${requested}" is not in ${outputsFile}; stacks with a ${OUTPUT_NAMES.clientId} output: ${listed(environmentStacks)}`);
  }
  const [only, ...others] = environmentStacks;
  if (only === undefined) {
    throw new UsageError(
      `no stack in ${outputsFile} has a ${OUTPUT_NAMES.clientId} output (stacks in the file: ${listed(allStacks)}): write the outputs of the stack that holds the Okta app`,
    );
  }
  if (others.length > 0) {
    throw new UsageError(`${outputsFile} holds several stacks with a ${OUTPUT_NAMES.clientId} output: pick one with --stack (${environmentStacks.join(', ')})`);
  }
  return only;
}

function awsRoles(stacks: ReadonlyMap<string, Outputs>, stackName: string): AwsRole[] {
  const roles: AwsRole[] = [];
  const own = stacks.get(stackName)?.[OUTPUT_NAMES.awsRoleArn];
  if (own !== undefined) {
    const roleArn = requireRoleArn(own, stackName);
    roles.push({ accountId: ROLE_ARN.exec(roleArn)?.[1] ?? '', roleArn, stackName });
  }
  const accountStacks = [...stacks.entries()]
    .map(([name, outputs]) => ({ name, outputs, accountId: accountIdOfStack(stackName, name) }))
    .filter((entry): entry is { name: string; outputs: Outputs; accountId: string } => entry.accountId !== undefined)
    .filter((entry) => !(OUTPUT_NAMES.clientId in entry.outputs))
    // A retired account's stack has no outputs: its role is gone, or goes with its next deploy.
    .filter((entry) => Object.keys(entry.outputs).length > 0)
    .sort((a, b) => a.accountId.localeCompare(b.accountId));
  for (const { name, outputs, accountId } of accountStacks) {
    if (!(OUTPUT_NAMES.awsRoleArn in outputs)) {
      throw new UsageError(`account stack "${name}" has no ${OUTPUT_NAMES.awsRoleArn} output: write the outputs of all the environment's stacks into the file, account stacks included`);
    }
    roles.push({ accountId, roleArn: requireRoleArn(outputs[OUTPUT_NAMES.awsRoleArn], name), stackName: name });
  }
  return roles;
}

function requireString(value: unknown, name: string, stackName: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new UsageError(`stack "${stackName}" output ${name} must be a non-empty string, but is ${preview(value)}`);
  }
  return value;
}

function requireScopes(value: unknown, stackName: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((scope) => typeof scope === 'string' && /^\S+$/.test(scope))) {
    throw new UsageError(`stack "${stackName}" output ${OUTPUT_NAMES.scopes} must be a non-empty list of scope names without spaces, but is ${preview(value)}`);
  }
  return value;
}

function requireRoleArn(value: unknown, stackName: string): string {
  if (typeof value !== 'string' || !ROLE_ARN.test(value)) {
    throw new UsageError(`stack "${stackName}" output ${OUTPUT_NAMES.awsRoleArn} must be an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>), but is ${preview(value)}`);
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeJsonType(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

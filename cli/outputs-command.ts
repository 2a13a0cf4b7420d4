import { ROTATED_CLIENT_SECRET_OUTPUT } from '../lib/client-secret-mode';
import { accountOfArn } from '../lib/config/arn';
import { accountStackName } from '../lib/stack-names';
import type { OutputsOptions, StackSelection } from './args';
import { nextStep } from './next-step';
import { INCLUDE_SENSITIVE_FLAG, OUTPUT_NAMES, type AwsRole, type KeyInsightSetup } from './stack-outputs';
import { UsageError } from './usage-error';

/** Shown instead of the client secret; a fixed width, so it says nothing about the secret's length. */
export const SECRET_MASK = '********';

export interface RenderedOutput {
  readonly stdout: string;
  /** Notes for a human, kept off stdout in the machine-readable formats. */
  readonly stderr: string;
}

/** `rotated`: the stack keeps no secret (clientSecret: "rotated"); its output only says where to get one. */
type SecretStatus = 'shown' | 'hidden' | 'missing' | 'rotated';

/** How to get a secret into the outputs file when the stack keeps none. */
const ROTATED_ADVICE = 'the stack keeps no client secret (clientSecret: "rotated"): `npx key-insight rotate-secret start` creates one and writes it into';

function secretStatusOf(setup: KeyInsightSetup, showSecret: boolean): SecretStatus {
  if (setup.clientSecret === undefined) return 'missing';
  if (setup.clientSecret === ROTATED_CLIENT_SECRET_OUTPUT) return 'rotated';
  return showSecret ? 'shown' : 'hidden';
}

/**
 * The client secret the outputs file holds, for the commands that request tokens with it; a UsageError
 * saying how to get one into the file when it holds none.
 */
export function requireClientSecret(setup: KeyInsightSetup): string {
  switch (secretStatusOf(setup, true)) {
    case 'missing':
      throw new UsageError(
        `stack "${setup.clientSecretStack}" in ${setup.outputsFile} has no ${OUTPUT_NAMES.clientSecret}: the file was written without sensitive outputs; run: ${includeSensitiveCommand(setup)}`,
      );
    case 'rotated':
      throw new UsageError(`stack "${setup.clientSecretStack}" in ${setup.outputsFile} has no usable ${OUTPUT_NAMES.clientSecret}: ${ROTATED_ADVICE} ${setup.outputsFile}`);
    default:
      return setup.clientSecret as string;
  }
}

export function renderOutputs(setup: KeyInsightSetup, options: Pick<OutputsOptions, 'format' | 'showSecret' | 'outputsFile' | 'stack'>): RenderedOutput {
  const secretStatus = secretStatusOf(setup, options.showSecret);
  const warnings = foreignRoles(setup).map((role) => foreignRoleWarning(setup, role)).join('');
  switch (options.format) {
    case 'table':
      return { stdout: renderTable(setup, secretStatus, options), stderr: warnings };
    case 'json':
      return { stdout: renderJson(setup, secretStatus), stderr: `${secretNote(setup, secretStatus)}${warnings}` };
    case 'env':
      return { stdout: renderEnv(setup, secretStatus), stderr: `${secretNote(setup, secretStatus)}${warnings}` };
  }
}

/**
 * The roles of account stacks that are in another account than the stack's: the stack makes its role in
 * its own account (its provider allows no other), so the file was edited or mixed up.
 */
function foreignRoles(setup: KeyInsightSetup): AwsRole[] {
  return setup.awsRoles.filter((role) => accountOfArn(role.roleArn) !== role.accountId);
}

function foreignRoleWarning(setup: KeyInsightSetup, role: AwsRole): string {
  return `key-insight: warning: account stack "${role.stackName}" in ${setup.outputsFile} gives the role ${role.roleArn}, of account ${accountOfArn(role.roleArn)}, not of account ${role.accountId}: the stack makes its role in its own account, so the file was edited or mixed up; write it again with cdktf before giving the role to Key Insight\n`;
}

/** What names an environment's stacks in the outputs file. */
export type EnvironmentStacks = Pick<KeyInsightSetup, 'stackName' | 'outputsFile' | 'clientSecretStack' | 'awsRoles'>;

/**
 * The command that rewrites the outputs file with the client secret in it. cdktf replaces the whole
 * file, so it names every stack of the environment the file holds: with AWS accounts, the secret's
 * stack and the account stacks too.
 */
export function includeSensitiveCommand(setup: EnvironmentStacks): string {
  const stacks = new Set([setup.stackName, setup.clientSecretStack, ...setup.awsRoles.map((role) => role.stackName)]);
  return `npx cdktf output ${[...stacks].join(' ')} --outputs-file ${setup.outputsFile} ${INCLUDE_SENSITIVE_FLAG}`;
}

function renderTable(setup: KeyInsightSetup, secretStatus: SecretStatus, selection: StackSelection): string {
  const secret = {
    shown: setup.clientSecret ?? '',
    hidden: `${SECRET_MASK} (hidden; add --show-secret to print it)`,
    missing: `not in ${setup.outputsFile}, which was written without sensitive outputs; run: ${includeSensitiveCommand(setup)}`,
    rotated: `not kept by Terraform: ${ROTATED_ADVICE} ${setup.outputsFile}`,
  }[secretStatus];
  const idpRows: Array<[string, string]> = [
    ['Client ID', setup.clientId],
    ['Client Secret', secret],
    ['Well-known URL', setup.metadataUri],
    ['Scopes', setup.scopes.join(' ')],
  ];
  const roleRows: Array<[string, string]> =
    setup.awsRoles.length > 0
      ? setup.awsRoles.map((role) => [`account ${role.accountId}`, foreignRoles(setup).includes(role) ? `${role.roleArn}  (of account ${accountOfArn(role.roleArn)}: see the warning)` : role.roleArn])
      : [['none', `no ${OUTPUT_NAMES.awsRoleArn} output in stack "${setup.stackName}" or in stacks named ${accountStackName(setup.stackName, '<account ID>')}`]];
  return [
    `Key Insight settings from stack "${setup.stackName}" (${setup.outputsFile})`,
    '',
    'Key Insight > Authentication > IdP configuration (Client Credentials flow):',
    ...alignedRows(idpRows),
    '',
    `Key Insight > AWS connection > role ARN to assume (${setup.awsRoles.length === 1 ? 'one account' : `${setup.awsRoles.length} accounts`}):`,
    ...alignedRows(roleRows),
    '',
    `Check the token flow first: ${nextStep('verify', selection)}`,
    '',
  ].join('\n');
}

function alignedRows(rows: ReadonlyArray<[string, string]>): string[] {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
}

function renderJson(setup: KeyInsightSetup, secretStatus: SecretStatus): string {
  const report = {
    stack: setup.stackName,
    clientId: setup.clientId,
    clientSecret: secretStatus === 'shown' ? setup.clientSecret : null,
    clientSecretStatus: secretStatus,
    wellKnownUrl: setup.metadataUri,
    scopes: setup.scopes,
    issuer: setup.issuer,
    tokenEndpoint: setup.tokenEndpoint,
    audience: setup.audience,
    awsRoles: setup.awsRoles.map((role) => ({ accountId: role.accountId, roleArn: role.roleArn, stack: role.stackName })),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

function renderEnv(setup: KeyInsightSetup, secretStatus: SecretStatus): string {
  const variables: Array<[string, string]> = [
    ['KEY_INSIGHT_STACK', setup.stackName],
    ['KEY_INSIGHT_CLIENT_ID', setup.clientId],
    ...(secretStatus === 'shown' ? [['KEY_INSIGHT_CLIENT_SECRET', setup.clientSecret ?? ''] as [string, string]] : []),
    ['KEY_INSIGHT_WELL_KNOWN_URL', setup.metadataUri],
    ['KEY_INSIGHT_SCOPES', setup.scopes.join(' ')],
    ['KEY_INSIGHT_AWS_ROLE_ARNS', setup.awsRoles.map((role) => role.roleArn).join(' ')],
  ];
  return variables.map(([name, value]) => `${name}=${shellQuote(value)}\n`).join('');
}

function secretNote(setup: KeyInsightSetup, secretStatus: SecretStatus): string {
  switch (secretStatus) {
    case 'shown':
      return '';
    case 'hidden':
      return 'The client secret is left out; add --show-secret to include it.\n';
    case 'missing':
      return `The client secret is not in ${setup.outputsFile}, which was written without sensitive outputs; run: ${includeSensitiveCommand(setup)}\n`;
    case 'rotated':
      return `The client secret is left out: ${ROTATED_ADVICE} ${setup.outputsFile}.\n`;
  }
}

/** Single-quotes a value for POSIX shells; a single quote inside becomes '\''. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

import { accountStackName } from '../lib/stack-names';
import type { OutputsOptions } from './args';
import { INCLUDE_SENSITIVE_FLAG, OUTPUT_NAMES, type KeyInsightSetup } from './stack-outputs';

/** Shown instead of the client secret; a fixed width, so it says nothing about the secret's length. */
export const SECRET_MASK = '********';

export interface RenderedOutput {
  readonly stdout: string;
  /** Notes for a human, kept off stdout in the machine-readable formats. */
  readonly stderr: string;
}

type SecretStatus = 'shown' | 'hidden' | 'missing';

export function renderOutputs(setup: KeyInsightSetup, options: Pick<OutputsOptions, 'format' | 'showSecret'>): RenderedOutput {
  const secretStatus: SecretStatus = setup.clientSecret === undefined ? 'missing' : options.showSecret ? 'shown' : 'hidden';
  switch (options.format) {
    case 'table':
      return { stdout: renderTable(setup, secretStatus), stderr: '' };
    case 'json':
      return { stdout: renderJson(setup, secretStatus), stderr: secretNote(setup, secretStatus) };
    case 'env':
      return { stdout: renderEnv(setup, secretStatus), stderr: secretNote(setup, secretStatus) };
  }
}

/** The command that rewrites the outputs file with the client secret in it. */
export function includeSensitiveCommand(setup: Pick<KeyInsightSetup, 'stackName' | 'outputsFile'>): string {
  return `npx cdktf output ${setup.stackName} --outputs-file ${setup.outputsFile} ${INCLUDE_SENSITIVE_FLAG}`;
}

function renderTable(setup: KeyInsightSetup, secretStatus: SecretStatus): string {
  const secret = {
    shown: setup.clientSecret ?? '',
    hidden: `${SECRET_MASK} (hidden; add --show-secret to print it)`,
    missing: `not in ${setup.outputsFile}, which was written without sensitive outputs; run: ${includeSensitiveCommand(setup)}`,
  }[secretStatus];
  const idpRows: Array<[string, string]> = [
    ['Client ID', setup.clientId],
    ['Client Secret', secret],
    ['Well-known URL', setup.metadataUri],
    ['Scopes', setup.scopes.join(' ')],
  ];
  const roleRows: Array<[string, string]> =
    setup.awsRoles.length > 0
      ? setup.awsRoles.map((role) => [`account ${role.accountId}`, role.roleArn])
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
    'Check the token flow first: npx key-insight verify',
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
  }
}

/** Single-quotes a value for POSIX shells; a single quote inside becomes '\''. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

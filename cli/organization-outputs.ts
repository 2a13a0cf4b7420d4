/**
 * What `key-insight outputs` adds for an organization environment: the member role's name and ARN
 * pattern, which role fits which Key Insight scope, and with --accounts the member accounts' role
 * ARNs as AWS Organizations lists them.
 */
import type { OutputsOptions } from './args';
import { EXIT_CODES } from './exit-codes';
import { shellQuote, type RenderedOutput } from './outputs-command';
import { listMemberAccounts, OrganizationsError, type OrganizationAccounts } from './organization-accounts';
import { OUTPUT_NAMES, readOutputsFile, type KeyInsightSetup } from './stack-outputs';
import { nextStep } from './next-step';
import { UsageError } from './usage-error';
import { preview } from '../lib/preview';

export interface OrganizationTargets {
  readonly stackSetName: string;
  readonly memberRoleName: string;
  readonly organizationalUnitIds: readonly string[];
  /**
   * The role in the deploying (management or delegated administrator) account.
   * @default - absent when the environment stack has no aws_role_arn output (`managementRole: false`)
   */
  readonly managementRoleArn?: string;
  /** `arn:<partition>:iam::<account id>:role/<member role name>`. */
  readonly memberRoleArnPattern: string;
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const TARGET = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;
const PARTITION_OF_ARN = /^arn:(aws[a-z-]*):iam::\d{12}:role\//;
const MEMBER_ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::<account id>:role\/[\w+=,.@-]{1,64}$/;

/** The organization outputs of the environment stack, the management role being optional. */
export function readOrganizationTargets(setup: KeyInsightSetup): OrganizationTargets | undefined {
  const file = readOutputsFile(setup.outputsFile) as Record<string, Record<string, unknown>>;
  const outputs = file[setup.stackName] ?? {};
  if (!(OUTPUT_NAMES.awsStackSetName in outputs)) return undefined;
  const problem = (name: string, allowed: string) =>
    new UsageError(`stack "${setup.stackName}" output ${name} must be ${allowed}, but is ${preview(outputs[name])}: write its outputs again with cdktf`);
  const stackSetName = outputs[OUTPUT_NAMES.awsStackSetName];
  if (typeof stackSetName !== 'string' || stackSetName === '') throw problem(OUTPUT_NAMES.awsStackSetName, 'a StackSet name');
  const memberRoleName = outputs[OUTPUT_NAMES.awsMemberRoleName];
  if (typeof memberRoleName !== 'string' || !ROLE_NAME.test(memberRoleName)) throw problem(OUTPUT_NAMES.awsMemberRoleName, 'an IAM role name');
  const units = outputs[OUTPUT_NAMES.awsOrganizationalUnitIds];
  if (!Array.isArray(units) || units.length === 0 || !units.every((unit) => typeof unit === 'string' && TARGET.test(unit))) {
    throw problem(OUTPUT_NAMES.awsOrganizationalUnitIds, 'a list of organizational unit IDs or root IDs');
  }
  const managementRole = setup.awsRoles.find((role) => role.stackName === setup.stackName);
  const pattern = outputs[OUTPUT_NAMES.awsMemberRoleArnPattern];
  if (pattern !== undefined && (typeof pattern !== 'string' || !MEMBER_ROLE_ARN_PATTERN.test(pattern))) {
    throw problem(OUTPUT_NAMES.awsMemberRoleArnPattern, 'an IAM role ARN with <account id> in place of the account');
  }
  // Outputs written before the stack had the pattern output name the partition in the management role's ARN.
  if (pattern === undefined && managementRole === undefined) {
    throw new UsageError(`stack "${setup.stackName}" has an ${OUTPUT_NAMES.awsStackSetName} output but no ${OUTPUT_NAMES.awsMemberRoleArnPattern}: write its outputs again with cdktf`);
  }
  const partition = (managementRole && PARTITION_OF_ARN.exec(managementRole.roleArn)?.[1]) ?? 'aws';
  return {
    stackSetName,
    memberRoleName,
    organizationalUnitIds: units,
    ...(managementRole === undefined ? {} : { managementRoleArn: managementRole.roleArn }),
    memberRoleArnPattern: typeof pattern === 'string' ? pattern : `arn:${partition}:iam::<account id>:role/${memberRoleName}`,
  };
}

export function memberRoleArn(organization: Pick<OrganizationTargets, 'memberRoleArnPattern'>, accountId: string): string {
  return organization.memberRoleArnPattern.replace('<account id>', accountId);
}

export interface OrganizationOutput extends RenderedOutput {
  readonly exitCode: number;
}

/**
 * Adds the organization's part to what `outputs` printed. Without an organization it changes nothing,
 * and refuses --accounts.
 */
export async function withOrganization(
  rendered: RenderedOutput,
  setup: KeyInsightSetup,
  options: Pick<OutputsOptions, 'format' | 'accounts' | 'outputsFile' | 'stack'>,
): Promise<OrganizationOutput> {
  const organization = readOrganizationTargets(setup);
  if (organization === undefined) {
    if (options.accounts) {
      throw new UsageError(
        `--accounts lists the member accounts of an organization environment, but stack "${setup.stackName}" has no ${OUTPUT_NAMES.awsStackSetName} output (no stacks[].aws.organization)`,
      );
    }
    return { ...rendered, exitCode: EXIT_CODES.ok };
  }
  let accounts: OrganizationAccounts | undefined;
  if (options.accounts) {
    try {
      accounts = await listMemberAccounts(organization.organizationalUnitIds);
    } catch (error) {
      if (!(error instanceof OrganizationsError)) throw error;
      return {
        stdout: rendered.stdout,
        stderr: `${rendered.stderr}key-insight: could not list the organization's member accounts: ${error.message}\n`,
        exitCode: EXIT_CODES.failed,
      };
    }
  }
  switch (options.format) {
    case 'table':
      return { stdout: `${rendered.stdout}${organizationTable(organization, options, accounts)}`, stderr: rendered.stderr, exitCode: EXIT_CODES.ok };
    case 'json': {
      const report = { ...JSON.parse(rendered.stdout), organization: organizationJson(organization, accounts) };
      return { stdout: `${JSON.stringify(report, null, 2)}\n`, stderr: rendered.stderr, exitCode: EXIT_CODES.ok };
    }
    case 'env':
      return { stdout: `${rendered.stdout}${organizationEnv(organization, accounts)}`, stderr: rendered.stderr, exitCode: EXIT_CODES.ok };
  }
}

function organizationTable(organization: OrganizationTargets, selection: Pick<OutputsOptions, 'outputsFile' | 'stack'>, accounts?: OrganizationAccounts): string {
  const lines = [
    `AWS Organization: StackSet "${organization.stackSetName}" creates the role "${organization.memberRoleName}" in every account of ${organization.organizationalUnitIds.join(', ')}`,
    ...(organization.managementRoleArn === undefined
      ? ['  Key Insight scope "organization": none; the account that deployed the stack has no role for Key Insight (stacks[].aws.organization.managementRole is false)']
      : [
          `  Key Insight scope "organization" (one AWS connection):  ${organization.managementRoleArn}`,
          '    the role of the account that deployed the stack (management or delegated administrator), which may also list the organization\'s accounts (not verified against Key Insight)',
        ]),
    `  Key Insight scope "account" (one AWS connection per member account):  ${organization.memberRoleArnPattern}`,
  ];
  if (accounts === undefined) {
    lines.push(`  List the member accounts' role ARNs: ${nextStep('outputs --accounts', selection)} (asks AWS Organizations with your AWS credentials)`);
  } else {
    lines.push(
      '',
      `Member accounts from AWS Organizations (${accounts.members.length === 1 ? 'one account' : `${accounts.members.length} accounts`}; the management account ${accounts.managementAccountId} is left out, StackSets do not deploy there):`,
    );
    const width = Math.max(0, ...accounts.members.map((account) => account.name.length));
    for (const account of accounts.members) {
      const status = account.status === 'ACTIVE' ? '' : `  (${account.status}: the StackSet does not deploy to it)`;
      lines.push(`  account ${account.accountId}  ${account.name.padEnd(width)}  ${memberRoleArn(organization, account.accountId)}${status}`);
    }
  }
  return `\n${lines.join('\n')}\n`;
}

function organizationJson(organization: OrganizationTargets, accounts?: OrganizationAccounts) {
  return {
    stackSetName: organization.stackSetName,
    organizationalUnitIds: organization.organizationalUnitIds,
    managementRoleArn: organization.managementRoleArn ?? null,
    memberRoleName: organization.memberRoleName,
    memberRoleArnPattern: organization.memberRoleArnPattern,
    keyInsightScopes: { organization: organization.managementRoleArn ?? null, account: organization.memberRoleArnPattern },
    ...(accounts === undefined
      ? {}
      : {
          managementAccountId: accounts.managementAccountId,
          memberAccounts: accounts.members.map((account) => ({ ...account, roleArn: memberRoleArn(organization, account.accountId) })),
        }),
  };
}

function organizationEnv(organization: OrganizationTargets, accounts?: OrganizationAccounts): string {
  const variables: Array<[string, string]> = [
    ['KEY_INSIGHT_STACK_SET_NAME', organization.stackSetName],
    ['KEY_INSIGHT_MEMBER_ROLE_NAME', organization.memberRoleName],
    ['KEY_INSIGHT_MEMBER_ROLE_ARN_PATTERN', organization.memberRoleArnPattern],
    ...(accounts === undefined
      ? []
      : [['KEY_INSIGHT_MEMBER_ROLE_ARNS', accounts.members.map((account) => memberRoleArn(organization, account.accountId)).join(' ')] as [string, string]]),
  ];
  return variables.map(([name, value]) => `${name}=${shellQuote(value)}\n`).join('');
}

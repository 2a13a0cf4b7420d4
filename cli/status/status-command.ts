import type { StatusOptions } from '../args';
import { configurationDrift } from '../configuration-drift';
import { EXIT_CODES } from '../exit-codes';
import type { Streams } from '../main';
import { listMemberAccounts, OrganizationsError } from '../organization-accounts';
import { memberRoleArn, readOrganizationTargets, type OrganizationTargets } from '../organization-outputs';
import { shortSecretProblem, type Redactor } from '../redactor';
import { environmentStackNames, OUTPUT_NAMES, readOutputsFile, selectSetup, type KeyInsightSetup } from '../stack-outputs';
import { UsageError } from '../usage-error';
import { TransportError } from '../verify/http';
import { accountStatuses, latestCompletedScan, organizationConnection, type AccountStatus, type DeployedAccount, type KeyInsightRecords } from './account-status';
import { ArmorClient, ArmorError, ARMOR_ENV, armorBaseUrl } from './armor-api';
import { renderEnvironmentsJson, renderStatusJson, renderStatusTable } from './status-report';

/**
 * `key-insight status`: asks Key Insight (through the Fortanix Armor API) which connection uses each
 * deployed account's role, and how its latest scans went: of the `--stack` environment, or without it of
 * every environment of the outputs file. Exit 0 when no account has a problem, 1
 * when one has or a call failed, 2 for usage problems.
 */
export async function statusCommand(options: StatusOptions, redactor: Redactor, print: Streams, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // Before anything else, so that no message of any later step can show the key.
  const apiKey = env[ARMOR_ENV.apiKey] ?? '';
  redactor.addSecret(apiKey);
  const appId = env[ARMOR_ENV.appId] ?? '';
  const missing = [appId === '' ? ARMOR_ENV.appId : undefined, apiKey === '' ? ARMOR_ENV.apiKey : undefined].filter((name) => name !== undefined);
  if (missing.length > 0) {
    throw new UsageError(
      `status reads Key Insight's connections and scans through the Fortanix Armor API: set ${missing.join(' and ')} to the app ID and API key of a Fortanix Armor app that may read them`,
    );
  }
  const shortKey = shortSecretProblem(apiKey, ARMOR_ENV.apiKey);
  if (shortKey !== undefined) throw new UsageError(`${shortKey}: set it to the API key of a Fortanix Armor app`);
  const baseUrl = armorUrl(env[ARMOR_ENV.url]);
  const file = readOutputsFile(options.outputsFile);
  // Without --stack, every environment of the file: the drift job checks all that are deployed.
  const environments = options.stack === undefined ? environmentStackNames(file) : [];
  const setups = (environments.length > 1 ? environments : [options.stack]).map((stack) => selectSetup(file, options.outputsFile, stack));
  for (const setup of setups) if (setup.clientSecret !== undefined) redactor.addSecret(setup.clientSecret);
  const client = new ArmorClient({ baseUrl, appId, apiKey }, options.timeoutMs, redactor);
  // Every environment is looked up before anything is printed, so that a failure leaves no half report.
  const reports: Array<{ setup: KeyInsightSetup; statuses: AccountStatus[] }> = [];
  for (const setup of setups) {
    const statuses = await environmentStatuses(setup, client, options, print, env);
    if (statuses === 'failed') return EXIT_CODES.failed;
    reports.push({ setup, statuses });
  }
  const heading = (setup: KeyInsightSetup) => ({ stackName: setup.stackName, outputsFile: setup.outputsFile, baseUrl, maxScanAgeHours: options.maxScanAgeHours });
  const withProblems = reports.filter((report) => report.statuses.some((status) => status.problems.length > 0)).map((report) => report.setup.stackName);
  if (reports.length === 1) {
    const [{ setup, statuses }] = reports as [(typeof reports)[number]];
    print.stdout(options.json ? renderStatusJson(statuses) : renderStatusTable(statuses, heading(setup)));
  } else if (options.json) {
    print.stdout(renderEnvironmentsJson(reports.map((report) => ({ stackName: report.setup.stackName, statuses: report.statuses }))));
  } else {
    const summary = `${reports.length} environments in ${options.outputsFile}: ${withProblems.length === 0 ? 'all fine' : `problems in ${withProblems.join(', ')}`}.\n`;
    print.stdout(`${reports.map((report) => renderStatusTable(report.statuses, heading(report.setup))).join('\n')}\n${summary}`);
  }
  return withProblems.length > 0 ? EXIT_CODES.failed : EXIT_CODES.ok;
}

/** What Key Insight does with each account of one environment; 'failed' when a call failed (and was printed). */
async function environmentStatuses(
  setup: KeyInsightSetup,
  client: ArmorClient,
  options: StatusOptions,
  print: Streams,
  env: NodeJS.ProcessEnv,
): Promise<AccountStatus[] | 'failed'> {
  // An account configured but missing from the file would otherwise go unchecked without a word.
  const drift = configurationDrift(setup.outputsFile, setup.stackName, env);
  if (drift !== '') print.stderr(drift);
  const organization = readOrganizationTargets(setup);

  let accounts: DeployedAccount[];
  if (organization === undefined) {
    if (setup.awsRoles.length === 0) {
      throw new UsageError(`stack "${setup.stackName}" in ${setup.outputsFile} has no ${OUTPUT_NAMES.awsRoleArn} output and no account stacks: nothing to look for in Key Insight`);
    }
    accounts = setup.awsRoles.map((role) => ({ accountId: role.accountId, roleArn: role.roleArn, kind: 'account' }));
  } else {
    const members = await memberAccounts(organization, print);
    if (members === 'failed') return 'failed';
    const management = setup.awsRoles.find((role) => role.stackName === setup.stackName);
    accounts = [...(management === undefined ? [] : [{ accountId: management.accountId, roleArn: management.roleArn, kind: 'management' as const }]), ...members];
    if (accounts.length === 0) {
      throw new UsageError(
        `stack "${setup.stackName}" has no role in the management account (no ${OUTPUT_NAMES.awsRoleArn} output) and no active member account was listed: nothing to look for in Key Insight; give AWS credentials that may list the organization`,
      );
    }
  }

  let records: KeyInsightRecords;
  try {
    records = await readRecords(client, accounts);
  } catch (error) {
    if (!(error instanceof ArmorError || error instanceof TransportError)) throw error;
    print.stderr(`key-insight: status: ${error.message}\n`);
    return 'failed';
  }
  return accountStatuses(accounts, records, {
    now: new Date(),
    maxScanAgeHours: options.maxScanAgeHours,
    outputsCommand: outputsCommandFor(setup, options),
    ...(organization === undefined ? {} : { stackSetName: organization.stackSetName }),
  });
}

function armorUrl(value: string | undefined): string {
  try {
    return armorBaseUrl(value === '' ? undefined : value);
  } catch (error) {
    if (error instanceof TransportError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * The organization's active member accounts as `outputs --accounts` lists them; without AWS
 * credentials none, with a note. Other failures are printed and end the run.
 */
async function memberAccounts(organization: OrganizationTargets, print: Streams): Promise<DeployedAccount[] | 'failed'> {
  try {
    const listed = await listMemberAccounts(organization.organizationalUnitIds);
    return listed.members
      .filter((member) => member.status === 'ACTIVE')
      .map((member) => ({ accountId: member.accountId, roleArn: memberRoleArn(organization, member.accountId), kind: 'member' }));
  } catch (error) {
    if (!(error instanceof OrganizationsError)) throw error;
    if (error.noCredentials) {
      print.stderr(
        "key-insight: status: no AWS credentials, so the organization's member accounts are not checked (give credentials that may list the organization, as for `npx key-insight outputs --accounts`)\n",
      );
      return [];
    }
    print.stderr(`key-insight: status: could not list the organization's member accounts: ${error.message}\n`);
    return 'failed';
  }
}

/** Connections, scans, and for an organization connection the accounts its latest completed scan covered. */
async function readRecords(client: ArmorClient, accounts: readonly DeployedAccount[]): Promise<KeyInsightRecords> {
  const connections = await client.connections();
  const scans = await client.scans();
  const scannedAccounts = new Map<string, ReadonlySet<string>>();
  const organization = organizationConnection(accounts, connections);
  const completed = organization === undefined ? undefined : latestCompletedScan(scans, organization.id);
  if (completed !== undefined && accounts.some((account) => account.kind === 'member')) {
    scannedAccounts.set(completed.id, new Set(await client.scannedAwsAccounts(completed.id)));
  }
  return { connections, scans, scannedAccounts };
}

function outputsCommandFor(setup: KeyInsightSetup, options: StatusOptions): string {
  return `npx key-insight outputs --outputs-file ${options.outputsFile} --stack ${setup.stackName}`;
}

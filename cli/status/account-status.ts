/**
 * What Key Insight's own records say about each deployed account: the connection that uses the
 * account's role, its credentials and scope, its latest scan, and the problems found, each with what
 * to do about it in Key Insight.
 */
import type { ArmorConnection, ArmorScan } from './armor-api';

/** One account the environment deployed a role to. */
export interface DeployedAccount {
  readonly accountId: string;
  readonly roleArn: string;
  /**
   * `account`: a single or listed account (Key Insight scope "account"); `management`: an
   * organization's management role (scope "organization"); `member`: an organization's member account,
   * scanned through its own connection (scope "account") or the organization's.
   */
  readonly kind: 'account' | 'management' | 'member';
}

export interface Problem {
  /** What is wrong, in one sentence. */
  readonly problem: string;
  /** What to do in Key Insight (or AWS) about it. */
  readonly action: string;
}

export interface ConnectionSummary {
  readonly id: string;
  readonly name: string;
  readonly credentials: string;
  readonly scope: ArmorConnection['scope'];
}

export interface ScanSummary {
  readonly id: string;
  readonly status: string;
  readonly endedAt: string | null;
  readonly errors: readonly string[];
}

export interface AccountStatus {
  readonly accountId: string;
  readonly roleArn: string;
  readonly kind: DeployedAccount['kind'];
  readonly connection: ConnectionSummary | null;
  readonly lastScan: ScanSummary | null;
  readonly problems: readonly Problem[];
  /** Other connections that use the same role (Key Insight then scans the account more than once). */
  readonly otherConnections: readonly ConnectionSummary[];
  /** For a member account covered by the organization's connection rather than its own. */
  readonly viaOrganization: boolean;
}

export interface KeyInsightRecords {
  readonly connections: readonly ArmorConnection[];
  readonly scans: readonly ArmorScan[];
  /** The accounts each scan covered, for the scans that were asked about. */
  readonly scannedAccounts: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface StatusContext {
  readonly now: Date;
  readonly maxScanAgeHours: number;
  /** The command that prints the IdP configuration Key Insight's connections should use. */
  readonly outputsCommand: string;
  /** For member accounts: where the StackSet that creates their role is. */
  readonly stackSetName?: string;
}

const IDP_ADVICE = (context: StatusContext) => `OpenID Connect credentials, with the IdP configuration that \`${context.outputsCommand}\` prints`;

/** The connections whose role ARN is this role (IAM role names are unique regardless of case). */
export function connectionsOfRole(connections: readonly ArmorConnection[], roleArn: string): ArmorConnection[] {
  return connections.filter((connection) => connection.roleArn?.toLowerCase() === roleArn.toLowerCase());
}

/** The scans of a connection, newest first. */
export function scansOf(scans: readonly ArmorScan[], connectionId: string): ArmorScan[] {
  return scans.filter((scan) => scan.connectionId === connectionId).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

export function latestCompletedScan(scans: readonly ArmorScan[], connectionId: string): ArmorScan | undefined {
  return scansOf(scans, connectionId).find((scan) => scan.status === 'completed');
}

/** The organization connection that uses the management role, when there is one with scope organization. */
export function organizationConnection(accounts: readonly DeployedAccount[], connections: readonly ArmorConnection[]): ArmorConnection | undefined {
  const management = accounts.find((account) => account.kind === 'management');
  if (management === undefined) return undefined;
  return connectionsOfRole(connections, management.roleArn).find((connection) => connection.scope.type === 'organization');
}

export function accountStatuses(accounts: readonly DeployedAccount[], records: KeyInsightRecords, context: StatusContext): AccountStatus[] {
  const organization = organizationConnection(accounts, records.connections);
  return accounts.map((account) => {
    const own = connectionsOfRole(records.connections, account.roleArn);
    if (own.length === 0 && account.kind === 'member' && organization !== undefined) {
      return memberThroughOrganization(account, organization, records, context);
    }
    if (own.length === 0) {
      return {
        ...identity(account),
        connection: null,
        lastScan: null,
        problems: [noConnection(account, context)],
        otherConnections: [],
        viaOrganization: false,
      };
    }
    const evaluated = own
      .map((connection) => ({ connection, problems: connectionProblems(account, connection, records.scans, context) }))
      // The connection with the fewest problems stands for the account; on a tie, the one scanned last.
      .sort((a, b) => a.problems.length - b.problems.length || lastScanTime(records.scans, b.connection) - lastScanTime(records.scans, a.connection));
    const [chosen, ...others] = evaluated as [(typeof evaluated)[number], ...typeof evaluated];
    return {
      ...identity(account),
      connection: summary(chosen.connection),
      lastScan: scanSummary(scansOf(records.scans, chosen.connection.id)[0]),
      problems: chosen.problems,
      otherConnections: others.map((other) => summary(other.connection)),
      viaOrganization: false,
    };
  });
}

function identity(account: DeployedAccount) {
  return { accountId: account.accountId, roleArn: account.roleArn, kind: account.kind };
}

function memberThroughOrganization(account: DeployedAccount, organization: ArmorConnection, records: KeyInsightRecords, context: StatusContext): AccountStatus {
  const latest = scansOf(records.scans, organization.id)[0];
  const completed = latestCompletedScan(records.scans, organization.id);
  const problems: Problem[] = [];
  if (completed !== undefined) {
    const covered = records.scannedAccounts.get(completed.id);
    if (covered !== undefined && !covered.has(account.accountId)) {
      const where = context.stackSetName === undefined ? 'the member role' : `the StackSet "${context.stackSetName}"`;
      problems.push({
        problem: `not among the accounts that the latest completed scan (${completed.id}) of organization connection "${organization.name}" covered`,
        action: `check that ${where} reached account ${account.accountId} (AWS CloudFormation > StackSets > stack instances) and that the role ${account.roleArn} exists, then scan connection "${organization.name}" again in Key Insight`,
      });
    }
  }
  problems.push(...scanAgeProblems(organization, latest, completed, context));
  return {
    ...identity(account),
    connection: summary(organization),
    lastScan: scanSummary(latest),
    problems,
    otherConnections: [],
    viaOrganization: true,
  };
}

function noConnection(account: DeployedAccount, context: StatusContext): Problem {
  const scope = account.kind === 'management' ? 'scope Organization' : `scope Account ${account.accountId}`;
  const organizationNote = account.kind === 'member' ? ', and no organization connection uses the management role' : '';
  return {
    problem: `no Key Insight connection uses the role ${account.roleArn}${organizationNote}`,
    action: `in Key Insight, add an AWS connection with role ARN ${account.roleArn}, ${scope}, and ${IDP_ADVICE(context)}`,
  };
}

function connectionProblems(account: DeployedAccount, connection: ArmorConnection, scans: readonly ArmorScan[], context: StatusContext): Problem[] {
  const problems: Problem[] = [];
  if (connection.credentials !== 'open_id_connect') {
    problems.push({
      problem:
        connection.credentials === 'access_and_secret_key'
          ? `connection "${connection.name}" signs in with an AWS access key, not the Okta trust`
          : `connection "${connection.name}" uses credentials of type ${connection.credentials}, not the Okta trust`,
      action: `in Key Insight, edit connection "${connection.name}" to use ${IDP_ADVICE(context)}; then deactivate the access key in AWS IAM`,
    });
  }
  const scopeProblem = wrongScope(account, connection);
  if (scopeProblem !== undefined) problems.push(scopeProblem);
  const ofConnection = scansOf(scans, connection.id);
  problems.push(...scanAgeProblems(connection, ofConnection[0], ofConnection.find((scan) => scan.status === 'completed'), context));
  return problems;
}

function wrongScope(account: DeployedAccount, connection: ArmorConnection): Problem | undefined {
  const { scope } = connection;
  const described = scope.type === 'account' && 'accountId' in scope ? `account ${scope.accountId ?? '(no account ID)'}` : scope.type;
  if (account.kind === 'management') {
    if (scope.type === 'organization') return undefined;
    return {
      problem: `connection "${connection.name}" has scope ${described}, but ${account.roleArn} is the organization's management role`,
      action: `in Key Insight, edit connection "${connection.name}": set its scope to Organization`,
    };
  }
  if (scope.type === 'account' && 'accountId' in scope && scope.accountId === account.accountId) return undefined;
  return {
    problem: `connection "${connection.name}" has scope ${described}, but the role ${account.roleArn} is account ${account.accountId}'s`,
    action: `in Key Insight, edit connection "${connection.name}": set its scope to Account ${account.accountId}`,
  };
}

function scanAgeProblems(connection: ArmorConnection, latest: ArmorScan | undefined, completed: ArmorScan | undefined, context: StatusContext): Problem[] {
  const problems: Problem[] = [];
  if (latest?.status === 'failed') {
    const errors = latest.errors.length > 0 ? `: ${latest.errors.join('; ')}` : '';
    problems.push({
      problem: `the latest scan (${latest.id}) of connection "${connection.name}" failed${errors}`,
      action: `in Key Insight, open that scan of connection "${connection.name}" for its errors; check the role's trust with \`npx key-insight verify --assume-role\`, then scan again`,
    });
  }
  const limit = context.maxScanAgeHours;
  const ended = completed?.endedAt ?? completed?.createdAt;
  if (completed === undefined || ended === undefined) {
    problems.push({
      problem: `connection "${connection.name}" has no completed scan`,
      action: `in Key Insight, scan connection "${connection.name}", or give it a schedule`,
    });
  } else if (context.now.getTime() - ended.getTime() > limit * 3_600_000) {
    problems.push({
      problem: `the latest completed scan of connection "${connection.name}" ended ${formatTime(ended)}, more than ${limit} hours ago`,
      action: `in Key Insight, scan connection "${connection.name}" again, or check its schedule`,
    });
  }
  return problems;
}

function lastScanTime(scans: readonly ArmorScan[], connection: ArmorConnection): number {
  return scansOf(scans, connection.id)[0]?.createdAt.getTime() ?? 0;
}

function summary(connection: ArmorConnection): ConnectionSummary {
  return { id: connection.id, name: connection.name, credentials: connection.credentials, scope: connection.scope };
}

function scanSummary(scan: ArmorScan | undefined): ScanSummary | null {
  if (scan === undefined) return null;
  return { id: scan.id, status: scan.status, endedAt: scan.endedAt === undefined ? null : scan.endedAt.toISOString().replace('.000Z', 'Z'), errors: scan.errors };
}

/** `2026-11-30 08:00 UTC`. */
export function formatTime(time: Date): string {
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

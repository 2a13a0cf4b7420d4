import type { ArmorScope } from './armor-api';
import type { AccountStatus, ConnectionSummary } from './account-status';

export interface StatusHeading {
  readonly stackName: string;
  readonly outputsFile: string;
  readonly baseUrl: string;
  readonly maxScanAgeHours: number;
}

/** `{"accounts":[{accountId, roleArn, connection, lastScan, problems}]}` and nothing else. */
export function renderStatusJson(statuses: readonly AccountStatus[]): string {
  return `${JSON.stringify({ accounts: accountsJson(statuses) }, null, 2)}\n`;
}

/** For several environments: `{"environments":[{stack, accounts}]}`, each `accounts` as above. */
export function renderEnvironmentsJson(environments: ReadonlyArray<{ readonly stackName: string; readonly statuses: readonly AccountStatus[] }>): string {
  const report = environments.map((environment) => ({ stack: environment.stackName, accounts: accountsJson(environment.statuses) }));
  return `${JSON.stringify({ environments: report }, null, 2)}\n`;
}

function accountsJson(statuses: readonly AccountStatus[]) {
  return statuses.map((status) => ({
    accountId: status.accountId,
    roleArn: status.roleArn,
    connection: status.connection === null ? null : { id: status.connection.id, name: status.connection.name, credentials: status.connection.credentials, scope: status.connection.scope },
    lastScan: status.lastScan,
    problems: status.problems.map((problem) => problem.problem),
  }));
}

/** One line per account, the accounts with problems last, then each problem with what to do. */
export function renderStatusTable(statuses: readonly AccountStatus[], heading: StatusHeading): string {
  const ordered = [...statuses.filter((status) => status.problems.length === 0), ...statuses.filter((status) => status.problems.length > 0)];
  const rows = ordered.map((status) => [
    status.problems.length === 0 ? 'ok' : 'PROBLEM',
    status.accountId,
    kindLabel(status),
    status.connection === null ? 'no connection' : `"${status.connection.name}"${status.viaOrganization ? ' (organization)' : ''}`,
    status.connection === null ? '' : credentialsLabel(status.connection),
    status.connection === null ? '' : scopeLabel(status.connection.scope),
    scanLabel(status),
  ]);
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]!.length))) ?? [];
  const lines = [
    `Key Insight's view of stack "${heading.stackName}" (${heading.outputsFile}), from ${heading.baseUrl}; a completed scan must have ended within ${heading.maxScanAgeHours} hours`,
    '',
    ...rows.map((row) => `  ${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')}`.trimEnd()),
  ];
  const withProblems = ordered.filter((status) => status.problems.length > 0);
  for (const status of ordered) {
    if (status.otherConnections.length > 0) {
      lines.push('', `Note: account ${status.accountId}'s role is also used by ${status.otherConnections.map((other) => `"${other.name}" (${other.id})`).join(', ')}: Key Insight scans it more than once`);
    }
  }
  if (withProblems.length > 0) {
    lines.push('', 'Problems, and what to do:');
    for (const status of withProblems) {
      lines.push(`  account ${status.accountId} (${status.roleArn})`);
      for (const problem of status.problems) lines.push(`    - ${problem.problem}`, `      do: ${problem.action}`);
    }
  }
  const count = (n: number) => (n === 1 ? 'one account' : `${n} accounts`);
  lines.push(
    '',
    withProblems.length === 0 ? `All ${count(statuses.length)} fine.` : `${withProblems.length} of ${count(statuses.length)} with problems.`,
    '',
  );
  return lines.join('\n');
}

function kindLabel(status: AccountStatus): string {
  return { account: 'account', management: 'management', member: 'member' }[status.kind];
}

function credentialsLabel(connection: ConnectionSummary): string {
  if (connection.credentials === 'open_id_connect') return 'OpenID Connect';
  if (connection.credentials === 'access_and_secret_key') return 'ACCESS KEY';
  return connection.credentials;
}

function scopeLabel(scope: ArmorScope): string {
  if (scope.type === 'account' && 'accountId' in scope) return `scope account ${scope.accountId ?? '(none)'}`;
  return `scope ${scope.type}`;
}

function scanLabel(status: AccountStatus): string {
  const scan = status.lastScan;
  if (scan === null) return status.connection === null ? '' : 'never scanned';
  const ended = scan.endedAt === null ? '' : ` ${scan.endedAt.slice(0, 16).replace('T', ' ')} UTC`;
  return `latest scan ${scan.status}${ended}`;
}

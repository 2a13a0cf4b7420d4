/**
 * The member accounts of an organization environment, asked of AWS Organizations with the caller's
 * credentials: every account under the StackSet's targets, units nested in them included (StackSets
 * deploy to nested units too), the management account left out (service-managed StackSets never
 * deploy there). The SDK honours AWS_ENDPOINT_URL_ORGANIZATIONS; that endpoint is held to the same
 * https-or-loopback rule as the others, since the requests carry the caller's session token.
 */
import { awsEndpointProblem, describeAwsError } from './aws-errors';

export interface MemberAccount {
  readonly accountId: string;
  readonly name: string;
  /** ACTIVE, SUSPENDED, PENDING_CLOSURE, ... as Organizations reports it. */
  readonly status: string;
}

export interface OrganizationAccounts {
  readonly managementAccountId: string;
  /** Sorted by account ID, each once even when several targets hold it. */
  readonly members: readonly MemberAccount[];
}

/** Organizations' API answers in us-east-1 for the commercial partition whatever the region. */
const FALLBACK_REGION = 'us-east-1';

/** Listing or calling AWS Organizations failed; the message says what to check. */
export class OrganizationsError extends Error {
  constructor(
    message: string,
    /** The SDK found no AWS credentials at all (as opposed to credentials that were refused). */
    public readonly noCredentials = false,
  ) {
    super(message);
    this.name = 'OrganizationsError';
  }
}

export async function listMemberAccounts(targets: readonly string[]): Promise<OrganizationAccounts> {
  const endpointProblem = awsEndpointProblem('ORGANIZATIONS', 'AWS Organizations');
  if (endpointProblem !== undefined) throw new OrganizationsError(endpointProblem);
  const {
    OrganizationsClient,
    DescribeOrganizationCommand,
    paginateListAccountsForParent,
    paginateListOrganizationalUnitsForParent,
  } = await import('@aws-sdk/client-organizations');
  const client = new OrganizationsClient({ region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? FALLBACK_REGION, maxAttempts: 2 });
  try {
    const organization = await client.send(new DescribeOrganizationCommand({}));
    const managementAccountId = organization.Organization?.MasterAccountId ?? '';
    const members = new Map<string, MemberAccount>();
    const visited = new Set<string>();
    const pending = [...targets];
    while (pending.length > 0) {
      const parent = pending.shift()!;
      if (visited.has(parent)) continue;
      visited.add(parent);
      for await (const page of paginateListAccountsForParent({ client }, { ParentId: parent })) {
        for (const account of page.Accounts ?? []) {
          if (account.Id === undefined || account.Id === managementAccountId) continue;
          members.set(account.Id, { accountId: account.Id, name: account.Name ?? '', status: String(account.State ?? account.Status ?? 'unknown') });
        }
      }
      for await (const page of paginateListOrganizationalUnitsForParent({ client }, { ParentId: parent })) {
        for (const unit of page.OrganizationalUnits ?? []) if (unit.Id !== undefined) pending.push(unit.Id);
      }
    }
    return { managementAccountId, members: [...members.values()].sort((a, b) => a.accountId.localeCompare(b.accountId)) };
  } catch (error) {
    if (error instanceof OrganizationsError) throw error;
    throw new OrganizationsError(describeError(error), error instanceof Error && error.name === 'CredentialsProviderError');
  } finally {
    client.destroy();
  }
}

/**
 * One sentence for what went wrong: what AWS Organizations refused and what to check, in this tool's
 * words with AWS's own message in parentheses; missing credentials and an unreachable endpoint as
 * describeAwsError says them for every AWS call.
 */
function describeError(error: unknown): string {
  const { name, message } = error as { name?: unknown; message?: unknown };
  const code = typeof name === 'string' ? name.replace(/Exception$/, '') : '';
  const answered = `AWS Organizations answered ${code}: ${String(message)}`;
  switch (code) {
    case 'AccessDenied':
      return `these credentials may not list the organization (${answered}): use the management account or a delegated administrator, with organizations:DescribeOrganization, organizations:ListAccountsForParent and organizations:ListOrganizationalUnitsForParent`;
    case 'AWSOrganizationsNotInUse':
      return `the account of these credentials is not in an organization (${answered}): use the credentials of the organization's management account or a delegated administrator`;
    case 'ParentNotFound':
      return `a target of the StackSet is not in this organization (${answered}): check stacks[].aws.organization.organizationalUnitIds`;
    default:
      return describeAwsError(error);
  }
}

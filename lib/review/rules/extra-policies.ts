import { Token } from 'cdktf';
import { Rule, resourcesOfType } from '../rule';

/** How a finding shows an attached policy: its ARN, or for a policy given by name (an ARN built at plan time) its name. */
function shownPolicy(policyArn: string): string {
  if (!Token.isUnresolved(policyArn)) return policyArn;
  return `the account's policy ${policyArn.slice(policyArn.lastIndexOf(':policy/') + ':policy/'.length)}`;
}

export const extraPolicies: Rule = {
  id: 'KI-EXTRA-POLICIES',
  level: 'warning',
  cause: 'the role has managed policies besides its read-only scanning policy',
  fix: 'remove stacks[].aws.scanning.managedPolicyArns and managedPolicyNames unless Key Insight needs them',
  check: (stack) =>
    resourcesOfType(stack, 'aws_iam_role_policy_attachment')
      .filter((attachment) => typeof attachment.attributes.policy_arn === 'string' && attachment.attributes.policy_arn.startsWith('arn:'))
      .map((attachment) => `${attachment.path} (${shownPolicy(attachment.attributes.policy_arn as string)})`),
};

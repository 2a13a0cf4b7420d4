import { accountIdOfStack } from '../../stack-names';
import { Rule } from '../rule';

/**
 * A retired account's stack has no resources, so its next deploy destroys the account's OIDC provider,
 * role and policy. The entry has done its work after that deploy; removed before it, the resources
 * would be left behind, still trusting the app's tokens.
 */
export const accountRetired: Rule = {
  id: 'KI-ACCOUNT-RETIRED',
  level: 'warning',
  cause: "an AWS account is retired: its stack's next deploy destroys the account's OIDC provider, role and policy",
  fix: 'deploy each retired account stack (npx cdktf deploy <stack>), then remove its entry from stacks[].aws.accounts',
  check: (stack) => {
    const accountId = accountIdOfStack(stack.environment.name, stack.name);
    if (accountId === undefined) return [];
    const retired = (stack.environment.aws.accounts ?? []).some((account) => account.retired && account.accountId === accountId);
    return retired ? [stack.name] : [];
  },
};

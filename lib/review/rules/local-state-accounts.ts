import { Rule } from '../rule';

/** Local state of many accounts lives on one disk, unlocked, with the client secret in it. */
export const localStateAccounts: Rule = {
  id: 'KI-STATE-LOCAL-ACCOUNTS',
  level: 'warning',
  cause: 'an environment that deploys to several AWS accounts keeps its state in local files',
  fix: 'set stacks[].backend to an "s3" or "cloud" backend',
  check: (stack) => {
    const { environment } = stack;
    const severalAccounts = (environment.aws.accounts ?? []).length > 1;
    return stack.name === environment.name && severalAccounts && environment.backend.type === 'local'
      ? [`${stack.name} (${environment.aws.accounts!.length} accounts)`]
      : [];
  },
};

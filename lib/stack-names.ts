/** The names of an environment's stacks: written here once, for the stacks, the configuration's checks and the CLI. */

const ACCOUNT_ID = /^\d{12}$/;

/** The stack that holds one AWS account of an environment. */
export function accountStackName(environmentName: string, accountId: string): string {
  return `${environmentName}-${accountId}`;
}

/** The account ID of an account stack of the environment, or undefined when `stackName` is not one. */
export function accountIdOfStack(environmentName: string, stackName: string): string | undefined {
  const prefix = `${environmentName}-`;
  if (!stackName.startsWith(prefix)) return undefined;
  const accountId = stackName.slice(prefix.length);
  return ACCOUNT_ID.test(accountId) ? accountId : undefined;
}

/** The role Key Insight assumes, when the configuration names none. */
export function defaultRoleName(stackName: string): string {
  return `${stackName}-scanner`;
}

/** The names of an environment's stacks: written here once, for the stacks, the configuration's checks and the CLI. */

const ACCOUNT_ID = /^\d{12}$/;

/** What the configuration allows as an environment's name, which is also its stack's name. */
export const ENVIRONMENT_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,49}$/;

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
export function defaultRoleName(environmentName: string): string {
  return `${environmentName}-scanner`;
}

/** The scanning policy's name, made from the role's. */
export function scanningPolicyName(roleName: string): string {
  return `${roleName}-scanning`;
}

/**
 * The stack that reads an environment's client secret, in every environment: the other stacks read the
 * environment stack's state, which therefore holds no secret.
 */
export function secretStackName(environmentName: string): string {
  return `${environmentName}-secret`;
}

const PROJECT_STACK_NAME = new RegExp(`^${ENVIRONMENT_NAME.source.slice(1, -1)}(-\\d{12}|-secret)?$`);

/** Whether some configuration could make a stack of this name: an environment's, an account's or a client secret's. */
export function isProjectStackName(stackName: string): boolean {
  return PROJECT_STACK_NAME.test(stackName);
}

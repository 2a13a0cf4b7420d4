/** The stack that holds one AWS account of an environment. */
export function accountStackName(environmentName: string, accountId: string): string {
  return `${environmentName}-${accountId}`;
}

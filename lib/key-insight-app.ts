import { Construct } from 'constructs';
import type { KeyInsightConfig } from './config';
import { AwsAccountStack, KeyInsightStack } from './key-insight-stack';

/** Every environment of the configuration: its stack, and one stack per AWS account it lists. */
export function addEnvironments(scope: Construct, config: KeyInsightConfig): KeyInsightStack[] {
  return config.stacks.map((environment) => {
    const stack = new KeyInsightStack(scope, environment);
    for (const account of environment.aws.accounts ?? []) {
      new AwsAccountStack(scope, {
        environment,
        accountId: account.accountId,
        region: account.region ?? environment.aws.region,
        assumeRoleArn: account.assumeRoleArn,
        okta: stack.okta,
      });
    }
    return stack;
  });
}

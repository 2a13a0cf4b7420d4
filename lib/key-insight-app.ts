import { Construct } from 'constructs';
import type { KeyInsightConfig } from './config';
import { AwsAccountStack, ClientSecretStack, KeyInsightStack } from './key-insight-stack';

export interface SynthOptions {
  /**
   * A plan-only synth (`KEY_INSIGHT_PLAN_ONLY=1`), for pull-request plans: account stacks plan before
   * their environment is deployed, and none of them can be applied (lib/plan-only.ts).
   * @default false
   */
  readonly planOnly?: boolean;
  /**
   * The folder of the project's key-insight.stacks.json, the record of the synthesized stacks that the
   * synth checks removals against and then writes (lib/stack-record.ts).
   * @default - no record is read or written
   */
  readonly stackRecordDir?: string;
  /**
   * Whether the synth leaves key-insight.stacks.json as committed (`KEY_INSIGHT_STACKS_FROZEN=1`, for
   * CI), refusing a configuration whose stacks it does not record.
   * @default false - the synth writes the record
   */
  readonly stacksFrozen?: boolean;
}

/**
 * Every environment of the configuration: its stack, the stack of its client secret, and with AWS
 * accounts one stack per account. A retired environment keeps every one of them, retired.
 */
export function addEnvironments(scope: Construct, config: KeyInsightConfig, options: SynthOptions = {}): KeyInsightStack[] {
  return config.stacks.map((environment) => {
    const stack = new KeyInsightStack(scope, environment);
    new ClientSecretStack(scope, stack);
    for (const account of environment.aws.accounts ?? []) {
      new AwsAccountStack(scope, {
        environment,
        accountId: account.accountId,
        region: account.region ?? environment.aws.region,
        assumeRoleArn: account.assumeRoleArn,
        retired: account.retired === true || environment.retired === true,
        adopt: account.adopt?.aws,
        environmentStack: stack,
        planOnly: options.planOnly,
      });
    }
    return stack;
  });
}

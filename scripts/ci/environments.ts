import { appendFileSync } from 'node:fs';
import { configPath, loadConfig, type KeyInsightConfig, type StackConfig } from '../../lib/config';
import { accountStackName, secretStackName } from '../../lib/stack-names';
import type { CiStreams } from './main';
import { matchStacks, stackPatterns } from './synthesized-stacks';

/** One entry of the deploy and drift jobs' matrix: a configured environment and the stacks of it to run. */
export interface EnvironmentEntry {
  /** The environment's name; the job's GitHub environment is named after it. */
  readonly environment: string;
  /** The environment's stacks that STACKS selects, separated by spaces: the job's own STACKS. */
  readonly stacks: string;
}

/** The stacks the synth makes for an environment: its own, one per account, and the one that reads its client secret. */
export function environmentStackNames(environment: StackConfig): string[] {
  const accounts = (environment.aws.accounts ?? []).map((account) => accountStackName(environment.name, account.accountId));
  return [environment.name, ...accounts, secretStackName(environment.name)];
}

/**
 * The matrix of environments: each environment of which `patterns` select a stack, with those stacks,
 * in configuration order. Patterns match as cdktf matches them, and one that matches no stack of any
 * environment is refused. With `remoteStateOnly`, environments whose state is a local file are left out.
 */
export function environmentMatrix(config: KeyInsightConfig, patterns: readonly string[], remoteStateOnly: boolean): { include: EnvironmentEntry[] } {
  const owner = new Map<string, string>();
  const stacks = config.stacks.flatMap((environment) =>
    environmentStackNames(environment).map((name) => {
      owner.set(name, environment.name);
      return { name };
    }),
  );
  const selected = matchStacks(stacks, patterns);
  const include = config.stacks
    .filter((environment) => !(remoteStateOnly && environment.backend.type === 'local'))
    .flatMap((environment) => {
      const names = selected.filter((stack) => owner.get(stack.name) === environment.name).map((stack) => stack.name);
      return names.length === 0 ? [] : [{ environment: environment.name, stacks: names.join(' ') }];
    });
  return { include };
}

/**
 * `key-insight-ci environments [--remote-state]`: the environments of the configuration (key-insight.config.json,
 * or the file KEY_INSIGHT_CONFIG names) of which STACKS (default *) selects a stack, as the JSON of a
 * GitHub Actions matrix, on stdout and, when GITHUB_OUTPUT is set, as the step's output `matrix`.
 */
export function environmentsCommand(env: NodeJS.ProcessEnv, remoteStateOnly: boolean, print: CiStreams): number {
  const config = loadConfig(configPath(env));
  const matrix = environmentMatrix(config, stackPatterns(env), remoteStateOnly);
  for (const environment of config.stacks) {
    if (remoteStateOnly && environment.backend.type === 'local') print.stderr(`::notice::not listed: ${environment.name}: its state is a local file, which no CI job holds\n`);
  }
  if (matrix.include.length === 0) {
    print.stderr('::error::no environment is left to run: every environment STACKS selects keeps its state in a local file\n');
    return 1;
  }
  const json = JSON.stringify(matrix);
  print.stdout(`${json}\n`);
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `matrix=${json}\n`);
  return 0;
}

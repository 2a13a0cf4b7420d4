/**
 * What the outputs file and the configuration disagree on: configured accounts (not retired) whose
 * stacks are missing from the file, and stacks in the file that the configuration no longer has. Said
 * on stderr, so that an account added to the configuration is never silently left out of what is
 * handed to Key Insight.
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { CONFIG_FILE_ENV, ConfigError, configPath, loadConfig, type KeyInsightConfig } from '../lib/config';
import { accountStackName, secretStackName } from '../lib/stack-names';
import { INCLUDE_SENSITIVE_FLAG, OUTPUT_NAMES, readOutputsFile } from './stack-outputs';

/** The warnings, one per line, each starting with "key-insight: warning:"; empty when they agree or there is no configuration. */
export function configurationDrift(outputsFile: string, stackName: string, env: NodeJS.ProcessEnv = process.env): string {
  return compareWithConfiguration(outputsFile, stackName, env).warnings;
}

export interface ConfigurationComparison {
  /** As configurationDrift. */
  readonly warnings: string;
  /** The environment's retired accounts whose role the file still holds; empty without a configuration. */
  readonly retiredAccountIds: readonly string[];
  /** The warning for those roles, left out of what Key Insight is given; empty when there are none. */
  readonly retiredWarning: string;
}

/** configurationDrift's warnings, and the roles of retired accounts that the file still holds. */
export function compareWithConfiguration(outputsFile: string, stackName: string, env: NodeJS.ProcessEnv = process.env): ConfigurationComparison {
  const nothing = { warnings: '', retiredAccountIds: [], retiredWarning: '' };
  const path = configPath(env);
  // Without KEY_INSIGHT_CONFIG and without the default file (e.g. a pipeline that only has the outputs), there is nothing to compare.
  if (!env[CONFIG_FILE_ENV] && !existsSync(path)) return nothing;
  const shownPath = relative(process.cwd(), path) || path;
  let config: KeyInsightConfig;
  try {
    config = loadConfig(path);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { ...nothing, warnings: `key-insight: warning: cannot compare ${outputsFile} with the configuration: ${error.message}\n` };
  }
  const file = readOutputsFile(outputsFile) as Record<string, Record<string, unknown> | undefined>;
  const warnings: string[] = [];

  const environment = config.stacks.find((stack) => stack.name === stackName);
  const accounts = (environment?.aws.accounts ?? []).filter((account) => account.retired !== true);
  const stacks = [stackName, secretStackName(stackName), ...accounts.map((account) => accountStackName(stackName, account.accountId))];
  const rewrite = `npx cdktf output ${stacks.join(' ')} --outputs-file ${outputsFile} ${INCLUDE_SENSITIVE_FLAG}`;
  const missing = accounts.filter((account) => file[accountStackName(stackName, account.accountId)]?.[OUTPUT_NAMES.awsRoleArn] === undefined);
  if (environment !== undefined && missing.length > 0) {
    const ids = missing.map((account) => account.accountId);
    warnings.push(
      `${outputsFile} has no role of the configured account${ids.length > 1 ? 's' : ''} ${ids.join(', ')} of stack "${stackName}" (${shownPath}), so Key Insight is not told about ${ids.length > 1 ? 'them' : 'it'}: deploy ${ids.length > 1 ? 'their stacks' : 'its stack'}, then write the file again with ${rewrite}`,
    );
  }
  // A retired account's stack keeps its role until its next deploy, and the file its outputs until written again.
  const retiredAccountIds = (environment?.aws.accounts ?? [])
    .filter((account) => account.retired === true && file[accountStackName(stackName, account.accountId)]?.[OUTPUT_NAMES.awsRoleArn] !== undefined)
    .map((account) => account.accountId);
  const several = retiredAccountIds.length > 1;
  const retiredWarning =
    retiredAccountIds.length === 0
      ? ''
      : `key-insight: warning: ${outputsFile} holds the role${several ? 's' : ''} of account${several ? 's' : ''} ${retiredAccountIds.join(', ')} of stack "${stackName}", which ${shownPath} retires, so ${several ? 'they are' : 'it is'} left out: deploy ${retiredAccountIds.map((id) => accountStackName(stackName, id)).join(' ')} to delete ${several ? 'them' : 'it'}, then write the file again with ${rewrite}\n`;

  const configured = new Set(
    config.stacks.flatMap((stack) => [
      stack.name,
      secretStackName(stack.name),
      ...(stack.aws.accounts ?? []).map((account) => accountStackName(stack.name, account.accountId)),
    ]),
  );
  const gone = Object.keys(file).filter((name) => !configured.has(name));
  if (gone.length > 0) {
    warnings.push(
      `${outputsFile} holds stack${gone.length > 1 ? 's' : ''} ${gone.map((name) => `"${name}"`).join(', ')} that ${shownPath} no longer has: ${gone.length > 1 ? 'their' : 'its'} outputs are left from an earlier deploy, and what ${gone.length > 1 ? 'they' : 'it'} deployed stays until destroyed; write the file again with the configured stacks only`,
    );
  }
  return { warnings: warnings.map((warning) => `key-insight: warning: ${warning}\n`).join(''), retiredAccountIds, retiredWarning };
}

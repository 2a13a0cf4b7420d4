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
  const path = configPath(env);
  // Without KEY_INSIGHT_CONFIG and without the default file (e.g. a pipeline that only has the outputs), there is nothing to compare.
  if (!env[CONFIG_FILE_ENV] && !existsSync(path)) return '';
  const shownPath = relative(process.cwd(), path) || path;
  let config: KeyInsightConfig;
  try {
    config = loadConfig(path);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return `key-insight: warning: cannot compare ${outputsFile} with the configuration: ${error.message}\n`;
  }
  const file = readOutputsFile(outputsFile) as Record<string, Record<string, unknown> | undefined>;
  const warnings: string[] = [];

  const environment = config.stacks.find((stack) => stack.name === stackName);
  const accounts = (environment?.aws.accounts ?? []).filter((account) => account.retired !== true);
  const missing = accounts.filter((account) => file[accountStackName(stackName, account.accountId)]?.[OUTPUT_NAMES.awsRoleArn] === undefined);
  if (environment !== undefined && missing.length > 0) {
    const ids = missing.map((account) => account.accountId);
    const stacks = [stackName, secretStackName(stackName), ...accounts.map((account) => accountStackName(stackName, account.accountId))];
    warnings.push(
      `${outputsFile} has no role of the configured account${ids.length > 1 ? 's' : ''} ${ids.join(', ')} of stack "${stackName}" (${shownPath}), so Key Insight is not told about ${ids.length > 1 ? 'them' : 'it'}: deploy ${ids.length > 1 ? 'their stacks' : 'its stack'}, then write the file again with npx cdktf output ${stacks.join(' ')} --outputs-file ${outputsFile} ${INCLUDE_SENSITIVE_FLAG}`,
    );
  }

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
  return warnings.map((warning) => `key-insight: warning: ${warning}\n`).join('');
}

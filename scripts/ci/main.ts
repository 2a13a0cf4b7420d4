import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../../lib/config';
import { DEFAULT_OUTPUTS_FILE } from '../../cli/args';
import { UsageError } from '../../cli/usage-error';
import { OutputFolderError } from '../../lib/output-folder';
import { CiUsageError } from './ci-usage-error';

export interface CiStreams {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const CI_HELP = `key-insight-ci: the steps of the GitHub Actions workflow, as project commands

Usage (run from the project root, after \`npx cdktf synth\` where a command reads cdktf.out):
  key-insight-ci deploy-check                   refuse local state among the stacks STACKS selects (cdktf patterns, default *)
  key-insight-ci plan                           plan the stacks STACKS selects (default *) read-only for a pull request
                                                (<env>-secret stacks skipped; placeholders for an environment not deployed yet)
                                                reads AWS_PLAN_ROLE_ARN, TF_PLAN_API_TOKEN, PLAN_DIR
  key-insight-ci drift                          plan every deployed stack STACKS selects (default *) with -detailed-exitcode;
                                                fail naming each stack and resource that changed
                                                reads TF_PLAN_API_TOKEN, the AWS credentials and OKTA_* of the job
  key-insight-ci deployed-stacks                the stacks STACKS selects (default *) whose outputs the plan role may read, separated by spaces
  key-insight-ci mask-secrets [--outputs-file F]    ::add-mask:: for each client secret in the outputs file
  key-insight-ci verify-deployed [--outputs-file F] key-insight verify for each environment stack in the outputs file
  key-insight-ci state-policy                   the IAM policy denying the plan role the <env>-secret state objects in S3
                                                (reads key-insight.config.json, or the file KEY_INSIGHT_CONFIG names)
  key-insight-ci deploy-role-policy             the least-privilege IAM policy of the deploy role for the configuration
  key-insight-ci plan-role-policy               the read-only IAM policy of the plan role, with the deny of the <env>-secret state
  key-insight-ci environments [--remote-state]  the environments of which STACKS (default *) selects a stack, as the JSON of a job
                                                matrix ({"include":[{"environment","stacks"}]}), also the step output matrix
                                                (--remote-state: without environments whose state is a local file)
  key-insight-ci hcp-token                      pass HCP_TOKEN to the later steps as TF_TOKEN_<host> for the HCP Terraform host
                                                of the stacks STACKS selects (through GITHUB_ENV)
CDKTF_OUTDIR overrides the cdktf.out folder. Exit codes: 0 passed, 1 a check failed, 2 usage error.
`;

const COMMANDS = ['deploy-check', 'plan', 'drift', 'deployed-stacks', 'mask-secrets', 'verify-deployed', 'state-policy', 'deploy-role-policy', 'plan-role-policy', 'environments', 'hcp-token'] as const;

/** Whether a command takes --outputs-file: the ones that read the outputs file. */
function takesOutputsFile(command: string): boolean {
  return command === 'mask-secrets' || command === 'verify-deployed';
}

/**
 * The command's options, or a one-sentence CiUsageError: the commands take no positional arguments, and
 * of parseArgs's own errors (several sentences, with a hint about `--`) only the first is kept.
 */
function parseCommandArgs(command: string, args: readonly string[]): { outputsFile: string; help: boolean; remoteState: boolean } {
  const options: NonNullable<ParseArgsConfig['options']> = {
    help: { type: 'boolean', short: 'h' },
    ...(takesOutputsFile(command) ? { 'outputs-file': { type: 'string' } } : {}),
    ...(command === 'environments' ? { 'remote-state': { type: 'boolean' } } : {}),
  };
  const known = Object.keys(options).map((name) => `--${name}`).join(', ');
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: true, tokens: true });
  } catch (error) {
    // The first sentence names the problem ("Unknown option '--x'", "Option '--outputs-file <value>' argument missing").
    throw new CiUsageError(`${(error as Error).message.split('. ')[0]} (options: ${known})`);
  }
  if (parsed.positionals.length > 0) {
    throw new CiUsageError(`takes no arguments, but was given ${parsed.positionals.map((value) => JSON.stringify(value)).join(', ')} (options: ${known})`);
  }
  const values = parsed.values as { help?: boolean; 'outputs-file'?: string; 'remote-state'?: boolean };
  const given = (parsed.tokens ?? []).filter((token) => token.kind === 'option' && token.name === 'outputs-file').length;
  if (given > 1) throw new CiUsageError(`--outputs-file is given ${given} times, but takes one value`);
  if (values['outputs-file'] !== undefined && values['outputs-file'].trim() === '') throw new CiUsageError('--outputs-file is empty, but must name a file');
  return { outputsFile: values['outputs-file'] ?? DEFAULT_OUTPUTS_FILE, help: values.help ?? false, remoteState: values['remote-state'] ?? false };
}

/** Runs one invocation of `key-insight-ci` and returns its exit code. */
export async function ciMain(argv: readonly string[], env: NodeJS.ProcessEnv, print: CiStreams): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    print.stdout(CI_HELP);
    return 0;
  }
  if (command === undefined || !(COMMANDS as readonly string[]).includes(command)) {
    const problem = command === undefined ? 'missing command' : `unknown command ${JSON.stringify(command)}`;
    print.stderr(`key-insight-ci: ${problem}: use ${COMMANDS.join(' | ')} (key-insight-ci --help for more)\n`);
    return 2;
  }
  try {
    const { outputsFile, help, remoteState } = parseCommandArgs(command, rest);
    if (help) {
      print.stdout(CI_HELP);
      return 0;
    }
    switch (command as (typeof COMMANDS)[number]) {
      case 'deploy-check':
        return (require('./deploy-check') as typeof import('./deploy-check')).deployCheck(env, print);
      case 'plan':
        return await (require('./plan') as typeof import('./plan')).planCommand(env, print);
      case 'drift':
        return await (require('./drift') as typeof import('./drift')).driftCommand(env, print);
      case 'deployed-stacks':
        return (require('./outputs-steps') as typeof import('./outputs-steps')).deployedStacks(env, print);
      case 'mask-secrets':
        return (require('./outputs-steps') as typeof import('./outputs-steps')).maskSecrets(outputsFile, print);
      case 'verify-deployed':
        return await (require('./outputs-steps') as typeof import('./outputs-steps')).verifyDeployed(outputsFile, print);
      case 'state-policy':
        return (require('./state-policy') as typeof import('./state-policy')).statePolicyCommand(env, print);
      case 'deploy-role-policy':
        return (require('./role-policies') as typeof import('./role-policies')).ciRolePolicyCommand('deploy', env, print);
      case 'plan-role-policy':
        return (require('./role-policies') as typeof import('./role-policies')).ciRolePolicyCommand('plan', env, print);
      case 'environments':
        return (require('./environments') as typeof import('./environments')).environmentsCommand(env, remoteState, print);
      case 'hcp-token':
        return (require('./hcp-token') as typeof import('./hcp-token')).hcpTokenCommand(env, print);
    }
  } catch (error) {
    if (error instanceof CiUsageError || error instanceof UsageError || error instanceof ConfigError || error instanceof OutputFolderError) {
      print.stderr(`key-insight-ci ${command}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

import { parseArgs } from 'node:util';
import { ConfigError } from '../../lib/config';
import { DEFAULT_OUTPUTS_FILE } from '../../cli/args';
import { UsageError } from '../../cli/usage-error';
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
  key-insight-ci deployed-stacks                the stacks whose outputs the plan role may read, separated by spaces
  key-insight-ci mask-secrets [--outputs-file F]    ::add-mask:: for each client secret in the outputs file
  key-insight-ci verify-deployed [--outputs-file F] key-insight verify for each environment stack in the outputs file
  key-insight-ci state-policy                   the IAM policy denying the plan role the <env>-secret state objects in S3
                                                (reads key-insight.config.json, or the file KEY_INSIGHT_CONFIG names)
  key-insight-ci deploy-role-policy             the least-privilege IAM policy of the deploy role for the configuration
  key-insight-ci plan-role-policy               the read-only IAM policy of the plan role, with the deny of the <env>-secret state
CDKTF_OUTDIR overrides the cdktf.out folder. Exit codes: 0 passed, 1 a check failed, 2 usage error.
`;

/** Runs one invocation of `key-insight-ci` and returns its exit code. */
export async function ciMain(argv: readonly string[], env: NodeJS.ProcessEnv, print: CiStreams): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const { values } = parseArgs({ args: rest, options: { 'outputs-file': { type: 'string' } }, strict: true, allowPositionals: false });
    const outputsFile = values['outputs-file'] ?? DEFAULT_OUTPUTS_FILE;
    switch (command) {
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
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        print.stdout(CI_HELP);
        return command === undefined ? 2 : 0;
      default:
        print.stderr(`key-insight-ci: unknown command "${command}"\n${CI_HELP}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof CiUsageError || error instanceof UsageError || error instanceof ConfigError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      print.stderr(`key-insight-ci ${command}: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
}

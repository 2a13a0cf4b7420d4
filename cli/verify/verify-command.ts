import type { VerifyOptions } from '../args';
import { EXIT_CODES } from '../exit-codes';
import type { Streams } from '../main';
import { requireClientSecret } from '../outputs-command';
import type { Redactor } from '../redactor';
import { outputsFileWarning } from '../file-permissions';
import { loadSetup, OUTPUT_NAMES, type KeyInsightSetup } from '../stack-outputs';
import { describeOktaError, newestActiveSecret, oktaClient, oktaCredentials, type OktaCredentials } from '../okta-management';
import { ROTATED_CLIENT_SECRET_OUTPUT } from '../../lib/client-secret-mode';
import { accountStackName } from '../../lib/stack-names';
import { UsageError } from '../usage-error';
import { renderVerifyJson, renderVerifyText } from './report';
import { runVerify, type RotatedSecretSource } from './run-verify';

/**
 * With clientSecret "rotated" no state holds the secret: it is read through Okta's management API with
 * the Okta provider's credentials (OKTA_*), as rotate-secret does. Without them, the secret's check is
 * skipped, saying why, and every check that needs no secret still runs.
 */
function rotatedSecretSource(setup: KeyInsightSetup, env: NodeJS.ProcessEnv, redactor: Redactor, timeoutMs: number): RotatedSecretSource {
  let credentials: OktaCredentials;
  try {
    credentials = oktaCredentials(env, redactor, timeoutMs);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return {
      available: false,
      reason: `skipped: the environment keeps no client secret (clientSecret "rotated"), and it is read through Okta's management API, but ${error.message}`,
    };
  }
  return {
    available: true,
    async read() {
      try {
        const newest = await newestActiveSecret(oktaClient(credentials), setup.clientId, redactor);
        if (newest === undefined) return { problem: `app ${setup.clientId} has no ACTIVE client secret: run \`npx key-insight rotate-secret start\`` };
        return { secret: newest.value, detail: `secret ${newest.id}, created ${newest.created} (value not shown)` };
      } catch (error) {
        return { problem: `cannot list the client secrets of app ${setup.clientId}: ${describeOktaError(error, credentials)}` };
      }
    },
  };
}

/** `key-insight verify`: loads the stack's outputs, runs the checks, prints the report. */
export async function verifyCommand(options: VerifyOptions, redactor: Redactor, print: Streams, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const setup = loadSetup(options.outputsFile, options.stack);
  const exposed = outputsFileWarning(setup);
  if (exposed !== '') print.stderr(exposed);
  const rotated = setup.clientSecret === ROTATED_CLIENT_SECRET_OUTPUT;
  const clientSecret = rotated ? undefined : requireClientSecret(setup);
  if (options.assumeRole && setup.awsRoles.length === 0) {
    throw new UsageError(
      `--assume-role needs an ${OUTPUT_NAMES.awsRoleArn} output in stack "${setup.stackName}" or in stacks named ${accountStackName(setup.stackName, '<account ID>')}, but ${setup.outputsFile} has none`,
    );
  }
  if (clientSecret !== undefined) redactor.addSecret(clientSecret);
  const report =
    clientSecret === undefined
      ? await runVerify(setup, options, redactor, rotatedSecretSource(setup, env, redactor, options.timeoutMs))
      : await runVerify({ ...setup, clientSecret }, options, redactor);
  print.stdout(options.json ? renderVerifyJson(report) : renderVerifyText(report));
  return report.passed ? EXIT_CODES.ok : EXIT_CODES.failed;
}


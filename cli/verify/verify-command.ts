import type { VerifyOptions } from '../args';
import { EXIT_CODES } from '../exit-codes';
import type { Streams } from '../main';
import { requireClientSecret } from '../outputs-command';
import type { Redactor } from '../redactor';
import { loadSetup, OUTPUT_NAMES } from '../stack-outputs';
import { accountStackName } from '../../lib/stack-names';
import { UsageError } from '../usage-error';
import { renderVerifyJson, renderVerifyText } from './report';
import { runVerify } from './run-verify';

/** `key-insight verify`: loads the stack's outputs, runs the checks, prints the report. */
export async function verifyCommand(options: VerifyOptions, redactor: Redactor, print: Streams): Promise<number> {
  const setup = loadSetup(options.outputsFile, options.stack);
  const clientSecret = requireClientSecret(setup);
  if (options.assumeRole && setup.awsRoles.length === 0) {
    throw new UsageError(
      `--assume-role needs an ${OUTPUT_NAMES.awsRoleArn} output in stack "${setup.stackName}" or in stacks named ${accountStackName(setup.stackName, '<account ID>')}, but ${setup.outputsFile} has none`,
    );
  }
  redactor.addSecret(clientSecret);
  const report = await runVerify({ ...setup, clientSecret }, options, redactor);
  print.stdout(options.json ? renderVerifyJson(report) : renderVerifyText(report));
  return report.passed ? EXIT_CODES.ok : EXIT_CODES.failed;
}


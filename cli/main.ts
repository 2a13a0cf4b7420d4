import { DEFAULT_OUTPUTS_FILE, DEFAULT_TIMEOUT_MS, parseInvocation, type OutputsOptions } from './args';
import { DISCOVER_HELP, RENAME_STACK_HELP, ROTATE_SECRET_HELP, STATUS_HELP } from './help-texts';
import { EXIT_CODES } from './exit-codes';
import { outputsFileWarning } from './file-permissions';
import { withOrganization } from './organization-outputs';
import { renderOutputs, requireClientSecret } from './outputs-command';
import { Redactor } from './redactor';
import { ARMOR_ENV } from './status/armor-facts';
import { INCLUDE_SENSITIVE_FLAG, loadSetup } from './stack-outputs';
import { accountStackName } from '../lib/stack-names';
import { UsageError } from './usage-error';
import { visibleText } from './visible-text';

const HELP = {
  general: `key-insight: hand a deployed stack's Okta and AWS setup to Fortanix Key Insight

Usage:
  key-insight outputs [--outputs-file F] [--stack S] [--format table|json|env] [--show-secret] [--accounts]
  key-insight verify  [--outputs-file F] [--stack S] [--json] [--timeout-ms N] [--assume-role]
  key-insight rotate-secret start|finish|abort [--outputs-file F] [--stack S] [--show-secret] [--timeout-ms N]
  key-insight discover [--stack NAME]
  key-insight status  [--outputs-file F] [--stack S] [--json] [--max-scan-age-hours N] [--timeout-ms N]
  key-insight rename-stack OLD NEW

outputs, verify, rotate-secret and status read the file written by
  npx cdktf deploy <stack> <stack>-secret --outputs-file ${DEFAULT_OUTPUTS_FILE} ${INCLUDE_SENSITIVE_FLAG}
(with AWS accounts, name its <stack>-<account ID> stacks too; default --outputs-file: ./${DEFAULT_OUTPUTS_FILE}).
--stack picks the stack when the file holds several.

discover and rename-stack read the configuration (key-insight.config.json, or the file KEY_INSIGHT_CONFIG names).
rotate-secret and discover call Okta's management API with the Okta provider's credentials (OKTA_*).
status asks Key Insight, through the Fortanix Armor API, about each account's connection and scans
(${ARMOR_ENV.appId}, ${ARMOR_ENV.apiKey}, ${ARMOR_ENV.url}).

Exit codes: 0 all good, 1 a check or an Okta or Armor call failed, 2 usage error (bad option, missing or malformed file, unknown stack, missing secret).
`,
  outputs: `key-insight outputs [--outputs-file F] [--stack S] [--format table|json|env] [--show-secret] [--accounts]

Prints what Key Insight's IdP configuration and AWS connection ask for: Client ID, Client Secret,
Well-known URL, Scopes, and the role ARN of every AWS account of the stack.
  --format table   (default) for people, saying where each value goes in Key Insight
  --format json    JSON only, for scripts
  --format env     KEY=value lines, quoted for POSIX shells
  --show-secret    print the client secret (masked otherwise)
  --accounts       organization environments: list the member accounts' role ARNs by asking AWS
                   Organizations with your AWS credentials (honours AWS_ENDPOINT_URL_ORGANIZATIONS)
When the configuration is at hand (key-insight.config.json, or the file KEY_INSIGHT_CONFIG names), a
warning on stderr names the configured accounts (not retired) that the outputs file lacks, and the
stacks in the file that the configuration no longer has; the roles of retired accounts are left out,
with a warning.
`,
  verify: `key-insight verify [--outputs-file F] [--stack S] [--json] [--timeout-ms N] [--assume-role]

Does the guide's token check: reads the Metadata URI, asks the token endpoint for a client-credentials
token (client_secret_basic, the stack's scopes) once it is sure the endpoint is the issuer's own (its
origin, a path under the issuer's), and verifies the token against the published keys:
signature, iss, aud, exp, scopes, client ID. Neither the secret nor the token is ever printed.
With clientSecret "rotated" the outputs hold no secret: verify reads the app's newest ACTIVE secret
through Okta's management API with the Okta provider's credentials (OKTA_*, as rotate-secret), in
memory only; without them it runs the other checks, says which it skipped, and exits 0 unless one failed.
  --json           print a JSON report only
  --timeout-ms N   limit for each request (default ${DEFAULT_TIMEOUT_MS})
  --assume-role    also exchange the token with AWS STS AssumeRoleWithWebIdentity for every role ARN
                   (honours AWS_ENDPOINT_URL_STS and AWS_REGION; credentials are never printed)
Plain http is refused except to loopback addresses; no redirect is followed; no answer is read past 1 MiB.
`,
  'rotate-secret': ROTATE_SECRET_HELP,
  discover: DISCOVER_HELP,
  status: STATUS_HELP,
  'rename-stack': RENAME_STACK_HELP,
} as const;

export interface Streams {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Says, once, that what was printed had characters written as escapes (see visibleText). */
const ESCAPED_NOTE =
  'key-insight: warning: what is printed above held control or invisible characters (such as ESC or U+202E), written as \\uXXXX escapes: the outputs file, or an answer quoted above, holds them\n';

/**
 * Runs one invocation and returns its exit code; nothing it prints escapes the redactor, and no control
 * or invisible character is printed as itself.
 */
export async function main(argv: readonly string[], streams: Streams = processStreams()): Promise<number> {
  // The AWS SDK's documented switch (aws/aws-sdk-js-v3#7983) for its seven-line notice that releases from
  // 2027 need Node 22: not this tool's message. Read when a client is made; a user's own setting stands.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const redactor = new Redactor();
  let escaped = false;
  const shown = (text: string) => {
    const redacted = redactor.redact(text);
    const visible = visibleText(redacted);
    escaped ||= visible !== redacted;
    return visible;
  };
  const print = {
    stdout: (text: string) => streams.stdout(shown(text)),
    stderr: (text: string) => streams.stderr(shown(text)),
  };
  const exitCode = await run(argv, streams, redactor, print);
  if (escaped) streams.stderr(ESCAPED_NOTE);
  return exitCode;
}

async function run(argv: readonly string[], streams: Streams, redactor: Redactor, print: Streams): Promise<number> {
  try {
    const invocation = parseInvocation(argv);
    switch (invocation.command) {
      case 'help':
        print.stdout(HELP[invocation.topic ?? 'general']);
        return EXIT_CODES.ok;
      case 'outputs':
        return await outputsCommand(invocation.options, redactor, print);
      case 'verify': {
        // Loaded on demand, so that `outputs` does not pay for compiling the verify modules.
        const { verifyCommand } = require('./verify/verify-command') as typeof import('./verify/verify-command');
        return await verifyCommand(invocation.options, redactor, print);
      }
      case 'rotate-secret': {
        const { rotateSecretCommand } = require('./rotate-secret') as typeof import('./rotate-secret');
        return await rotateSecretCommand(invocation.options, redactor, print, streams.stdout);
      }
      case 'discover': {
        const { discoverCommand } = require('./discover') as typeof import('./discover');
        return await discoverCommand(invocation.options, redactor, print);
      }
      case 'status': {
        const { statusCommand } = require('./status/status-command') as typeof import('./status/status-command');
        return await statusCommand(invocation.options, redactor, print);
      }
      case 'rename-stack': {
        const { renameStackCommand } = require('./rename-stack') as typeof import('./rename-stack');
        return await renameStackCommand(invocation.options, print);
      }
    }
  } catch (error) {
    if (error instanceof UsageError) {
      print.stderr(`key-insight: ${error.message}\n`);
      return EXIT_CODES.usage;
    }
    print.stderr(`key-insight: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_CODES.failed;
  }
}

async function outputsCommand(options: OutputsOptions, redactor: Redactor, print: Streams): Promise<number> {
  const file = loadSetup(options.outputsFile, options.stack);
  const exposed = outputsFileWarning(file);
  if (exposed !== '') print.stderr(exposed);
  // --show-secret asks for the secret: without one in the file, that is the usage error the exit codes document.
  if (options.showSecret) requireClientSecret(file);
  if (file.clientSecret !== undefined && !options.showSecret) redactor.addSecret(file.clientSecret);
  // Loaded on demand: reading the configuration compiles its schema, which only this command needs.
  const { compareWithConfiguration } = require('./configuration-drift') as typeof import('./configuration-drift');
  const comparison = compareWithConfiguration(file.outputsFile, file.stackName);
  const retiredStacks = comparison.retiredAccountIds.map((accountId) => accountStackName(file.stackName, accountId));
  const setup = { ...file, awsRoles: file.awsRoles.filter((role) => !retiredStacks.includes(role.stackName)) };
  const rendered = await withOrganization(renderOutputs(setup, options), setup, options);
  print.stdout(rendered.stdout);
  const notes = `${rendered.stderr}${comparison.retiredWarning}${comparison.warnings}`;
  if (notes !== '') print.stderr(notes);
  return rendered.exitCode;
}

function processStreams(): Streams {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  };
}

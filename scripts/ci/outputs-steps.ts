import { isClientSecret, readableByOthers } from '../../cli/file-permissions';
import { OUTPUT_NAMES } from '../../lib/outputs';
import { readOutputsFile } from '../../cli/stack-outputs';
import { main as keyInsight } from '../../cli/main';
import type { CiStreams } from './main';
import { matchStacks, outdirOf, secretStacks, stackPatterns, synthesizedStacks } from './synthesized-stacks';

function stacksOf(outputsFile: string): Array<[string, Record<string, unknown>]> {
  const file = readOutputsFile(outputsFile);
  if (typeof file !== 'object' || file === null) return [];
  return Object.entries(file).filter((entry): entry is [string, Record<string, unknown>] => typeof entry[1] === 'object' && entry[1] !== null);
}

/**
 * `key-insight-ci mask-secrets --outputs-file F`: one `::add-mask::` line per client secret in the
 * file, so GitHub hides it if any later tool prints it, and nothing else on stdout; on stderr, a
 * warning when the file holds a secret and others than its owner can read it.
 */
export function maskSecrets(outputsFile: string, print: CiStreams): number {
  let holdsSecret = false;
  for (const [, outputs] of stacksOf(outputsFile)) {
    const secret = outputs[OUTPUT_NAMES.clientSecret];
    if (isClientSecret(secret)) {
      print.stdout(`::add-mask::${secret}\n`);
      holdsSecret = true;
    }
  }
  const problem = holdsSecret ? readableByOthers(outputsFile, 'client secrets') : undefined;
  if (problem !== undefined) print.stderr(`key-insight-ci mask-secrets: warning: ${problem}\n`);
  return 0;
}

/**
 * `key-insight-ci verify-deployed --outputs-file F`: `key-insight verify` for every environment stack
 * (a stack with a client_id output) in the file, each one even after another failed; exit 1 if any did.
 */
export async function verifyDeployed(outputsFile: string, print: CiStreams): Promise<number> {
  const environments = stacksOf(outputsFile)
    .filter(([, outputs]) => OUTPUT_NAMES.clientId in outputs)
    .map(([name]) => name);
  if (environments.length === 0) {
    print.stdout('::notice::no environment stack was deployed, so there is no client-credentials flow to verify\n');
    return 0;
  }
  let status = 0;
  for (const stack of environments) {
    const exitCode = await keyInsight(['verify', '--outputs-file', outputsFile, '--stack', stack], print);
    if (exitCode !== 0) {
      print.stdout(`::error::the client-credentials flow of ${stack} failed verification (exit code ${exitCode})\n`);
      status = 1;
    }
  }
  return status;
}

/**
 * `key-insight-ci deployed-stacks`: the names, separated by spaces, of the stacks whose outputs a job
 * with the plan role may read: every synthesized stack STACKS selects (default *) but the `<env>-secret` ones and those with local state.
 */
export function deployedStacks(env: NodeJS.ProcessEnv, print: CiStreams): number {
  const all = synthesizedStacks(outdirOf(env));
  const secrets = secretStacks(all);
  const stacks = matchStacks(all, stackPatterns(env));
  print.stdout(`${stacks.filter((stack) => !secrets.has(stack.name) && stack.state.kind !== 'local').map((stack) => stack.name).join(' ')}\n`);
  return 0;
}

import { appendFileSync } from 'node:fs';
import { CiUsageError } from './ci-usage-error';
import type { CiStreams } from './main';
import { nonEmpty } from './plan';
import { matchStacks, outdirOf, stackPatterns, synthesizedStacks } from './synthesized-stacks';
import { tokenVariable } from './terraform';

/**
 * `key-insight-ci hcp-token`: gives the later steps of the job (through GITHUB_ENV) the token in
 * HCP_TOKEN under the variable Terraform reads for the host of the HCP Terraform or Terraform
 * Enterprise backend of the synthesized stacks STACKS selects (default *), and under no other: a YAML
 * `env:` key cannot be computed from the configuration. Passes nothing when no selected stack keeps
 * its state there; exit 1 when one does and HCP_TOKEN is empty. Prints the variable names, never the token.
 */
export function hcpTokenCommand(env: NodeJS.ProcessEnv, print: CiStreams): number {
  const cloudStacks = matchStacks(synthesizedStacks(outdirOf(env)), stackPatterns(env)).filter((stack) => stack.state.kind === 'cloud');
  if (cloudStacks.length === 0) {
    print.stdout('No stack STACKS selects keeps its state in HCP Terraform: no token is passed on.\n');
    return 0;
  }
  const githubEnv = nonEmpty(env.GITHUB_ENV);
  if (githubEnv === undefined) throw new CiUsageError('GITHUB_ENV is not set, but must name the file GitHub Actions reads the later steps\' variables from');
  const token = nonEmpty(env.HCP_TOKEN);
  const hosts = [...new Set(cloudStacks.map((stack) => (stack.state.kind === 'cloud' ? stack.state.hostname : '')))];
  if (token === undefined) {
    print.stdout(`::error::HCP_TOKEN is empty, but stacks ${cloudStacks.map((stack) => stack.name).join(', ')} keep their state in HCP Terraform (${hosts.join(', ')}): set the secret the step passes as HCP_TOKEN\n`);
    return 1;
  }
  // A line break would let the value set further variables of the later steps.
  if (/[\r\n]/.test(token)) throw new CiUsageError('HCP_TOKEN holds a line break, but must be one API token');
  for (const host of hosts) {
    appendFileSync(githubEnv, `${tokenVariable(host)}=${token}\n`);
    const stacks = cloudStacks.filter((stack) => stack.state.kind === 'cloud' && stack.state.hostname === host).map((stack) => stack.name);
    print.stdout(`${tokenVariable(host)}: the token for ${host} (stacks ${stacks.join(', ')})\n`);
  }
  return 0;
}

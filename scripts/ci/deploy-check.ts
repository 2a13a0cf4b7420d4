import { appendFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CiStreams } from './main';
import { matchStacks, outdirOf, stackPatterns, synthesizedStacks, type StateLocation } from './synthesized-stacks';
import { COMMITTED_LOCK_FILE } from './terraform';

/**
 * `key-insight-ci deploy-check`: before a deploy, the stacks `STACKS` selects (cdktf's patterns, default
 * every stack) must keep their state off the runner: a local backend, or none, writes it to a machine
 * that is thrown away after the job, so the next deploy would create everything again. Stacks not
 * selected are not looked at. With a committed provider lock file, tells the later steps (through
 * GITHUB_ENV) to run `terraform init -lockfile=readonly`.
 */
export function deployCheck(env: NodeJS.ProcessEnv, print: CiStreams): number {
  const outdir = outdirOf(env);
  const selected = matchStacks(synthesizedStacks(outdir), stackPatterns(env));
  const local = selected.filter((stack) => stack.state.kind === 'local');
  if (local.length > 0) {
    print.stdout(
      `::error::these stacks keep their state in a local file: ${local.map((stack) => stack.name).join(', ')}; ` +
        'give their environments an s3 or cloud backend in the configuration, or leave them out of STACKS, before deploying from GitHub Actions\n',
    );
    return 1;
  }
  for (const stack of selected) {
    print.stdout(`${stack.name}: state in ${describeState(stack.state)}\n`);
  }
  if (existsSync(join(dirname(outdir), COMMITTED_LOCK_FILE)) && env.GITHUB_ENV) {
    appendFileSync(env.GITHUB_ENV, 'TF_CLI_ARGS_init=-lockfile=readonly\n');
    print.stdout(`${COMMITTED_LOCK_FILE} is committed: terraform init runs with -lockfile=readonly\n`);
  }
  return 0;
}

function describeState(state: StateLocation): string {
  switch (state.kind) {
    case 'cloud':
      return `HCP Terraform workspace ${state.workspace} (${state.hostname})`;
    case 's3':
      return `s3://${state.bucket}/${state.key}`;
    case 'local':
      return state.path;
    case 'other':
      return `a ${state.type} backend`;
  }
}

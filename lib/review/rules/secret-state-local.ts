import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { IConstruct } from 'constructs';
import { localStateFile, secretStackName } from '../../stack-names';
import type { Finding } from '../index';
import { environmentStacks, grouped } from '../workspace';

export const SECRET_STATE_LOCAL = {
  id: 'KI-SECRET-STATE-LOCAL',
  cause: 'the stack that holds the client secret keeps its Terraform state, the secret in plain text included, in a local file',
  fix:
    'set stacks[].backend to an "s3" or "cloud" backend; while the state stays local, keep the file readable by its owner only ' +
    '(chmod 600 on it; a deploy under umask 077 creates it so)',
} as const;

/**
 * KI-SECRET-STATE-LOCAL: every environment whose `<env>-secret` stack has the local backend, naming its
 * state file (`terraform.<stack>.tfstate` in `stateDir`) and the file's mode once Terraform has written it.
 * Like the findings of ../workspace.ts it cannot be acknowledged: it goes once the backend is remote.
 */
export function secretStatesLocal(scope: IConstruct, stateDir: string): Finding[] {
  const stacks = environmentStacks(scope);
  const places = stacks
    .filter((stack) => stack.node.id === secretStackName(stack.environment.name) && stack.environment.backend.type === 'local')
    .map((stack) => {
      const file = localStateFile(stack.node.id);
      const path = join(stateDir, file);
      const mode = existsSync(path) ? `mode ${(statSync(path).mode & 0o7777).toString(8).padStart(4, '0')}` : 'not written yet';
      return { stack, where: `${file}, ${mode}` };
    });
  return grouped(places, stacks, SECRET_STATE_LOCAL);
}

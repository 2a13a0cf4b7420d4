import { statSync } from 'node:fs';
import { ROTATED_CLIENT_SECRET_OUTPUT } from '../lib/client-secret-mode';

/** The read bits of the file's group and of everyone else. */
const READ_BY_GROUP_OR_OTHERS = 0o044;

/** A mode as `chmod` and `ls -l` users know it: four octal digits. */
function octalMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/**
 * The sentence telling that `path`, which holds `what`, can be read by others than its owner, or
 * undefined when only its owner can read it. `cdktf deploy|output --outputs-file` and Terraform's local
 * backend create their files with the process's umask (0644 under the usual 022).
 */
export function readableByOthers(path: string, what: string): string | undefined {
  const mode = statSync(path).mode;
  if ((mode & READ_BY_GROUP_OR_OTHERS) === 0) return undefined;
  return `${path} holds ${what} and its mode ${octalMode(mode)} lets others than its owner read it: run chmod 600 ${path}`;
}

/** Whether an outputs file's client_secret value is a secret, not the "rotated" mode's sentence. */
export function isClientSecret(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && value !== ROTATED_CLIENT_SECRET_OUTPUT;
}

/** The `key-insight` warning line for an outputs file that holds a client secret others can read; '' otherwise. */
export function outputsFileWarning(setup: { readonly outputsFile: string; readonly clientSecret?: string }): string {
  const problem = isClientSecret(setup.clientSecret) ? readableByOthers(setup.outputsFile, 'the client secret') : undefined;
  return problem === undefined ? '' : `key-insight: warning: ${problem}\n`;
}

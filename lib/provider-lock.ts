import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The provider lock file, committed at the project root and written by `npm run providers:lock`. Terraform
 * reads it from the folder it runs in, so the synth copies it into every stack folder: every plan and
 * deploy then installs the same provider builds, checked against the same hashes.
 */
export const LOCK_FILE = '.terraform.lock.hcl';

/** The platforms whose provider hashes the lock file holds: CI runners, and the team's machines. */
export const LOCK_PLATFORMS = ['linux_amd64', 'linux_arm64', 'darwin_arm64'] as const;

/**
 * Copies `<projectRoot>/.terraform.lock.hcl`, when it exists, into `<outdir>/stacks/<stack>` for each
 * stack; without it, Terraform writes a lock file of its own in each folder, as before.
 */
export function copyLockFile(projectRoot: string, outdir: string, stackNames: Iterable<string>): void {
  const lockFile = join(projectRoot, LOCK_FILE);
  if (!existsSync(lockFile)) return;
  for (const stackName of stackNames) copyFileSync(lockFile, join(outdir, 'stacks', stackName, LOCK_FILE));
}

export type RequiredProviders = Record<string, { source: string; version: string }>;

/**
 * Every provider the synthesized stacks in `outdir` require, with its version; the stacks pin one
 * version each (lib/provider-versions.ts), so two different versions of one provider are an error.
 */
export function requiredProvidersOf(outdir: string): RequiredProviders {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  const required: RequiredProviders = {};
  for (const stack of Object.values<{ name: string; synthesizedStackPath: string }>(manifest.stacks)) {
    const config = JSON.parse(readFileSync(join(outdir, stack.synthesizedStackPath), 'utf8'));
    for (const [name, provider] of Object.entries<{ source: string; version: string }>(config.terraform?.required_providers ?? {})) {
      const earlier = required[name];
      if (earlier !== undefined && (earlier.version !== provider.version || earlier.source !== provider.source)) {
        throw new Error(`stack ${stack.name} requires ${provider.source} ${provider.version}, another stack ${earlier.source} ${earlier.version}: pin one version in lib/provider-versions.ts`);
      }
      required[name] = { source: provider.source, version: provider.version };
    }
  }
  return required;
}

// npm run providers:lock [-- <terraform providers lock options>]: writes the project's provider lock
// file, .terraform.lock.hcl, with the checksums of every provider the stacks require, for each platform
// in LOCK_PLATFORMS. It synthesizes the configuration into a temporary folder, gathers the providers the
// stacks require (one exact version each: lib/provider-versions.ts) and runs `terraform providers lock`
// on them, which downloads each provider for each platform from its registry: it needs the network.
// Options after `--` go to terraform, e.g. `-fs-mirror=<dir>` to read providers from a mirror.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LOCK_FILE, LOCK_PLATFORMS, requiredProvidersOf, type RequiredProviders } from '../lib/provider-lock';

const ROOT = resolve(__dirname, '..');

export interface LockOptions {
  /** @default LOCK_PLATFORMS */
  readonly platforms?: readonly string[];
  /** @default - none: providers come from their registries */
  readonly terraformOptions?: readonly string[];
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs `terraform providers lock` for these providers in `dir`; returns the lock file it wrote. */
export function lockProviders(providers: RequiredProviders, dir: string, options: LockOptions = {}): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'providers.tf.json'), JSON.stringify({ terraform: { required_providers: providers } }, null, 2));
  const platforms = options.platforms ?? LOCK_PLATFORMS;
  const args = ['providers', 'lock', '-no-color', ...platforms.map((platform) => `-platform=${platform}`), ...(options.terraformOptions ?? [])];
  const result = spawnSync('terraform', args, { cwd: dir, encoding: 'utf8', env: { ...(options.env ?? process.env), TF_IN_AUTOMATION: '1' } });
  if (result.error) throw new Error(`cannot run terraform (${result.error.message}): install Terraform 1.10 or newer`);
  if (result.status !== 0) throw new Error(`terraform ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
  return join(dir, LOCK_FILE);
}

/** Synthesizes the project's configuration into `work` and returns the providers its stacks require. */
export function synthesizedProviders(work: string): RequiredProviders {
  const outdir = join(work, 'cdktf.out');
  const synth = spawnSync(process.execPath, [join(ROOT, 'scripts', 'app.cjs')], {
    cwd: process.cwd(),
    env: { ...process.env, CDKTF_OUTDIR: outdir },
    encoding: 'utf8',
  });
  if (synth.status !== 0) throw new Error(`the synth failed:\n${synth.stderr}`);
  return requiredProvidersOf(outdir);
}

function main(): void {
  const work = mkdtempSync(join(tmpdir(), 'ki-providers-lock-'));
  try {
    const providers = synthesizedProviders(work);
    const lockFile = lockProviders(providers, join(work, 'lock'), { terraformOptions: process.argv.slice(2) });
    copyFileSync(lockFile, join(process.cwd(), LOCK_FILE));
    const listed = Object.values(providers).map((provider) => `${provider.source} ${provider.version}`);
    process.stdout.write(`Wrote ${LOCK_FILE}: ${listed.join(', ')}, for ${LOCK_PLATFORMS.join(', ')}. Commit it; the synth copies it into every stack folder.\n`);
  } catch (error) {
    process.stderr.write(`providers:lock: ${(error as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) main();

// `npm run check:aws`: validates and plans the AWS half of every stack in cdktf.out with Terraform,
// offline and without credentials (scripts/offline-check.ts says how). Run a synth first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeOutputFolder } from '../lib/output-folder';
import { checkStacks, describeResult, providerSource, synthesizedStacks } from './offline-check';

const USAGE =
  'usage: npm run check:aws [-- --outdir <cdktf.out folder, default ./cdktf.out>] [--parallel <stacks at once, default 2>] [--scratch <folder to make the copies in, default .scratch in the project>]';

/** This project's folder: where the plugin cache and the default scratch folder are. */
const PROJECT_ROOT = resolve(__dirname, '..');

function parseArgs(args: string[]): { outdir: string; parallel: number; scratch: string } {
  let outdir = process.env.CDKTF_OUTDIR || 'cdktf.out';
  let parallel = 2;
  let scratch = join(PROJECT_ROOT, '.scratch');
  for (let index = 0; index < args.length; index++) {
    const value = args[index + 1];
    if (args[index] === '--outdir' && value !== undefined) outdir = args[++index];
    else if (args[index] === '--scratch' && value !== undefined) scratch = resolve(args[++index]);
    else if (args[index] === '--parallel' && value !== undefined && /^[1-9]\d*$/.test(value)) parallel = Number(args[++index]);
    else throw new Error(`${args[index]}${value === undefined ? '' : ` ${value}`} is not understood: ${USAGE}`);
  }
  return { outdir: resolve(outdir), parallel, scratch };
}

async function main(): Promise<number> {
  const { outdir, parallel, scratch: scratchParent } = parseArgs(process.argv.slice(2));
  const stacks = synthesizedStacks(outdir);
  const version = spawnSync('terraform', ['version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) throw new Error('terraform is not on PATH: install Terraform 1.10 or newer to run this check');
  const source = providerSource(PROJECT_ROOT);
  makeOutputFolder('--scratch', scratchParent);
  // A folder of this run's own: the check removes only what it made.
  const scratch = mkdtempSync(join(scratchParent, 'check-aws-'));
  process.stdout.write(
    `Planning the AWS half of ${Object.keys(stacks).length} ${Object.keys(stacks).length === 1 ? "stack" : "stacks"} offline, with hashicorp/aws from ${'mirror' in source ? `the mirror ${source.mirror}` : `the registry (cached in ${source.pluginCache})`}\n`,
  );
  const results = await checkStacks(stacks, { scratch, source, parallel, onResult: (result) => process.stdout.write(`${describeResult(result)}\n`) });
  const failed = results.filter((result) => result.status === 'failed').length;
  if (failed > 0) {
    process.stdout.write(`${failed} of ${results.length} stacks failed; their copies are in ${scratch}\n`);
    return 1;
  }
  rmSync(scratch, { recursive: true, force: true });
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
  },
);

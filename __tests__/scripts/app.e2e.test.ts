/**
 * The direct synth path (`npm run synth`: scripts/app.cjs, bundled by esbuild, without the cdktf CLI)
 * writes what the cdktf CLI writes when it runs main.ts itself from its TypeScript sources, unbundled,
 * as a `cdktf init` project does (`cdktf synth --app`, with tsx in place of ts-node).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesBelow } from '../helpers/app';
import { configWith, minimalStack, ROOT } from '../helpers/config';
import { threeEnvironments } from '../helpers/environments';

const work = mkdtempSync(join(tmpdir(), 'ki-direct-'));
const configFile = join(work, 'three-environments.json');
writeFileSync(configFile, JSON.stringify(threeEnvironments()));
writeFileSync(join(work, 'terraform.tfrc'), '');

function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: work, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: join(work, 'terraform.tfrc'), ...env },
    encoding: 'utf8',
  });
  expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });
}

/** The app as the cdktf CLI runs a template project's: main.ts from its sources, no bundle. */
const UNBUNDLED_APP = `${process.execPath} --require tsx/cjs main.ts`;

it('writes the same files as `npx cdktf synth` running main.ts unbundled, byte for byte', () => {
  const viaCli = join(work, 'cli');
  const direct = join(work, 'direct');
  run('npx', ['cdktf', 'synth', '--app', UNBUNDLED_APP, '--output', viaCli], { KEY_INSIGHT_CONFIG: configFile });
  run(process.execPath, ['scripts/app.cjs'], { KEY_INSIGHT_CONFIG: configFile, CDKTF_OUTDIR: direct });
  const cliFiles = filesBelow(viaCli);
  expect(Object.keys(cliFiles)).toHaveLength(8);
  expect(filesBelow(direct)).toEqual(cliFiles);
}, 60_000);

it('removes the folders of stacks no longer configured, as `cdktf synth` does', () => {
  const outdir = join(work, 'pruned');
  const oneStackFile = join(work, 'one-stack.json');
  writeFileSync(oneStackFile, JSON.stringify(configWith(minimalStack({ name: 'ki-only' }))));
  run(process.execPath, ['scripts/app.cjs'], { KEY_INSIGHT_CONFIG: configFile, CDKTF_OUTDIR: outdir });
  run(process.execPath, ['scripts/app.cjs'], { KEY_INSIGHT_CONFIG: oneStackFile, CDKTF_OUTDIR: outdir });
  expect(Object.keys(filesBelow(outdir)).sort()).toEqual(['manifest.json', 'stacks/ki-only/cdk.tf.json']);
});

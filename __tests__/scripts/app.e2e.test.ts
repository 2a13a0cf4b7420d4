/**
 * The direct synth path (`npm run synth`: scripts/app.cjs, bundled by esbuild, without the cdktf CLI)
 * writes what the cdktf CLI writes when it runs main.ts itself from its TypeScript sources, unbundled,
 * as a `cdktf init` project does (`cdktf synth --app`, with tsx in place of ts-node).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesBelow } from '../helpers/app';
import { configWith, minimalStack, ROOT, withValue } from '../helpers/config';
import { threeEnvironments } from '../helpers/environments';

const work = mkdtempSync(join(tmpdir(), 'ki-direct-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const configFile = join(work, 'three-environments.json');
writeFileSync(configFile, JSON.stringify(threeEnvironments()));
writeFileSync(join(work, 'terraform.tfrc'), '');
writeFileSync(join(work, 'terraform.rc'), '');

function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR, HOME: work, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: join(work, 'terraform.tfrc'), ...env },
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
  expect(Object.keys(cliFiles)).toHaveLength(11);
  expect(filesBelow(direct)).toEqual(cliFiles);
}, 60_000);

it('removes the folders of stacks no longer configured, as `cdktf synth` does', () => {
  // A project folder of its own, and local state only: the record of the stacks refuses to drop s3 and cloud stacks that were not retired.
  const outdir = join(mkdtempSync(join(work, 'pruned-')), 'cdktf.out');
  const oneStackFile = join(work, 'one-stack.json');
  const twoStacksFile = join(work, 'two-stacks.json');
  writeFileSync(oneStackFile, JSON.stringify(configWith(minimalStack({ name: 'ki-only' }))));
  writeFileSync(twoStacksFile, JSON.stringify(configWith(minimalStack({ name: 'ki-only' }), withValue(minimalStack({ name: 'ki-gone' }), 'aws.accounts', [{ accountId: '111111111111' }]))));
  run(process.execPath, ['scripts/app.cjs'], { KEY_INSIGHT_CONFIG: twoStacksFile, CDKTF_OUTDIR: outdir });
  run(process.execPath, ['scripts/app.cjs'], { KEY_INSIGHT_CONFIG: oneStackFile, CDKTF_OUTDIR: outdir });
  expect(Object.keys(filesBelow(outdir)).sort()).toEqual(['manifest.json', 'stacks/ki-only-secret/cdk.tf.json', 'stacks/ki-only/cdk.tf.json']);
});

describe('an override file left in a stack folder', () => {
  const env = (dir: string) => ({ PATH: process.env.PATH, HOME: dir, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: join(work, 'terraform.rc') });
  function project(): string {
    const dir = mkdtempSync(join(work, 'override-'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: `node ${join(ROOT, 'scripts', 'app.cjs')}` }));
    writeFileSync(join(dir, 'key-insight.config.json'), JSON.stringify(configWith(minimalStack())));
    return dir;
  }
  const synthCli = (dir: string) =>
    spawnSync(join(ROOT, 'node_modules', '.bin', 'cdktf'), ['synth'], { cwd: dir, env: env(dir), encoding: 'utf8' });
  const synthDirect = (dir: string) => spawnSync(process.execPath, [join(ROOT, 'scripts', 'app.cjs')], { cwd: dir, env: env(dir), encoding: 'utf8' });
  const warning =
    "[KI-TERRAFORM-OVERRIDE] ki-test: a Terraform override file in a stack's folder changes what the synth wrote, and no synth removes it (cdktf.out/stacks/ki-test/main_override.tf.json).";

  it.each([
    ['npx cdktf synth', synthCli],
    ['npm run synth', synthDirect],
  ])('survives %s, which warns about it by name', (_path, synth) => {
    const dir = project();
    expect(synthDirect(dir).status).toBe(0);
    const override = join(dir, 'cdktf.out', 'stacks', 'ki-test', 'main_override.tf.json');
    writeFileSync(override, '{"resource": {}}');

    const result = synth(dir);

    expect(result.status).toBe(0);
    expect(result.stdout + result.stderr).toContain(warning);
    expect(readFileSync(override, 'utf8')).toBe('{"resource": {}}');
  }, 60_000);
});

describe('renaming a stack', () => {
  /** A project folder whose cdktf.json runs this project's app, holding a configuration with one environment. */
  function project(name: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'ki-rename-'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: `node ${join(ROOT, 'scripts', 'app.cjs')}` }));
    writeFileSync(join(dir, 'key-insight.config.json'), JSON.stringify(configWith(minimalStack({ name }))));
    return dir;
  }
  const rename = (dir: string, name: string) =>
    writeFileSync(join(dir, 'key-insight.config.json'), JSON.stringify(configWith(minimalStack({ name }))));
  const env = (dir: string) => ({ PATH: process.env.PATH, HOME: dir, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: join(work, 'terraform.rc') });
  const synthCli = (dir: string) =>
    spawnSync(join(ROOT, 'node_modules', '.bin', 'cdktf'), ['synth'], { cwd: dir, env: env(dir), encoding: 'utf8' });
  const synthDirect = (dir: string) => spawnSync(process.execPath, [join(ROOT, 'scripts', 'app.cjs')], { cwd: dir, env: env(dir), encoding: 'utf8' });

  it.each([
    ['npx cdktf synth', synthCli],
    ['npm run synth', synthDirect],
  ])('%s succeeds on the first run after the rename and leaves only the new stack folder', (_path, synth) => {
    const dir = project('ki-before');
    // The first synth only lays out the old folder; the direct path writes what the CLI writes.
    expect(synthDirect(dir).status).toBe(0);
    rename(dir, 'ki-after');

    const result = synth(dir);

    expect({ status: result.status, enoent: /ENOENT/.test(result.stdout + result.stderr) }).toEqual({ status: 0, enoent: false });
    expect(readdirSync(join(dir, 'cdktf.out', 'stacks')).sort()).toEqual(['ki-after', 'ki-after-secret']);
  }, 60_000);

  it.each([
    ['npx cdktf synth', synthCli],
    ['npm run synth', synthDirect],
  ])('%s refuses to drop a renamed stack whose local state holds resources, names rename-stack first, and writes nothing', (_path, synth) => {
    const dir = project('ki-before');
    // The first synth only lays out the old folder; the direct path writes what the CLI writes.
    expect(synthDirect(dir).status).toBe(0);
    const before = filesBelow(join(dir, 'cdktf.out'));
    const resource = { mode: 'managed', type: 'okta_app_oauth', name: 'x', provider: 'p', instances: [{ attributes: {} }] };
    writeFileSync(join(dir, 'terraform.ki-before.tfstate'), JSON.stringify({ version: 4, resources: [resource] }));
    rename(dir, 'ki-after');

    const result = synth(dir);

    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toContain(
      '  - ki-before: terraform.ki-before.tfstate holds 1 resource; if environment "ki-before" was renamed, run `npx key-insight rename-stack ki-before ki-after` first, which moves the states of its stacks to the new names; only to really remove the environment, put it back in the configuration and run `npx cdktf destroy ki-before` before removing it',
    );
    expect(filesBelow(join(dir, 'cdktf.out'))).toEqual(before);
  }, 60_000);
});

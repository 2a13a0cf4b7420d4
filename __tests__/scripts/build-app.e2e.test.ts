/**
 * Why the synth refuses a TerraformAsset (lib/synthesize.ts AssetRefusal): cdktf, as the bundle built by
 * scripts/build-app.cjs loads it, writes no zip of an asset folder. If a cdktf or esbuild release makes it
 * write one, this test fails and the refusal can go.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { filesBelow } from '../helpers/app';
import { ROOT } from '../helpers/config';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildApp } = require(join(ROOT, 'scripts', 'build-app.cjs'));

const work = mkdtempSync(join(tmpdir(), 'ki-build-app-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('writes no zip when cdktf in the bundle archives a TerraformAsset folder', async () => {
  // GIVEN cdktf as the synth loads it: from the vendor bundle the build writes
  const main: string = await buildApp(join(work, 'build', 'main.cjs'));
  const cdktf = require(join(dirname(main), 'vendor.cjs')).cdktf;
  const source = join(work, 'lambda');
  mkdirSync(source);
  writeFileSync(join(source, 'index.js'), 'exports.handler = () => 1;');
  const outdir = join(work, 'cdktf.out');
  const app = new cdktf.App({ outdir });
  new cdktf.TerraformAsset(new cdktf.TerraformStack(app, 'extra'), 'Code', { path: source, type: cdktf.AssetType.ARCHIVE });

  // WHEN the app synthesizes
  app.synth();

  // THEN the stack is written, and no archive beside it
  expect(Object.keys(filesBelow(outdir))).toContain('stacks/extra/cdk.tf.json');
  expect(Object.keys(filesBelow(outdir)).filter((file) => file.endsWith('.zip'))).toEqual([]);
}, 60_000);

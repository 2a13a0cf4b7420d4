import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, AssetType, TerraformAsset, TerraformStack } from 'cdktf';
import { parseConfig } from '../../lib/config';
import { synthesize } from '../../lib/synthesize';
import { filesBelow } from '../helpers/app';
import { configWith, minimalStack } from '../helpers/config';

describe('a TerraformAsset in the app', () => {
  const work = mkdtempSync(join(tmpdir(), 'ki-asset-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('refuses the synth, naming the asset, and writes nothing', () => {
    // GIVEN an app in which a construct added an archive asset
    const source = join(work, 'lambda');
    const outdir = join(work, 'cdktf.out');
    mkdirSync(source);
    writeFileSync(join(source, 'index.js'), 'exports.handler = () => 1;');
    const app = new App({ outdir });
    new TerraformAsset(new TerraformStack(app, 'extra'), 'Code', { path: source, type: AssetType.ARCHIVE });

    // WHEN the app is synthesized
    // THEN the synth stops before writing anything
    expect(() => synthesize(app, parseConfig(configWith(minimalStack())))).toThrow(
      "TerraformAsset is not supported, but extra/Code is one: the stacks ship no files, and the synth's bundle leaves out the archiver that zips asset folders (scripts/build-app.cjs)",
    );
    expect(filesBelow(outdir)).toEqual({});
  });

  it('is not found in the stacks the configuration makes, which synthesize', () => {
    const outdir = join(work, 'clean.out');

    synthesize(new App({ outdir }), parseConfig(configWith(minimalStack())));

    expect(readdirSync(join(outdir, 'stacks')).sort()).toEqual(['ki-test', 'ki-test-secret']);
  });
});

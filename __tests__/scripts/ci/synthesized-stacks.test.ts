import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CiUsageError } from '../../../scripts/ci/ci-usage-error';
import { outdirOf, synthesizedStacks } from '../../../scripts/ci/synthesized-stacks';

const dir = mkdtempSync(join(tmpdir(), 'ki-synthesized-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the cdktf.out the CI commands read', () => {
  it('refuses a CDKTF_OUTDIR that names a file', () => {
    writeFileSync(join(dir, 'a-file'), 'not a folder\n');
    expect(() => outdirOf({ CDKTF_OUTDIR: 'a-file' }, dir)).toThrow(
      new CiUsageError(`CDKTF_OUTDIR is "a-file", but must name the folder \`npx cdktf synth\` writes: ${join(dir, 'a-file')} is not a folder`),
    );
  });

  it('refuses a manifest cut short in one sentence', () => {
    const outdir = join(dir, 'cut-short');
    mkdirSync(outdir);
    writeFileSync(join(outdir, 'manifest.json'), '{"stacks": ');
    expect(() => synthesizedStacks(outdir)).toThrow(
      new CiUsageError(`${outdir} does not hold a synth that can be read (Unexpected end of JSON input): run \`npx cdktf synth\` (or \`npm run synth\`) again`),
    );
  });
});

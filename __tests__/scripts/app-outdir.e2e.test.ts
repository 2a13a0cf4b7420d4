/**
 * The direct synth (`npm run synth`, scripts/app.cjs) with a CDKTF_OUTDIR it cannot write in: one
 * sentence naming the variable, exit code 2, and nothing written, instead of the trace of the App's
 * mkdir (or, in /proc, a recursive mkdir that never returns).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configWith, minimalStack, ROOT } from '../helpers/config';

const work = mkdtempSync(join(tmpdir(), 'ki-outdir-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const configFile = join(work, 'key-insight.config.json');
writeFileSync(configFile, JSON.stringify(configWith(minimalStack())));
const aFile = join(work, 'a-file');
writeFileSync(aFile, 'not a folder\n');

function synth(outdir: string) {
  return spawnSync(process.execPath, ['scripts/app.cjs'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR, HOME: work, KEY_INSIGHT_CONFIG: configFile, CDKTF_OUTDIR: outdir },
    encoding: 'utf8',
    // Far more than a synth refused before it starts takes; a synth that hangs is killed and fails.
    timeout: 30_000,
  });
}

it.each([
  ['a file', aFile, `${aFile} is a file`],
  ['a folder in a file', join(aFile, 'cdktf.out'), `${aFile} is a file`],
  ['a folder in /proc', '/proc/cdktf.out', '/proc takes no new files or folders'],
])('refuses a CDKTF_OUTDIR naming %s in one sentence with exit code 2', (_, outdir, why) => {
  const result = synth(outdir);
  expect({ status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr }).toEqual({
    status: 2,
    signal: null,
    stdout: '',
    stderr: `CDKTF_OUTDIR is ${JSON.stringify(outdir)}, but must name a folder that can be written in: ${why}\n`,
  });
});

it('writes nothing when the configuration is refused, not even the output folder', () => {
  const outdir = join(work, 'never-made');
  writeFileSync(join(work, 'refused.json'), JSON.stringify({ stacks: [] }));
  const result = spawnSync(process.execPath, ['scripts/app.cjs'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR, HOME: work, KEY_INSIGHT_CONFIG: join(work, 'refused.json'), CDKTF_OUTDIR: outdir },
    encoding: 'utf8',
  });
  expect(result.status).toBe(1);
  expect(existsSync(outdir)).toBe(false);
});

import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeOutputFolder, OutputFolderError } from '../../lib/output-folder';

const dir = mkdtempSync(join(tmpdir(), 'ki-output-folder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'a-file'), 'not a folder\n');

describe('makeOutputFolder', () => {
  it('makes every missing level and returns the absolute path, leaving nothing else in it', () => {
    expect(makeOutputFolder('PLAN_DIR', 'plans/pull-request/42', dir)).toBe(join(dir, 'plans', 'pull-request', '42'));
    expect(statSync(join(dir, 'plans', 'pull-request', '42')).isDirectory()).toBe(true);
    expect(readdirSync(join(dir, 'plans', 'pull-request', '42'))).toEqual([]);
  });

  it('accepts a folder that exists', () => {
    expect(makeOutputFolder('PLAN_DIR', dir, '/')).toBe(dir);
  });

  it.each([
    ['a file', 'a-file', 'a-file is a file'],
    ['a folder under a file', 'a-file/plans', 'a-file is a file'],
    ['a device', '/dev/urandom', '/dev/urandom is not a folder'],
    ['a new folder in /proc, where mkdir never succeeds', '/proc/plans', '/proc takes no new files or folders'],
    ['/proc itself, which takes no files', '/proc', '/proc takes no new files or folders'],
    ['a new folder in /sys', '/sys/plans', 'permission denied in /sys'],
  ])('refuses %s in one sentence naming the variable and the value', (_, value, why) => {
    const shown = why.startsWith('a-file') ? `${join(dir, 'a-file')}${why.slice('a-file'.length)}` : why;
    expect(() => makeOutputFolder('PLAN_DIR', value, dir)).toThrow(
      new OutputFolderError(`PLAN_DIR is ${JSON.stringify(value)}, but must name a folder that can be written in: ${shown}`),
    );
  });

  it('makes nothing beside a file it refuses', () => {
    expect(() => makeOutputFolder('CDKTF_OUTDIR', 'a-file/cdktf.out', dir)).toThrow(OutputFolderError);
    expect(existsSync(join(dir, 'a-file', 'cdktf.out'))).toBe(false);
  });
});
